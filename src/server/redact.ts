const SECRET_PARAMS = /([?&](?:api_key|apiKey|key|token|ticket)=)[^&#]*/g;

/** The URL with its api_key / apiKey / key / token / ticket query values replaced by [redacted]. @internal */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

/** Query parameters that must never carry an API key. @internal */
export const KEY_PARAMS: readonly string[] = ['api_key', 'apiKey', 'key', 'token'];
