import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TicketStore } from '../../src/server/ws/tickets.js';
import { DebugRuntime } from './debug-runtime.js';
import { KEY, auth, openGates, testServer, type TestServer } from './fixtures.js';

let t: TestServer | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  openGates();
  for (const s of sockets.splice(0)) s.terminate();
  await t?.server.close();
  await t?.runtime.shutdown();
  t = undefined;
});

type Outcome = { kind: 'open'; socket: WebSocket } | { kind: 'refused'; status: number; body: string };

function connect(url: string, headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    sockets.push(socket);
    socket.once('open', () => resolve({ kind: 'open', socket }));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ kind: 'refused', status: res.statusCode ?? 0, body }));
    });
    socket.once('error', (e) => reject(e));
  });
}

async function open(url: string, headers: Record<string, string> = auth): Promise<WebSocket> {
  const o = await connect(url, headers);
  if (o.kind !== 'open') throw new Error(`refused ${o.status}`);
  return o.socket;
}

/** Messages of a socket, awaited one by one. */
function reader(socket: WebSocket): () => Promise<Record<string, unknown>> {
  const queue: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  socket.on('message', (data) => {
    const m = JSON.parse(data.toString()) as Record<string, unknown>;
    const w = waiting.shift();
    if (w !== undefined) w(m);
    else queue.push(m);
  });
  return () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((r) => waiting.push(r)));
}

const closed = (socket: WebSocket): Promise<number> => new Promise((r) => socket.once('close', (code) => r(code)));

async function serve(options = {}, debug = false): Promise<string> {
  t = debug ? testServer({ wsPingIntervalMs: 60_000, ...options }, (registry) => new DebugRuntime({ registry })) : testServer({ wsPingIntervalMs: 60_000, ...options });
  const { url } = await t.server.listen();
  return url.replace('http', 'ws') + '/api/v1/ws';
}

describe('H8: WebSocket auth', () => {
  it('answers 401 with the REST body on the upgrade (never 101) without or with wrong credentials', async () => {
    const url = await serve({ port: 0 });
    const rest = (await t!.server.inject({ url: '/api/v1/flows' })).body;
    const cases: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { 'x-api-key': `${KEY}x` }, { authorization: `Bearer ${KEY}`, 'x-api-key': KEY }];
    for (const headers of cases) {
      const o = await connect(url, headers);
      expect(o.kind).toBe('refused');
      if (o.kind === 'refused') {
        expect(o.status).toBe(401);
        expect(o.body).toBe(rest);
      }
    }
  });

  it('refuses a key in the query string, even with valid header credentials', async () => {
    const url = await serve({ port: 0 });
    for (const param of ['api_key', 'apiKey', 'key', 'token']) {
      const o = await connect(`${url}?${param}=${KEY}`, auth);
      expect(o.kind === 'refused' && o.status, param).toBe(401);
    }
  });

  it('accepts header credentials and single-use tickets', async () => {
    const url = await serve({ port: 0 });
    expect((await connect(url, { 'x-api-key': KEY })).kind).toBe('open');
    const { ticket } = (await t!.server.inject({ method: 'POST', url: '/api/v1/ws-tickets', headers: auth })).json();
    expect((await connect(`${url}?ticket=${ticket}`)).kind).toBe('open');
    const again = await connect(`${url}?ticket=${ticket}`);
    expect(again.kind === 'refused' && again.status).toBe(401);
    const unknown = await connect(`${url}?ticket=not-a-ticket`);
    expect(unknown.kind === 'refused' && unknown.status).toBe(401);
  });

  it('tickets expire after their TTL and are single use', () => {
    let now = 1000;
    const store = new TicketStore(500, () => now);
    const identity = { kind: 'key' as const, keyId: 'abc' };
    const a = store.mint(identity);
    expect(a.expiresAtMs).toBe(1500);
    const b = store.mint(identity);
    expect(store.redeem(a.ticket)).toEqual(identity);
    expect(store.redeem(a.ticket)).toBeUndefined();
    now = 1500;
    expect(store.redeem(b.ticket)).toBeUndefined();
    store.mint(identity);
    expect(store.size).toBe(1); // expired tickets are swept
  });

  it('answers 403 to an Origin that is neither the server’s nor allowed', async () => {
    const url = await serve({ port: 0, cors: { origins: ['https://app.example'] } });
    const evil = await connect(url, { ...auth, origin: 'https://evil.example' });
    expect(evil.kind === 'refused' && evil.status).toBe(403);
    expect((await connect(url, { ...auth, origin: 'https://app.example' })).kind).toBe('open');
    const own = new URL(url.replace('ws', 'http')).host;
    expect((await connect(url, { ...auth, origin: `http://${own}` })).kind).toBe('open');
  });

  it('an unknown job, an existing job and a wrong key all look the same to a client without a valid key', async () => {
    const url = await serve({ port: 0 });
    const { jobId } = (await t!.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: { ...auth, 'content-type': 'application/json' }, payload: { wait: 5000 } })).json();
    const answers = new Set<string>();
    for (const path of [`/api/v1/jobs/${jobId}`, '/api/v1/jobs/no-such-job', `/api/v1/jobs/${jobId}/state`]) {
      for (const headers of [{}, { authorization: 'Bearer wrong-key-0123456789' }]) {
        const r = await t!.server.inject({ url: path, headers });
        answers.add(`${r.statusCode} ${r.body}`);
      }
    }
    for (const headers of [{}, { 'x-api-key': 'wrong-key-0123456789' }] as Record<string, string>[]) {
      const o = await connect(url, headers);
      if (o.kind !== 'refused') throw new Error('opened');
      answers.add(`${o.status} ${o.body}`);
    }
    expect(answers.size).toBe(1);
    expect([...answers][0]).toMatch(/^401 /);
  });

  it('caps open sockets per key: one more is refused with 429 on the upgrade; other keys and freed slots are unaffected', async () => {
    const url = await serve({ port: 0, apiKeys: [KEY, 'second-key-0123456789'], wsMaxConnectionsPerKey: 2 });
    const first = await open(url);
    await open(url, { 'x-api-key': KEY });
    const third = await connect(url, auth);
    expect(third.kind).toBe('refused');
    if (third.kind === 'refused') {
      expect(third.status).toBe(429);
      expect(JSON.parse(third.body)).toMatchObject({ error: { code: 'RATE_LIMITED', details: { limit: 2, open: 2 } } });
    }
    // a ticket minted by the same key counts against that key
    const { ticket } = (await t!.server.inject({ method: 'POST', url: '/api/v1/ws-tickets', headers: auth })).json();
    const byTicket = await connect(`${url}?ticket=${ticket}`);
    expect(byTicket.kind === 'refused' && byTicket.status).toBe(429);
    expect((await connect(url, { 'x-api-key': 'second-key-0123456789' })).kind).toBe('open');
    const gone = closed(first);
    first.close();
    await gone;
    for (let i = 0; i < 50 && t!.server.app.websocketServer.clients.size > 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await connect(url, auth)).kind).toBe('open');
  });

  it('counts upgrades against the rate limit', async () => {
    const url = await serve({ port: 0, rateLimit: { max: 2, timeWindow: 60_000 } });
    await open(url);
    await open(url);
    const third = await connect(url, auth);
    expect(third.kind === 'refused' && third.status).toBe(429);
  });
});

