import crypto from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { registeredRoutes } from '../../src/server/route-list.js';
import { KEY, OTHER_KEY, auth, testServer, type TestServer } from './fixtures.js';

let t: TestServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await t?.server.close();
  await t?.runtime.shutdown();
  t = undefined;
});

/** A concrete URL for a route pattern. */
function concrete(url: string): string {
  return url.replace(':name', 'pipeline').replace(':id', 'no-such-job').replace(':bp', 'bp1');
}

// the dashboard's static files are public too (services.md §5), once it is built (npm run build)
const DASHBOARD_BUILT = existsSync(resolve(__dirname, '../../dist/dashboard/index.html'));
const PUBLIC_ROUTES = ['GET /health', 'HEAD /health', ...(DASHBOARD_BUILT ? ['GET /', 'HEAD /', 'GET /assets/*', 'HEAD /assets/*'] : [])];

describe('H1: every registered route needs credentials', () => {
  it('enumerates the router and gets 401 everywhere but the public allowlist', async () => {
    t = testServer();
    await t.server.app.ready();
    const routes = registeredRoutes(t.server.app);
    expect(routes.length).toBeGreaterThan(25);
    // the allowlist itself: exactly these routes are public
    expect(routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`).sort()).toEqual([...PUBLIC_ROUTES].sort());
    const checked: string[] = [];
    for (const route of routes) {
      if (route.public) continue;
      if (route.method === 'OPTIONS') continue; // CORS preflight route (preflights are exempt; a plain OPTIONS is not)
      const r = await t.server.inject({ method: route.method as 'GET', url: concrete(route.url) });
      expect(r.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer');
      checked.push(`${route.method} ${route.url}`);
    }
    expect(checked).toContain('POST /api/v1/flows/:name/jobs');
    expect(checked).toContain('GET /api/v1/openapi.json');
    expect(checked).toContain('GET /api/v1/health/ready');
    expect(checked).toContain('GET /api/v1/ws');
    // a plain OPTIONS request (no preflight headers) is not exempt
    expect((await t.server.inject({ method: 'OPTIONS', url: '/api/v1/flows' })).statusCode).toBe(401);
    // unknown paths do not reveal themselves without credentials
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/nope' })).statusCode).toBe(401);
    expect((await t.server.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});

describe('H1: routes added later are covered too', () => {
  it('a route registered after createServer (root or prefixed plugin) is enumerated and refused without credentials', async () => {
    t = testServer();
    // no auth code of its own: the global hooks must cover it
    t.server.app.get('/api/v1/added-later', async () => ({ secret: true }));
    void t.server.app.register(async (plugin) => {
      plugin.post('/extra', async () => ({ secret: true }));
    }, { prefix: '/api/v1/plugin' });
    await t.server.app.ready();
    const routes = registeredRoutes(t.server.app).map((r) => `${r.method} ${r.url}${r.public ? ' (public)' : ''}`);
    expect(routes).toContain('GET /api/v1/added-later');
    expect(routes).toContain('POST /api/v1/plugin/extra');
    for (const [method, url] of [['GET', '/api/v1/added-later'], ['POST', '/api/v1/plugin/extra']] as const) {
      const r = await t.server.inject({ method, url });
      expect(r.statusCode, url).toBe(401);
      expect(r.body).not.toContain('secret');
      expect((await t.server.inject({ method, url, headers: auth })).statusCode, url).toBe(200);
    }
  });
});

describe('H2: wrong credentials look exactly like missing ones', () => {
  it('answers the byte-identical 401 for every kind of bad credential, never a 500', async () => {
    t = testServer();
    const missing = await t.server.inject({ url: '/api/v1/flows' });
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    const cases: Record<string, string | string[]>[] = [
      { authorization: `Bearer ${KEY.slice(0, -1)}x` }, // same length
      { authorization: `Bearer ${KEY}x` }, // longer
      { authorization: 'Bearer k' }, // shorter
      { authorization: 'Bearer ' },
      { authorization: '' },
      { authorization: `Bearer  ${KEY}` }, // padded inside
      { authorization: `bearer${KEY}` },
      { authorization: `Basic ${Buffer.from(`u:${KEY}`).toString('base64')}` },
      { authorization: `Bearer ${KEY.toUpperCase()}` }, // different case
      { 'x-api-key': '' },
      { 'x-api-key': `${KEY}\t` },
      { 'x-api-key': KEY.toUpperCase() },
      { authorization: `Bearer ${KEY}`, 'x-api-key': KEY }, // both headers
      { 'x-api-key': [KEY, KEY] }, // one header twice
      { authorization: [`Bearer ${KEY}`, `Bearer ${KEY}`] },
    ];
    for (const headers of cases) {
      const r = await t.server.inject({ url: '/api/v1/flows', headers });
      expect(r.statusCode, JSON.stringify(headers)).toBe(401);
      expect(r.body).toBe(missing.body);
      expect(r.headers['www-authenticate']).toBe('Bearer');
      expect(r.headers['content-type']).toBe(missing.headers['content-type']);
    }
    expect((await t.server.inject({ url: '/api/v1/flows', headers: { 'x-api-key': KEY } })).statusCode).toBe(200);
    expect((await t.server.inject({ url: '/api/v1/flows', headers: auth })).statusCode).toBe(200);
  });

  it('accepts any configured key', async () => {
    t = testServer({ apiKeys: [KEY, OTHER_KEY] });
    expect((await t.server.inject({ url: '/api/v1/flows', headers: { authorization: `Bearer ${OTHER_KEY}` } })).statusCode).toBe(200);
  });
});

describe('H3: constant-time comparison on digests', () => {
  it('compares 32-byte digests with timingSafeEqual against every configured key, match or not', async () => {
    const keys = ['k-one-aaaaaaaaaaaa', 'k-two-bbbbbbbbbbbbbbbbbbbbbbbb', 'k-three-c'];
    t = testServer({ apiKeys: keys });
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    for (const presented of [keys[0]!, 'wrong', keys[2]!]) {
      spy.mockClear();
      await t.server.inject({ url: '/api/v1/flows', headers: { 'x-api-key': presented } });
      expect(spy).toHaveBeenCalledTimes(keys.length); // no early exit on the first match
      for (const [a, b] of spy.mock.calls) {
        expect((a as Buffer).length).toBe(32);
        expect((b as Buffer).length).toBe(32);
      }
    }
  });

  it('has no === / includes / indexOf on raw keys in the auth code', () => {
    const dir = resolve(__dirname, '../../src/server');
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
    expect(files.some((f) => f.endsWith('hub.ts'))).toBe(true); // subfolders too
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // a raw key may be compared with undefined (is there one?), never with another value
      expect(text, file).not.toMatch(/(?<!typeof )\b(apiKeys?|credential|presented)\b(\[\w+\])?\s*(===|!==|==|!=)\s*(?!undefined\b|null\b)[\w'"`]/);
      expect(text, file).not.toMatch(/[\w'"`]\s*(===|!==|==|!=)\s*\b(apiKeys?|credential|presented)\b/);
      expect(text, file).not.toMatch(/\.(includes|indexOf|has)\((credential|presented|apiKey)\b/);
      expect(text, file).not.toMatch(/apiKeys\.(includes|indexOf|some|find)\(/);
    }
  });
});

describe('H4: keys never reach the logs (a real pino logger, every line captured)', () => {
  it('failures, successes, 404s, 500s, WebSocket refusals: no key or 6-character prefix; the audit record holds only the HMAC id', async () => {
    const { default: pino } = await import('pino');
    const out: string[] = [];
    const stream = { write: (line: string) => void out.push(line) };
    const logger = pino({ level: 'trace' }, stream);
    t = testServer({ apiKeys: [KEY, OTHER_KEY], logger, port: 0, rateLimit: { max: 1000, timeWindow: 60_000 } });
    const { url } = await t.server.listen();
    vi.spyOn(t.runtime, 'listJobs').mockImplementation(() => {
      throw new Error(`exploded while holding ${KEY}`); // an unexpected error whose message carries a key
    });
    const calls: [string, string, Record<string, string>][] = [
      ['GET', '/api/v1/flows', { authorization: `Bearer ${KEY}` }],
      ['GET', '/api/v1/flows', { 'x-api-key': OTHER_KEY }],
      ['GET', '/api/v1/flows', { authorization: `Bearer ${KEY.slice(0, 10)}` }],
      ['GET', `/api/v1/flows?api_key=${KEY}`, {}],
      ['GET', '/api/v1/nope', { authorization: `Bearer ${KEY}` }],
      ['GET', '/api/v1/jobs', { authorization: `Bearer ${KEY}` }],
      ['POST', '/api/v1/flows/pipeline/jobs', { authorization: `Bearer ${OTHER_KEY}`, 'content-type': 'application/json' }],
    ];
    for (const [method, path, headers] of calls) await fetch(url + path, { method, headers, body: method === 'POST' ? '{"wait":2000}' : undefined }).then((r) => r.text());
    // WebSocket upgrades: a key in the query (refused) and a wrong header key
    for (const [path, headers] of [[`/api/v1/ws?token=${OTHER_KEY}`, {}], ['/api/v1/ws', { 'x-api-key': `${KEY}!` }]] as const) {
      const status = await new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(url.replace('http', 'ws') + path, { headers });
        socket.once('unexpected-response', (_req, res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        socket.once('open', () => reject(new Error('opened')));
      });
      expect(status).toBe(401);
    }
    await t.server.close();
    const log = out.join('');
    const records = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = records.filter((r) => r['msg'] === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(calls.length + 2);
    expect(records.some((r) => r['msg'] === 'unexpected error')).toBe(true); // the 500 was logged…
    for (const key of [KEY, OTHER_KEY]) {
      for (let i = 0; i + 6 <= key.length; i++) expect(log, key.slice(i, i + 6)).not.toContain(key.slice(i, i + 6)); // …without the key in its message
    }
    // the audit record: the key's HMAC-prefix id for valid calls, null for failed ones, never the key
    const ids = new Set(requests.map((r) => r['keyId']).filter((k) => k !== null));
    expect(ids.size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(requests.find((r) => r['statusCode'] === 401)?.['keyId']).toBeNull();
  });
});

describe('H4: keys never reach the logs', () => {
  it('logs failures and successes without any key or 6-character prefix of one', async () => {
    const lines: string[] = [];
    const logger = {
      level: 'trace',
      info: (...a: unknown[]) => lines.push(JSON.stringify(a)),
      warn: (...a: unknown[]) => lines.push(JSON.stringify(a)),
      error: (...a: unknown[]) => lines.push(JSON.stringify(a)),
      debug: (...a: unknown[]) => lines.push(JSON.stringify(a)),
      fatal: (...a: unknown[]) => lines.push(JSON.stringify(a)),
      trace: (...a: unknown[]) => lines.push(JSON.stringify(a)),
      silent: () => undefined,
      child(bindings: Record<string, unknown>) {
        lines.push(JSON.stringify(bindings));
        return logger;
      },
    };
    t = testServer({ apiKeys: [KEY, OTHER_KEY], logger });
    const { url } = await t.server.listen();
    const tries: [string, Record<string, string>][] = [
      ['/api/v1/flows', { authorization: `Bearer ${KEY}` }],
      ['/api/v1/flows', { 'x-api-key': OTHER_KEY }],
      ['/api/v1/flows', { authorization: `Bearer ${KEY}x` }],
      [`/api/v1/flows?api_key=${KEY}&token=${OTHER_KEY}&key=${KEY}&apiKey=${KEY}`, {}],
      [`/api/v1/ws?api_key=${KEY}`, {}],
      [`/api/v1/nope?ticket=${KEY}`, { authorization: `Bearer ${KEY}` }],
      ['/api/v1/flows/pipeline/jobs', { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }],
    ];
    for (const [path, headers] of tries) await fetch(url + path, { headers, method: path.endsWith('/jobs') ? 'POST' : 'GET', body: path.endsWith('/jobs') ? '{"wait":1000}' : undefined });
    await t.server.close();
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(tries.length); // the requests were logged
    expect(log).toContain('[redacted]');
    for (const key of [KEY, OTHER_KEY]) {
      for (let i = 0; i + 6 <= key.length; i++) expect(log).not.toContain(key.slice(i, i + 6));
    }
  });
});
