import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../http-errors.js';
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
export function wsRoute(app: FastifyInstance, hub: WsHub, corsOrigins: readonly string[]): void {
  app.get('/ws', {
    websocket: true,
    preValidation: async (request: FastifyRequest, reply: FastifyReply) => {
      if (!originAllowed(request, corsOrigins)) {
        await reply.code(403).type('application/json; charset=utf-8').send(errorBody('INVALID_ARGUMENT', 'This Origin may not open a WebSocket here; add it to cors.origins.'));
      }
    },
  }, (socket) => {
    hub.attach(socket);
  });
}
