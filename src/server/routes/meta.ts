import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { identityOf } from '../request-identity.js';
import { describeRoutines } from '../routines-catalog.js';
import { errors } from '../schemas.js';

const statusSchema = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } as const;
const readySchema = {
  type: 'object',
  required: ['status', 'store', 'runtime'],
  properties: { status: { type: 'string', enum: ['ok', 'degraded'] }, store: statusSchema, runtime: statusSchema },
} as const;

/** Probes the store with a cheap read; a failure or no answer within 2 s is `unavailable`. */
async function storeStatus(ctx: ServerContext): Promise<string> {
  const store = ctx.store;
  if (store === undefined) return 'none';
  let timer: NodeJS.Timeout | undefined;
  try {
    const answered = await Promise.race([
      store.listJobs({ limit: 1 }).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), 2000);
      }),
    ]);
    return answered ? 'ok' : 'unavailable';
  } catch {
    return 'unavailable';
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** Health, readiness, routine catalog, WebSocket tickets and the OpenAPI document. @internal */
export function metaRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/health/ready', { schema: { summary: 'Readiness: store and runtime', response: { 200: readySchema, 503: readySchema, ...errors() } } }, async (_request, reply) => {
    const waiting = ctx.runtime.storeHealth()?.status === 'unavailable'; // jobs retrying their writes
    const store = waiting ? 'unavailable' : await storeStatus(ctx);
    const runtime = ctx.runtime.isShutdown ? 'stopped' : 'ok';
    const ok = (store === 'ok' || store === 'none') && runtime === 'ok';
    reply.code(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', store: { status: store }, runtime: { status: runtime } };
  });

  app.get('/routines', {
    schema: {
      summary: 'Every registered routine type',
      response: {
        200: {
          type: 'object',
          required: ['items'],
          properties: {
            items: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'slots', 'events', 'configKeys'],
                properties: {
                  name: { type: 'string' },
                  slots: { type: 'array', items: { type: 'object', required: ['name', 'merge'], properties: { name: { type: 'string' }, merge: { type: 'string' } } } },
                  events: { type: 'array', items: { type: 'object', required: ['name', 'params'], properties: { name: { type: 'string' }, params: { type: 'array', items: { type: 'string' } } } } },
                  configKeys: { type: 'array', items: { type: 'string' } },
                },
              },
            },
          },
        },
        ...errors(),
      },
    },
  }, async () => ({ items: describeRoutines() }));

  app.post('/ws-tickets', {
    schema: {
      summary: 'A single-use WebSocket ticket, valid ticketTtlMs',
      response: { 201: { type: 'object', required: ['ticket', 'expiresAt'], properties: { ticket: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } } }, ...errors(415) },
    },
  }, async (request, reply) => {
    const minted = ctx.tickets.mint(identityOf(request));
    reply.code(201);
    return { ticket: minted.ticket, expiresAt: new Date(minted.expiresAtMs).toISOString() };
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => (app as unknown as { swagger(): unknown }).swagger());
}
