import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Who a request is: a configured key (by digest prefix, never the key) or nobody. @internal */
export type Identity = { readonly kind: 'key'; readonly keyId: string } | { readonly kind: 'anonymous' };

const ANONYMOUS: Identity = Object.freeze({ kind: 'anonymous' });

/**
 * Checks presented credentials against the configured keys. Keys are kept only as
 * HMAC-SHA256 digests under a per-process secret; a presented value is digested the same
 * way and compared with `crypto.timingSafeEqual` against **every** key, with no early exit,
 * so neither the position of a match nor the length of a guess shows in the timing.
 * @internal
 */
export class KeyVerifier {
  private readonly secret = crypto.randomBytes(32);
  private readonly digests: readonly Buffer[];
  private readonly ids: readonly string[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map((k) => this.digest(k));
    this.ids = this.digests.map((d) => d.subarray(0, 6).toString('hex'));
  }

  /** True when at least one key is configured. */
  get configured(): boolean {
    return this.digests.length > 0;
  }

  /** The 32-byte digest of a credential value. */
  digest(value: string): Buffer {
    return crypto.createHmac('sha256', this.secret).update(value, 'utf8').digest();
  }

  /** The key's short id (a digest prefix, safe to log) when `value` is a configured key, else undefined. */
  verify(value: string): string | undefined {
    const presented = this.digest(value);
    let match = -1;
    for (let i = 0; i < this.digests.length; i++) {
      // every key is compared, whatever matched before
      const equal = crypto.timingSafeEqual(presented, this.digests[i]!);
      match = equal && match < 0 ? i : match;
    }
    return match < 0 ? undefined : this.ids[match];
  }
}

/**
 * The one credential a request carries: `Authorization: Bearer <key>` or `X-API-Key: <key>`.
 * Both headers, a header repeated, or a malformed value → undefined (treated like a wrong key).
 * @internal
 */
export function credentialOf(headers: IncomingHttpHeaders, rawHeaders: readonly string[]): string | undefined {
  let authorization = 0;
  let apiKeyHeaders = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (name === 'authorization') authorization++;
    else if (name === 'x-api-key') apiKeyHeaders++;
  }
  if (authorization + apiKeyHeaders !== 1) return undefined;
  if (apiKeyHeaders === 1) {
    const value = headers['x-api-key'];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  }
  const value = headers.authorization;
  if (typeof value !== 'string') return undefined;
  const m = /^Bearer ([\x21-\x7e]+)$/.exec(value);
  return m === null ? undefined : m[1];
}

/** Resolves the identity of a request from its headers (no ticket). @internal */
export function identify(verifier: KeyVerifier, headers: IncomingHttpHeaders, rawHeaders: readonly string[]): Identity {
  const credential = credentialOf(headers, rawHeaders);
  if (credential === undefined) return ANONYMOUS;
  const keyId = verifier.verify(credential);
  return keyId === undefined ? ANONYMOUS : { kind: 'key', keyId };
}

/** The anonymous identity. @internal */
export const anonymous: Identity = ANONYMOUS;

/** The one 401 body, byte-identical for every failure. @internal */
export const UNAUTHENTICATED_BODY = JSON.stringify({
  error: { code: 'UNAUTHENTICATED', message: 'Authentication required: send Authorization: Bearer <key> or X-API-Key: <key> (exactly one) with a configured API key.' },
});