describe('WebSocket protocol', () => {
  it('echoes subscriptions, reports unknown jobs and flows and bad messages, and stays open', async () => {
    const url = await serve({ port: 0 });
    const { jobId } = (await t!.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: { ...auth, 'content-type': 'application/json' }, payload: { wait: 5000 } })).json();
    const socket = await open(url);
    const next = reader(socket);
    const send = (m: unknown) => socket.send(typeof m === 'string' ? m : JSON.stringify(m));
    send({ type: 'subscribe', jobId });
    expect(await next()).toEqual({ type: 'subscribed', jobId });
    send({ type: 'subscribe', flow: 'pipeline' });
    expect(await next()).toEqual({ type: 'subscribed', flow: 'pipeline' });
    send({ type: 'subscribe', all: true });
    expect(await next()).toEqual({ type: 'subscribed', all: true });
    send({ type: 'unsubscribe', jobId });
    expect(await next()).toEqual({ type: 'unsubscribed', jobId });
    send({ type: 'subscribe', jobId: 'nope' });
    expect(await next()).toMatchObject({ type: 'error', error: { code: 'UNKNOWN_JOB' } });
    send({ type: 'subscribe', flow: 'nope' });
    expect(await next()).toMatchObject({ type: 'error', error: { code: 'UNKNOWN_FLOW' } });
    for (const bad of ['not json', '[]', { type: 'subscribe' }, { type: 'subscribe', jobId, flow: 'pipeline' }, { type: 'shout' }, { type: 'subscribe', all: 1 }]) {
      send(bad);
      expect(await next()).toMatchObject({ type: 'error', error: { code: 'INVALID_ARGUMENT' } });
    }
    send('{"type":"subscribe","__proto__":{"x":1}}');
    expect(await next()).toMatchObject({ type: 'error', error: { code: 'FORBIDDEN_KEY' } });
    expect(socket.readyState).toBe(WebSocket.OPEN);
  });

  it('closes with 1009 on a client message over 64 KiB', async () => {
    const url = await serve({ port: 0 });
    const socket = await open(url);
    const code = closed(socket);
    socket.send(JSON.stringify({ type: 'subscribe', jobId: 'x'.repeat(70 * 1024) }));
    expect(await code).toBe(1009);
  });

  it('forwards engine events to matching subscriptions only, in order', async () => {
    const url = await serve({ port: 0 }, true);
    const runtime = t!.runtime as DebugRuntime;
    const { jobId } = (await t!.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: { ...auth, 'content-type': 'application/json' }, payload: { wait: 5000 } })).json();
    const byJob = await open(url);
    const byFlow = await open(url);
    const nextJob = reader(byJob);
    const nextFlow = reader(byFlow);
    byJob.send(JSON.stringify({ type: 'subscribe', jobId }));
    byFlow.send(JSON.stringify({ type: 'subscribe', flow: 'gate' }));
    await nextJob();
    await nextFlow();
    const at = new Date(0).toISOString();
    runtime.pushed.next({ type: 'job.started', jobId: 'other', flowId: 'gate-doc', at });
    runtime.pushed.next({ type: 'activation.started', jobId, flowId: 'pipeline-doc', at, routineId: 'src', slot: 'trigger', taskId: 't1', attempt: 1 });
    runtime.pushed.next({ type: 'job.status', jobId, flowId: 'pipeline-doc', at, status: 'completed' });
    expect(await nextJob()).toEqual({ type: 'event', event: { type: 'activation.started', jobId, flowId: 'pipeline-doc', at, routineId: 'src', slot: 'trigger', taskId: 't1', attempt: 1 } });
    expect(await nextJob()).toMatchObject({ type: 'event', event: { type: 'job.status', status: 'completed' } });
    expect(await nextFlow()).toEqual({ type: 'event', event: { type: 'job.started', jobId: 'other', flowId: 'gate-doc', at } });
  });

  it('forwards the real engine stream of a job started over HTTP, ending with its final job.status', async () => {
    const url = await serve({ port: 0 });
    const socket = await open(url);
    const next = reader(socket);
    socket.send(JSON.stringify({ type: 'subscribe', flow: 'pipeline' }));
    expect(await next()).toMatchObject({ type: 'subscribed', flow: 'pipeline' });
    const started = await t!.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: { ...auth, 'content-type': 'application/json' }, payload: { entryParams: { n: 1 }, wait: 5000 } });
    expect(started.statusCode).toBe(200);
    const { jobId } = started.json() as { jobId: string };
    const types: string[] = [];
    for (;;) {
      const m = await next();
      expect(m['type']).toBe('event');
      const event = m['event'] as { type: string; jobId: string; status?: string };
      expect(event.jobId).toBe(jobId);
      types.push(event.type);
      if (event.type === 'job.status' && event.status === 'completed') break;
    }
    expect(types[0]).toBe('job.started');
    expect(types).toContain('activation.started');
    expect(types).toContain('activation.finished');
  });

  it('closes a consumer that does not read with 1013 once its buffer passes 1 MiB', async () => {
    const url = await serve({ port: 0 }, true);
    const runtime = t!.runtime as DebugRuntime;
    const socket = await open(url);
    const next = reader(socket);
    socket.send(JSON.stringify({ type: 'subscribe', all: true }));
    await next();
    const code = closed(socket);
    (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const data = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 2000 && t!.server.app.websocketServer.clients.size > 0; i++) {
      runtime.pushed.next({ type: 'output', jobId: 'j', flowId: 'f', at: 'now', routineId: 'r', outputType: 'big', data });
      if (i % 20 === 19) await new Promise((r) => setImmediate(r));
    }
    expect(t!.server.app.websocketServer.clients.size === 0 || [...t!.server.app.websocketServer.clients][0]!.readyState !== WebSocket.OPEN).toBe(true);
    (socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await code).toBe(1013);
  });

  it('drops a peer silent for two ping intervals and keeps a live one', async () => {
    const url = await serve({ port: 0, wsPingIntervalMs: 20 });
    const live = await open(url);
    const dead = await open(url);
    (dead as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause(); // reads nothing, answers no ping
    const deadClosed = new Promise<void>((resolve) => {
      const poll = (): void => {
        if (t!.server.app.websocketServer.clients.size === 1) resolve();
        else setTimeout(poll, 10);
      };
      poll();
    });
    await deadClosed;
    expect(live.readyState).toBe(WebSocket.OPEN);
    (dead as unknown as { _socket: { resume(): void } })._socket.resume();
  });

  it('close() closes open sockets with 1001', async () => {
    const url = await serve({ port: 0 });
    const socket = await open(url);
    const code = closed(socket);
    await t!.server.close();
    expect(await code).toBe(1001);
  });
});
