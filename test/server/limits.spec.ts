import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registeredRoutes } from '../../src/server/route-list.js';
import { KEY, OTHER_KEY, auth, testServer, type TestServer } from './fixtures.js';

let t: TestServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await t?.server.close();
  await t?.runtime.shutdown();
  t = undefined;
});

/** Sends a raw request over a real socket; resolves with status and body. */
function raw(url: string, options: { method: string; headers: Record<string, string>; chunks: Buffer[] }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' || (e as NodeJS.ErrnoException).code === 'EPIPE' ? undefined : reject(e)));
    const write = (i: number): void => {
      if (i === options.chunks.length) {
        req.end();
        return;
      }
      if (req.write(options.chunks[i]!)) setImmediate(() => write(i + 1));
      else req.once('drain', () => write(i + 1));
    };
    write(0);
  });
}

describe('H5: rate limits', () => {
  it('answers the (N+1)th request of a window with 429, Retry-After and RateLimit headers, per key', async () => {
    t = testServer({ rateLimit: { max: 3, timeWindow: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await t.server.inject({ url: '/api/v1/flows', headers: auth })).statusCode).toBe(200);
    const over = await t.server.inject({ url: '/api/v1/flows', headers: auth });
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('RATE_LIMITED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(over.headers['ratelimit-limit']).toBe('3');
    expect(over.headers['ratelimit-remaining']).toBe('0');
    expect(over.headers['ratelimit-reset']).toBeDefined();
  });

  it('keeps separate buckets per key, and per address for failed credentials', async () => {
    t = testServer({ apiKeys: [KEY, OTHER_KEY], rateLimit: { max: 2, timeWindow: 60_000 } });
    for (let i = 0; i < 2; i++) await t.server.inject({ url: '/api/v1/flows', headers: auth });
    expect((await t.server.inject({ url: '/api/v1/flows', headers: auth })).statusCode).toBe(429);
    expect((await t.server.inject({ url: '/api/v1/flows', headers: { 'x-api-key': OTHER_KEY } })).statusCode).toBe(200);
    // failed auth counts against the client address: 2 × 401, then 429
    expect((await t.server.inject({ url: '/api/v1/flows', headers: { 'x-api-key': 'guess-1' } })).statusCode).toBe(401);
    expect((await t.server.inject({ url: '/api/v1/flows' })).statusCode).toBe(401);
    expect((await t.server.inject({ url: '/api/v1/flows', headers: { 'x-api-key': 'guess-3' } })).statusCode).toBe(429);
    // a spoofed X-Forwarded-For does not open a new bucket without trustProxy
    expect((await t.server.inject({ url: '/api/v1/flows', headers: { 'x-forwarded-for': '203.0.113.9' } })).statusCode).toBe(429);
    // the liveness route is never limited
    for (let i = 0; i < 5; i++) expect((await t.server.inject({ url: '/health' })).statusCode).toBe(200);
  });

  it('honours X-Forwarded-For only with trustProxy', async () => {
    t = testServer({ trustProxy: true, rateLimit: { max: 1, timeWindow: 60_000 } });
    expect((await t.server.inject({ url: '/api/v1/flows', headers: { 'x-forwarded-for': '203.0.113.1' } })).statusCode).toBe(401);
    expect((await t.server.inject({ url: '/api/v1/flows', headers: { 'x-forwarded-for': '203.0.113.1' } })).statusCode).toBe(429);
    expect((await t.server.inject({ url: '/api/v1/flows', headers: { 'x-forwarded-for': '203.0.113.2' } })).statusCode).toBe(401);
  });

  it('limits every route of the router (each route with a fresh key: the second request is 429)', async () => {
    const probe = testServer();
    await probe.server.app.ready();
    const routes = registeredRoutes(probe.server.app).filter((r) => !r.public && r.method !== 'OPTIONS');
    await probe.server.close();
    const keys = routes.map((_, i) => `route-key-${i}-0123456789`);
    t = testServer({ apiKeys: keys, rateLimit: { max: 1, timeWindow: 60_000 } });
    for (const [i, route] of routes.entries()) {
      const url = route.url.replace(':name', 'pipeline').replace(':id', 'none').replace(':bp', 'none');
      const headers = { 'x-api-key': keys[i]! };
      await t.server.inject({ method: route.method as 'GET', url, headers });
      const second = await t.server.inject({ method: route.method as 'GET', url, headers });
      expect(second.statusCode, `${route.method} ${route.url}`).toBe(429);
    }
  });
});

describe('H6: body limit before parsing', () => {
  it('refuses 1 MiB + 1 byte with 413 PAYLOAD_TOO_LARGE; exactly 1 MiB is parsed', async () => {
    t = testServer();
    const frame = '{"entryParams":{"s":""}}';
    const exactly = `{"entryParams":{"s":"${'x'.repeat(1_048_576 - frame.length)}"}}`;
    expect(Buffer.byteLength(exactly)).toBe(1_048_576);
    const over = `{"entryParams":{"s":"${'x'.repeat(1_048_576 - frame.length + 1)}"}}`;
    expect(Buffer.byteLength(over)).toBe(1_048_577);
    const r = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: { ...auth, 'content-type': 'application/json' }, payload: over });
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const fits = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: { ...auth, 'content-type': 'application/json' }, payload: exactly });
    expect(fits.statusCode).not.toBe(413); // parsed: the job starts (or the engine's own payload limit answers)
  });

  it('H6 on a real socket: the refused bodies cost less than 10 MB of heap', async () => {
    t = testServer({ port: 0 });
    const { url } = await t.server.listen();
    // everything the client sends is built before measuring
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const chunks = [Buffer.from('{"entryParams":{"s":"'), ...Array.from({ length: 64 }, () => chunk), Buffer.from('"}}')]; // 4 MiB, chunked
    const bomb = gzipSync(Buffer.alloc(200_000_000, 'a')); // 200 MB inflated, about 200 KB on the wire
    expect(bomb.length).toBeLessThan(1_048_576);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage();
    const chunked = await raw(`${url}/api/v1/flows/pipeline/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, chunks });
    const gz = await raw(`${url}/api/v1/flows/pipeline/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) }, chunks: [bomb] });
    const after = process.memoryUsage();
    expect(chunked.status).toBe(413);
    expect(gz.status).toBe(415);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(10 * 1024 * 1024);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(10 * 1024 * 1024);
  });

  it('caps chunked bodies without Content-Length on a real socket, and refuses compressed bodies with 415', async () => {
    t = testServer({ bodyLimit: 64 * 1024 });
    const { url } = await t.server.listen();
    const before = process.memoryUsage().heapUsed;
    const chunk = Buffer.alloc(16 * 1024, 'a');
    const chunked = await raw(`${url}/api/v1/flows/pipeline/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      chunks: [Buffer.from('{"entryParams":{"s":"'), ...Array.from({ length: 64 }, () => chunk), Buffer.from('"}}')],
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    // a gzip bomb: small on the wire, 50 MB inflated — refused without inflating
    const bomb = gzipSync(Buffer.from(`{"entryParams":{"s":"${'a'.repeat(50_000_000)}"}}`));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const gz = await raw(`${url}/api/v1/flows/pipeline/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) }, chunks: [bomb] });
    expect(gz.status).toBe(415);
    expect(JSON.parse(gz.body).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(60 * 1024 * 1024); // the 50 MB were never inflated
  });
});

