import { Body, Controller, Get, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Flow, FlowRegistry, Runtime } from '../../src/index.js';
import { RoutiluxHttpModule, RoutiluxModule, type RoutiluxHttpOptions } from '../../src/nest/index.js';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { expectCode } from '../helpers/errors.js';
import { KEY, pipelineDocument } from '../server/fixtures.js';

@Controller('hello')
class HelloController {
  @Get()
  hello(): { hello: string } {
    return { hello: 'nest' };
  }

  @Post()
  echo(@Body() body: Record<string, unknown>): Record<string, unknown> {
    return { echoed: body };
  }
}

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

type Platform = 'express' | 'fastify';

/** A real Nest application on the Express (default) or Fastify platform, listening on a free loopback port. */
async function boot(http: RoutiluxHttpOptions, platform: Platform = 'express'): Promise<{ app: INestApplication; base: string }> {
  const registry = new FlowRegistry();
  registry.registerByName('pipeline', Flow.deserialize(pipelineDocument()));
  @Module({ imports: [RoutiluxModule.forRoot({ registry }), RoutiluxHttpModule.forRoot(http)], controllers: [HelloController] })
  class AppModule {}
  const app = platform === 'express' ? await NestFactory.create(AppModule, { logger: false }) : await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, base: `http://127.0.0.1:${address.port}` };
}

const auth = { authorization: `Bearer ${KEY}` };
const json = { ...auth, 'content-type': 'application/json' };

function upgrade(url: string, headers: Record<string, string>): Promise<{ socket?: WebSocket; status?: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    socket.once('error', reject);
  });
}

describe.each(['express', 'fastify'] as const)('RoutiluxHttpModule in a real Nest application (%s platform)', (platform) => {
  it('serves the API under api/v1 on the RoutiluxModule runtime, beside the app’s own routes', async () => {
    const { app, base } = await boot({ apiKeys: [KEY] }, platform);
    // the app's own routes and body parser still work
    expect(await (await fetch(`${base}/hello`)).json()).toEqual({ hello: 'nest' });
    expect(await (await fetch(`${base}/hello`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).json()).toEqual({ echoed: { a: 1 } });
    // auth as in createServer: the identical 401 for missing and wrong keys
    const missing = await fetch(`${base}/api/v1/flows`);
    const wrong = await fetch(`${base}/api/v1/flows`, { headers: { 'x-api-key': 'wrong-key-0123456789' } });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await wrong.text()).toBe(await missing.text());
    // a job through the API runs on the module's runtime
    const started = await fetch(`${base}/api/v1/flows/pipeline/jobs`, { method: 'POST', headers: json, body: JSON.stringify({ entryParams: { n: 3 }, wait: 5000 }) });
    expect(started.status).toBe(200);
    const summary = (await started.json()) as { jobId: string; status: string; flow: string };
    expect(summary).toMatchObject({ status: 'completed', flow: 'pipeline' });
    expect(app.get(Runtime).getJob(summary.jobId)?.status).toBe('completed');
    expect((await fetch(`${base}/api/v1/jobs/${summary.jobId}`, { headers: auth })).status).toBe(200);
    const routines = (await (await fetch(`${base}/api/v1/routines`, { headers: auth })).json()) as { items: { name: string }[] };
    expect(routines.items.map((r) => r.name)).toContain('srv.double');
    // its own parsers and limits, not the platform's: 415, 413, 404 UNKNOWN_ROUTE
    expect((await fetch(`${base}/api/v1/flows/pipeline/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
    const big = await fetch(`${base}/api/v1/flows/pipeline/jobs`, { method: 'POST', headers: json, body: JSON.stringify({ entryParams: { s: 'x'.repeat(1_100_000) } }) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    const unknown = await fetch(`${base}/api/v1/nothing`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_ROUTE');
  });

  it('the WebSocket: 401 on the upgrade without a key, events with one, 1001 when the app closes', async () => {
    const { app, base } = await boot({ apiKeys: [KEY] }, platform);
    const ws = `${base.replace('http', 'ws')}/api/v1/ws`;
    expect((await upgrade(ws, {})).status).toBe(401);
    const { socket } = await upgrade(ws, auth);
    expect(socket).toBeDefined();
    const messages: Record<string, unknown>[] = [];
    socket!.on('message', (m) => messages.push(JSON.parse(m.toString()) as Record<string, unknown>));
    socket!.send(JSON.stringify({ type: 'subscribe', flow: 'pipeline' }));
    await expect.poll(() => messages[0]).toEqual({ type: 'subscribed', flow: 'pipeline' });
    await fetch(`${base}/api/v1/flows/pipeline/jobs`, { method: 'POST', headers: json, body: JSON.stringify({ wait: 5000 }) });
    await expect.poll(() => messages.some((m) => m['type'] === 'event')).toBe(true);
    const code = new Promise<number>((resolve) => socket!.once('close', (c) => resolve(c)));
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    expect(await code).toBe(1001);
  });

  it('a custom prefix, auth: false for loopback clients, and checked options', async () => {
    const { base } = await boot({ prefix: 'routilux', auth: false }, platform);
    expect((await fetch(`${base}/routilux/flows`)).status).toBe(200);
    expect((await fetch(`${base}/api/v1/flows`)).status).toBe(404); // Nest's own 404: nothing mounted there
    expectCode(() => RoutiluxHttpModule.forRoot({ prefix: '/api/' }), 'INVALID_ARGUMENT');
    expectCode(() => RoutiluxHttpModule.forRoot({ port: 1 } as unknown as RoutiluxHttpOptions), 'INVALID_ARGUMENT');
  });

  it('fails closed: auth on and no key stops the application from starting', async () => {
    const saved = process.env.ROUTILUX_API_KEYS;
    delete process.env.ROUTILUX_API_KEYS;
    try {
      await expect(boot({}, platform)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    } finally {
      if (saved !== undefined) process.env.ROUTILUX_API_KEYS = saved;
    }
  });
});
