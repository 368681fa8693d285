import type { FastifyRequest } from 'fastify';
import { anonymous, type Identity } from './auth.js';

const IDENTITY = Symbol('routilux.identity');

/** Records who a request is (set once, in the first onRequest hook). @internal */
export function setIdentity(request: FastifyRequest, identity: Identity): void {
  (request as unknown as Record<symbol, Identity>)[IDENTITY] = identity;
}

/** Who a request is; anonymous when nothing was recorded. @internal */
export function identityOf(request: FastifyRequest): Identity {
  return (request as unknown as Record<symbol, Identity | undefined>)[IDENTITY] ?? anonymous;
}

/** Rate-limit bucket of a request: its key, or its client address without valid credentials. @internal */
export function bucketOf(request: FastifyRequest): string {
  const identity = identityOf(request);
  return identity.kind === 'key' ? `key:${identity.keyId}` : `ip:${request.ip}`;
}
