import { afterEach, describe, expect, it } from 'vitest';
import { FlowRegistry, Runtime } from '../../src/index.js';
import { createServer } from '../../src/server/index.js';
import { expectCode } from '../helpers/errors.js';
import { KEY } from './fixtures.js';

const saved = process.env.ROUTILUX_API_KEYS;
afterEach(() => {
  if (saved === undefined) delete process.env.ROUTILUX_API_KEYS;
  else process.env.ROUTILUX_API_KEYS = saved;
});

describe('createServer options', () => {
  it('H11: refuses to start with auth on and no key configured', () => {
    delete process.env.ROUTILUX_API_KEYS;
    expectCode(() => createServer({ runtime: new Runtime({ registry: new FlowRegistry() }) }), 'INVALID_ARGUMENT');
    expectCode(() => createServer({ runtime: new Runtime({ registry: new FlowRegistry() }), apiKeys: [] }), 'INVALID_ARGUMENT');
    process.env.ROUTILUX_API_KEYS = ' , ,';
    expectCode(() => createServer({ runtime: new Runtime({ registry: new FlowRegistry() }) }), 'INVALID_ARGUMENT');
  });

  it('H11: auth: false only on loopback', async () => {
    const runtime = new Runtime({ registry: new FlowRegistry() });
    expectCode(() => createServer({ runtime, auth: false, host: '0.0.0.0' }), 'INVALID_ARGUMENT');
    expectCode(() => createServer({ runtime, auth: false, host: '192.168.1.10' }), 'INVALID_ARGUMENT');
    for (const host of ['127.0.0.1', '::1', 'localhost', '127.0.0.2']) await createServer({ runtime, auth: false, host }).close();
  });

  it('H11: a server without auth listens on loopback only', async () => {
    const runtime = new Runtime({ registry: new FlowRegistry() });
    const server = createServer({ runtime, auth: false, port: 0 });
    const { url } = await server.listen();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const address = server.app.server.address();
    expect(typeof address === 'object' && address !== null ? address.address : '').toBe('127.0.0.1');
    // and it does answer there without a key
    expect((await fetch(`${url}/api/v1/flows`)).status).toBe(200);
    await server.close();
    await runtime.shutdown();
  });

  it('reads ROUTILUX_API_KEYS: split on ",", trimmed, empty entries ignored', async () => {
    process.env.ROUTILUX_API_KEYS = ` a-key-1 ,, ${KEY} ,`;
    const server = createServer({ runtime: new Runtime({ registry: new FlowRegistry() }) });
    for (const key of ['a-key-1', KEY]) {
      const r = await server.inject({ url: '/api/v1/flows', headers: { 'x-api-key': key } });
      expect(r.statusCode).toBe(200);
    }
    expect((await server.inject({ url: '/api/v1/flows', headers: { 'x-api-key': ' a-key-1 ,' } })).statusCode).toBe(401);
    await server.close();
  });

  it('is closed and typed: unknown keys and bad values are INVALID_ARGUMENT', () => {
    const runtime = new Runtime({ registry: new FlowRegistry() });
    const bad: unknown[] = [
      { prot: 1 },
      { port: -1 },
      { port: 70000 },
      { port: 1.5 },
      { bodyLimit: 0 },
      { rateLimit: { max: 0 } },
      { rateLimit: { burst: 1 } },
      { rateLimit: true },
      { cors: { origins: ['*'] } },
      { cors: { origins: 'https://a.example' } },
      { cors: { origins: ['https://a.example/path'] } },
      { cors: { origins: [], credentials: true } },
      { auth: 'no' },
      { trustProxy: 1 },
      { wsPingIntervalMs: 0 },
      { ticketTtlMs: -5 },
      { wsMaxConnectionsPerKey: 0 },
      { wsMaxConnectionsPerKey: 2.5 },
      { dashboard: 'yes' },
      { logger: true },
      { logger: { info() {} } },
      { apiKeys: 'k' },
      { apiKeys: [''] },
      { runtime: {} },
      { registry: {} },
      { store: {} },
      { host: '' },
    ];
    for (const extra of bad) expectCode(() => createServer({ runtime, apiKeys: [KEY], ...(extra as object) }), 'INVALID_ARGUMENT');
    expectCode(() => createServer(null as never), 'INVALID_ARGUMENT');
  });

  it("refuses a registry other than the runtime's", () => {
    const runtime = new Runtime({ registry: new FlowRegistry() });
    expectCode(() => createServer({ runtime, registry: new FlowRegistry(), apiKeys: [KEY] }), 'INVALID_ARGUMENT');
  });

  it("defaults the registry to the runtime's, and a server-made runtime to the given registry", async () => {
    const registry = new FlowRegistry();
    const runtime = new Runtime({ registry });
    const a = createServer({ runtime, registry, apiKeys: [KEY] });
    await a.close();
    expect(runtime.isShutdown).toBe(false); // a runtime passed in is left running
    const b = createServer({ registry, apiKeys: [KEY] });
    const r = await b.inject({ url: '/api/v1/health/ready', headers: { 'x-api-key': KEY } });
    expect(r.json()).toEqual({ status: 'ok', store: { status: 'none' }, runtime: { status: 'ok' } });
    await b.close();
    expect(registry.list()).toEqual([]);
  });
});
