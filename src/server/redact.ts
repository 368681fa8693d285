const SECRET_PARAMS = /([?&](?:api_key|apiKey|key|token|ticket)=)[^&#]*/g;

/** The URL with its api_key / apiKey / key / token / ticket query values replaced by [redacted]. @internal */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

/** Query parameters that must never carry an API key. @internal */
export const KEY_PARAMS: readonly string[] = ['api_key', 'apiKey', 'key', 'token'];

/**
 * Removes every configured key from text about to be logged (an error message or stack
 * that happens to quote one): each occurrence becomes `[redacted]`. @internal
 */
export function keyScrubber(keys: readonly string[]): (text: string) => string {
  if (keys.length === 0) return (text) => text;
  const escaped = [...keys].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(escaped.join('|'), 'g');
  return (text) => text.replace(pattern, '[redacted]');
}
