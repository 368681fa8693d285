import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Who a request is: a configured key (by digest prefix, never the key) or nobody. @internal */
export type Identity = { readonly kind: 'key'; readonly keyId: string } | { readonly kind: 'anonymous' };

const ANONYMOUS: Identity = Object.freeze({ kind: 'anonymous' });

/**
 * Checks presented credentials against the configured keys. Keys are kept only as
 * SHA-256 digests keyed with a per-process secret; a presented value is digested the same
 * way and compared with `crypto.timingSafeEqual` against **every** key, with no early exit,
 * so neither the position of a match nor the length of a guess shows in the timing.
 * @internal
 */
export class KeyVerifier {
  private readonly secret = crypto.randomBytes(32);
  /** The secret as text, the prefix of every digested value. */
  private readonly prefix = this.secret.toString('hex');
  private readonly digests: readonly Buffer[];
  private readonly ids: readonly string[];
  /** One frozen identity per key, so a verified request allocates none. */
  private readonly identities: readonly Identity[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map((k) => this.digest(k));
    // the id a log or audit record may carry: a prefix of the key's HMAC, never the key
    this.ids = keys.map((k) => crypto.createHmac('sha256', this.secret).update(k, 'utf8').digest('hex').slice(0, 12));
    this.identities = this.ids.map((keyId) => Object.freeze({ kind: 'key' as const, keyId }));
  }

  /** True when at least one key is configured. */
  get configured(): boolean {
    return this.digests.length > 0;
  }

  /**
   * The 32-byte digest of a credential value: SHA-256 over the per-process secret and the
   * value, in one call (no hash object per request). Digests are compared only with each
   * other and never leave the process, so a keyed hash serves as well as an HMAC here.
   */
  digest(value: string): Buffer {
    return crypto.hash('sha256', this.prefix + value, 'buffer');
  }

  /** The key's short id (a digest prefix, safe to log) when `value` is a configured key, else undefined. */
  verify(value: string): string | undefined {
    const match = this.match(value);
    return match < 0 ? undefined : this.ids[match];
  }

  /** The identity of the configured key `value` is, or anonymous. */
  identityOf(value: string): Identity {
    const match = this.match(value);
    return match < 0 ? ANONYMOUS : this.identities[match]!;
  }

  /** Index of the configured key `value` is, or -1: every key compared, no early exit. */
  private match(value: string): number {
    const presented = this.digest(value);
    let match = -1;
    for (let i = 0; i < this.digests.length; i++) {
      // every key is compared, whatever matched before
      const equal = crypto.timingSafeEqual(presented, this.digests[i]!);
      match = equal && match < 0 ? i : match;
    }
    return match;
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
  return credential === undefined ? ANONYMOUS : verifier.identityOf(credential);
}

/** The anonymous identity. @internal */
export const anonymous: Identity = ANONYMOUS;

/** The one 401 body, byte-identical for every failure. @internal */
export const UNAUTHENTICATED_BODY = JSON.stringify({
  error: { code: 'UNAUTHENTICATED', message: 'Authentication required: send Authorization: Bearer <key> or X-API-Key: <key> (exactly one) with a configured API key.' },
});
