import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../http-errors.js';
import { bucketOf } from '../request-identity.js';
import type { WsHub } from './hub.js';

/** `Origin` is allowed when absent (not a browser), the server's own, or in cors.origins. @internal */
export function originAllowed(request: FastifyRequest, corsOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const host = request.headers.host;
  if (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`)) return true;
  return corsOrigins.includes(origin);
}

/** `GET /api/v1/ws` (auth already ran in the server's hooks). @internal */
export function wsRoute(app: FastifyInstance, hub: WsHub, corsOrigins: readonly string[], maxPerKey: number): void {
  app.get('/ws', {
    websocket: true,
    preValidation: async (request: FastifyRequest, reply: FastifyReply) => {
      if (!originAllowed(request, corsOrigins)) {
        await reply.code(403).type('application/json; charset=utf-8').send(errorBody('INVALID_ARGUMENT', 'This Origin may not open a WebSocket here; add it to cors.origins.'));
        return;
      }
      const bucket = bucketOf(request);
      if (!hub.hasRoomFor(bucket)) {
        // refused on the upgrade (never a 101), like the rate limiter
        await reply
          .code(429)
          .header('retry-after', '1')
          .type('application/json; charset=utf-8')
          .send(errorBody('RATE_LIMITED', `Too many open WebSockets for this key (at most ${maxPerKey}); close one before opening another.`, { limit: maxPerKey, open: hub.connectionsOf(bucket) }));
      }
    },
  }, (socket, request) => {
    hub.attach(socket, bucketOf(request));
  });
}
