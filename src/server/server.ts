import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import { Ajv } from 'ajv';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type preValidationHookHandler } from 'fastify';
import { KeyVerifier, UNAUTHENTICATED_BODY, anonymous, identify } from './auth.js';
import type { ServerContext } from './context.js';
import { eventSourceOf } from './engine-seam.js';
import { isRoutiluxError, type Runtime } from '../index.js';
import { forbiddenKeyPath } from './forbidden-keys.js';
import { HttpError, errorBody, toHttpError } from './http-errors.js';
import { IdempotencyStore } from './idempotency.js';
import { resolveOptions, type ResolvedOptions, type ServerOptions } from './options.js';
import { KEY_PARAMS, redactUrl } from './redact.js';
import { bucketOf, setIdentity } from './request-identity.js';
import { trackRoutes } from './route-list.js';
import { dashboardRoutes } from './dashboard.js';
import { debugRoutes } from './routes/debug.js';
import { flowRoutes, restoreFlows } from './routes/flows.js';
import { jobControlRoutes } from './routes/job-control.js';
import { jobRoutes } from './routes/jobs.js';
import { metaRoutes } from './routes/meta.js';
import { WsHub } from './ws/hub.js';
import { wsRoute } from './ws/route.js';
import { TicketStore } from './ws/tickets.js';

/** Where the API lives. */
export const API_PREFIX = '/api/v1';
const WS_PATH = `${API_PREFIX}/ws`;
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** The HTTP server returned by {@link createServer}. */
export interface RoutiluxServer {
  /** The underlying Fastify instance (routes, hooks, `printRoutes`). */
  readonly app: FastifyInstance;
  /** Starts listening on the configured host and port; resolves with the base URL. */
  listen(): Promise<{ url: string }>;
  /** Stops accepting, finishes in-flight requests, closes WebSockets with 1001; idempotent. */
  close(): Promise<void>;
  /** Fastify's `inject`, for tests: a request answered without a socket. */
  inject: FastifyInstance['inject'];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without credentials (only `GET /health`). */
    public?: boolean;
    /** Accepts YAML bodies as well as JSON. */
    yaml?: boolean;
  }
}

const authenticated = Symbol('routilux.authenticated');
type Marked = FastifyRequest & { [authenticated]?: boolean };