describe('H7: CORS is closed by default', () => {
  it('sends no Access-Control-Allow-Origin without configured origins', async () => {
    t = testServer();
    const r = await t.server.inject({ method: 'OPTIONS', url: '/api/v1/flows', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    const g = await t.server.inject({ url: '/api/v1/flows', headers: { ...auth, origin: 'https://evil.example' } });
    expect(g.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('without configured origins a preflight gets no CORS headers at all, whatever it asks', async () => {
    t = testServer();
    for (const origin of ['https://evil.example', 'null', `http://localhost:8080`]) {
      const r = await t.server.inject({ method: 'OPTIONS', url: '/api/v1/jobs', headers: { origin, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' } });
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('answers allowed origins only, never * and never credentials', async () => {
    t = testServer({ cors: { origins: ['https://app.example'] } });
    const pre = await t.server.inject({ method: 'OPTIONS', url: '/api/v1/flows', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
    const other = await t.server.inject({ method: 'OPTIONS', url: '/api/v1/flows', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const g = await t.server.inject({ url: '/api/v1/flows', headers: { ...auth, origin: 'https://app.example' } });
    expect(g.headers['access-control-allow-origin']).toBe('https://app.example');
  });
});

describe('H9: error bodies carry no stacks, paths or class names', () => {
  it('in every 4xx and 5xx, with NODE_ENV=production too', async () => {
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      t = testServer();
      const bodies: string[] = [];
      const add = async (r: Promise<{ body: string; statusCode: number }>) => {
        const res = await r;
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        bodies.push(res.body);
      };
      await add(t.server.inject({ url: '/api/v1/flows' }));
      await add(t.server.inject({ url: '/api/v1/jobs/none', headers: auth }));
      await add(t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"entryParams": {' }));
      await add(t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: auth, payload: { bogus: 1 } }));
      await add(t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: auth, payload: { name: 'x', document: { version: 1, routines: { a: { type: 'nope.Missing' } } } } }));
      await add(t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: auth, payload: { entryRoutineId: 'missing' } }));
      // 413, 415, 404, 409, 422 and 429 bodies as well
      await add(t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: { ...auth, 'content-type': 'application/json' }, payload: `{"s":"${'x'.repeat(1_100_000)}"}` }));
      await add(t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'x' }));
      await add(t.server.inject({ method: 'DELETE', url: '/api/v1/nowhere', headers: auth }));
      await add(t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: auth, payload: { name: 'pipeline', document: { version: 1, routines: {} } } }));
      const idem = { ...auth, 'idempotency-key': 'k1' };
      await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: idem, payload: { entryParams: { n: 1 } } });
      await add(t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: idem, payload: { entryParams: { n: 2 } } }));
      const limited = testServer({ rateLimit: { max: 1, timeWindow: 60_000 } });
      await limited.server.inject({ url: '/api/v1/flows', headers: auth });
      await add(limited.server.inject({ url: '/api/v1/flows', headers: auth }));
      await limited.server.close();
      await limited.runtime.shutdown();
      vi.spyOn(t.runtime, 'getJob').mockImplementation(() => {
        throw new TypeError('Cannot read properties of undefined at /work/wt/server/src/x.ts:1:2');
      });
      const boom = await t.server.inject({ url: '/api/v1/jobs/some-id', headers: auth });
      expect(boom.statusCode).toBe(500);
      expect(boom.json().error.code).toBe('INTERNAL_ERROR');
      bodies.push(boom.body);
      expect(bodies.map((b) => (JSON.parse(b) as { error: { code: string } }).error.code)).toEqual(expect.arrayContaining(['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'UNKNOWN_ROUTE', 'DUPLICATE_FLOW_NAME', 'IDEMPOTENCY_MISMATCH', 'RATE_LIMITED', 'INTERNAL_ERROR']));
      for (const body of bodies) {
        expect(body).not.toMatch(/\bat \S+:\d+|\/work\/|\.ts\b|\.js:\d|node_modules|TypeError|SyntaxError|InvalidArgumentError|SerializationError|RegistryError|DefinitionError|HttpError|RoutiluxError|FastifyError|"stack"/);
        expect(Object.keys(JSON.parse(body))).toEqual(['error']);
        const error = (JSON.parse(body) as { error: Record<string, unknown> }).error;
        for (const key of Object.keys(error)) expect(['code', 'message', 'details']).toContain(key); // no name, no stack, no cause
      }
    } finally {
      if (env === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = env;
    }
  });
});

describe('H10: content types and methods', () => {
  it('refuses non-JSON bodies with 415, YAML except on POST /flows', async () => {
    t = testServer();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/yaml', 'multipart/form-data; boundary=x', 'application/json-patch+json']) {
      const r = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: { ...auth, 'content-type': type }, payload: 'a=1' });
      expect(r.statusCode, type).toBe(415);
      expect(r.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const ok = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: { ...auth, 'content-type': 'application/json; charset=utf-8' }, payload: '{}' });
    expect(ok.statusCode).toBe(201);
  });

  it('does not serve TRACE, and unknown paths and methods are 404 UNKNOWN_ROUTE', async () => {
    t = testServer();
    for (const [method, url] of [['TRACE', '/api/v1/flows'], ['PUT', '/api/v1/flows'], ['GET', '/api/v1/nothing'], ['GET', '/nothing'], ['PATCH', '/api/v1/jobs/x']] as const) {
      const r = await t.server.inject({ method, url, headers: auth });
      expect(r.statusCode, `${method} ${url}`).toBe(404);
      expect(r.json().error.code).toBe('UNKNOWN_ROUTE');
    }
  });

  it('refuses __proto__, constructor and prototype keys at any depth with 400 FORBIDDEN_KEY', async () => {
    t = testServer();
    const bodies = [
      '{"entryParams":{"__proto__":{"polluted":1}}}',
      '{"entryParams":{"a":[{"b":{"constructor":{"prototype":{"x":1}}}}]}}',
      '{"entryParams":{"deep":{"prototype":1}}}',
      '{"constructor":1}',
    ];
    for (const payload of bodies) {
      const r = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: { ...auth, 'content-type': 'application/json' }, payload });
      expect(r.statusCode, payload).toBe(400);
      expect(r.json().error.code).toBe('FORBIDDEN_KEY');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