function isPreflight(request: FastifyRequest): boolean {
  return request.method === 'OPTIONS' && request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined;
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function sendUnauthenticated(reply: FastifyReply): void {
  void reply.code(401).header('www-authenticate', 'Bearer').type('application/json; charset=utf-8').send(UNAUTHENTICATED_BODY);
}

function buildApp(o: ResolvedOptions, ctx: ServerContext, hub: WsHub, verifier: KeyVerifier): FastifyInstance {
  const app = Fastify({
    bodyLimit: o.bodyLimit,
    trustProxy: o.trustProxy,
    ...(o.logger === false ? { logger: false } : { loggerInstance: o.logger as unknown as FastifyBaseLogger }),
    logController: new LogController({ disableRequestLogging: true }),
    // JSON.parse keeps "__proto__" as an own data key (no pollution); the preValidation hook
    // then refuses it, and "constructor" / "prototype", at any depth with FORBIDDEN_KEY and its path
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  trackRoutes(app);
  const bodyAjv = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, removeAdditional: false, strict: false });
  const partAjv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, removeAdditional: false, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart !== 'body') return partAjv.compile(schema);
    const validate = bodyAjv.compile(schema);
    if (Array.isArray((schema as { required?: unknown }).required)) return validate;
    // a body whose keys are all optional may be left out entirely
    const optional = (data: unknown): boolean => {
      if (data === undefined) return true;
      const ok = validate(data) as boolean;
      optional.errors = validate.errors;
      return ok;
    };
    optional.errors = null as typeof validate.errors;
    return optional;
  });

  // JSON (Fastify's own parser, with prototype-poisoning protection) and YAML text; nothing else
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  // 1. who is this? (no answer yet: the rate limiter needs the bucket first)
  app.addHook('onRequest', (request, _reply, done) => {
    let identity = identify(verifier, request.headers, request.raw.rawHeaders);
    let ok = identity.kind === 'key';
    if ((request.raw.url ?? '').split('?')[0] === WS_PATH) {
      const query = request.query as Record<string, unknown>;
      if (KEY_PARAMS.some((p) => p in query)) {
        identity = anonymous; // a key in the URL is refused, whatever else came with it
        ok = false;
      } else if (!ok && typeof query.ticket === 'string') {
        const ticketIdentity = ctx.tickets.redeem(query.ticket);
        if (ticketIdentity !== undefined) {
          identity = ticketIdentity;
          ok = true;
        }
      }
    }
    setIdentity(request, identity);
    (request as Marked)[authenticated] = ok;
    done();
  });

  // 3. after the limiter: refuse unauthenticated requests, then bodies we do not take
  app.addHook('preParsing', (request, reply, payload, done) => {
    const isPublic = request.routeOptions.config.public === true || isPreflight(request);
    if (o.auth && !isPublic && (request as Marked)[authenticated] !== true) {
      sendUnauthenticated(reply);
      return;
    }
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      done(new HttpError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding "${encoding}" is not accepted; send the body uncompressed.`));
      return;
    }
    if (hasBody(request)) {
      const type = mediaType(request.headers['content-type']);
      const yaml = request.routeOptions.config.yaml === true && YAML_TYPES.includes(type);
      if (type !== 'application/json' && !yaml) {
        done(new HttpError('UNSUPPORTED_MEDIA_TYPE', `Content-Type "${type || '(none)'}" is not accepted here; send application/json${request.routeOptions.config.yaml === true ? ' or a YAML type' : ''}.`));
        return;
      }
    }
    done(null, payload);
  });

  app.addHook('preValidation', (request, _reply, done) => {
    const path = typeof request.body === 'object' ? forbiddenKeyPath(request.body) : undefined;
    if (path !== undefined) done(new HttpError('FORBIDDEN_KEY', `The body contains a forbidden key at ${path}; "__proto__", "constructor" and "prototype" are refused because they could alter object prototypes.`, { path }));
    else done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    request.log.info({ method: request.method, url: redactUrl(request.raw.url ?? ''), statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body, unexpected } = toHttpError(error);
    if (unexpected) request.log.error({ err: { message: error instanceof Error ? error.message : 'non-error thrown', stack: error instanceof Error ? error.stack : undefined }, url: redactUrl(request.raw.url ?? '') }, 'unexpected error');
    if (status === 401) {
      sendUnauthenticated(reply);
      return;
    }
    void reply.code(status).type('application/json; charset=utf-8').send(body);
  });

  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'routilux HTTP API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
  });
  if (o.rateLimit !== false) {
    void app.register(rateLimit, {
      global: true,
      max: o.rateLimit.max,
      timeWindow: o.rateLimit.timeWindow,
      keyGenerator: bucketOf,
      enableDraftSpec: true,
      errorResponseBuilder: (_request, context) =>
        new HttpError('RATE_LIMITED', `Too many requests: at most ${context.max} per ${Math.round(context.ttl / 1000) || 1} s for this key (or client address); retry after ${context.after}.`, { limit: context.max }),
    });
  }
  void app.register(cors, {
    origin: (origin, cb) => cb(null, origin !== undefined && o.corsOrigins.includes(origin) ? origin : false),
    credentials: false,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'Idempotency-Key'],
  });
  void app.register(websocket, {
    options: { maxPayload: 64 * 1024 },
    preClose: (done) => {
      hub.close();
      app.websocketServer.close(() => done());
    },
  });

  void app.register(async (root) => {
    if (o.dashboard) dashboardRoutes(root);
    root.get('/health', { config: { public: true, rateLimit: false }, schema: { summary: 'Liveness (no auth)', security: [], response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } } } }, async () => ({ status: 'ok' }));
    await root.register(async (api) => {
      flowRoutes(api, ctx);
      jobRoutes(api, ctx);
      jobControlRoutes(api, ctx);
      debugRoutes(api, ctx);
      metaRoutes(api, ctx);
      wsRoute(api, hub, o.corsOrigins);
    }, { prefix: API_PREFIX });
    root.setNotFoundHandler(
      o.rateLimit === false ? {} : { preValidation: (root as unknown as { rateLimit(): preValidationHookHandler }).rateLimit() },
      async (request, reply) => {
        await reply.code(404).type('application/json; charset=utf-8').send(errorBody('UNKNOWN_ROUTE', `No route ${request.method} ${redactUrl(request.raw.url ?? '').split('?')[0]}; see GET ${API_PREFIX}/openapi.json for the routes.`));
      },
    );
  });
  return app;
}

/**
 * Continues the unfinished jobs of the runtime's store (flows registered from files and from
 * the store are in the registry by now). A runtime without a store has nothing to recover;
 * jobs that cannot come back (flow not registered, corrupt) are logged and stay in the store.
 */
async function recoverJobsOnListen(runtime: Runtime, warn: (message: string) => void): Promise<void> {
  try {
    await runtime.recover();
  } catch (error) {
    if (isRoutiluxError(error) && error.code === 'INVALID_STATE') return; // no store on this runtime
    warn(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Creates the routilux HTTP API and WebSocket (services.md §5) on Fastify, driving the jobs
 * of a {@link Runtime}. Fails closed: with auth on (the default) and no key configured it
 * throws `INVALID_ARGUMENT`, and `auth: false` is refused on a non-loopback host.
 *
 * @example
 * const server = createServer({ runtime, apiKeys: [process.env.API_KEY!] });
 * const { url } = await server.listen();   // http://127.0.0.1:8080
 * // … curl -H "Authorization: Bearer $API_KEY" $url/api/v1/flows
 * await server.close();
 */
export function createServer(options: ServerOptions = {}): RoutiluxServer {
  const o = resolveOptions(options);
  const closing = new AbortController();
  const ctx: ServerContext = {
    options: o,
    runtime: o.runtime,
    registry: o.registry,
    store: o.store,
    idempotency: new IdempotencyStore((id) => o.runtime.getJob(id) !== undefined),
    tickets: new TicketStore(o.ticketTtlMs),
    closing: closing.signal,
  };
  const hub = new WsHub(o.runtime, o.registry, eventSourceOf(o.runtime), o.wsPingIntervalMs);
  const verifier = new KeyVerifier(o.apiKeys);
  const app = buildApp(o, ctx, hub, verifier);
  let closed: Promise<void> | undefined;
  return {
    app,
    inject: app.inject.bind(app) as FastifyInstance['inject'],
    async listen() {
      await restoreFlows(ctx, (m) => app.log.warn(m));
      if (ctx.store !== undefined) await recoverJobsOnListen(o.runtime, (m) => app.log.warn(m));
      await app.listen({ host: o.host, port: o.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : o.port;
      const host = o.host.includes(':') && !o.host.startsWith('[') ? `[${o.host}]` : o.host;
      return { url: `http://${host}:${port}` };
    },
    close() {
      closed ??= (async () => {
        closing.abort();
        await app.close();
        hub.close();
        if (o.ownsRuntime) await o.runtime.shutdown();
      })();
      return closed;
    },
  };
}
