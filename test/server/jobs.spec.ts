import { afterEach, describe, expect, it } from 'vitest';
import { auth, gates, openGates, testServer, type TestServer } from './fixtures.js';

let t: TestServer | undefined;
afterEach(async () => {
  openGates();
  await t?.server.close();
  await t?.runtime.shutdown();
  t = undefined;
});

const json = { ...auth, 'content-type': 'application/json' };

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 5000 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(check()).toBe(true);
}

describe('POST /flows/:name/jobs', () => {
  it('201 with the summary at once; 200 with the finished summary with wait', async () => {
    t = testServer();
    const started = await t.server.inject({ method: 'POST', url: '/api/v1/flows/gate/jobs', headers: json, payload: { entryParams: { v: 1 } } });
    expect(started.statusCode).toBe(201);
    const s = started.json();
    expect(s).toEqual({
      jobId: expect.any(String),
      flow: 'gate',
      flowId: 'gate-doc',
      status: 'running',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      routineStates: expect.any(Object),
      counts: { queued: expect.any(Number), running: expect.any(Number), activations: 0, failed: 0 },
    });
    expect('error' in s).toBe(false);
    const done = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: json, payload: { entryParams: { n: 21 }, wait: 10_000 } });
    expect(done.statusCode).toBe(200);
    expect(done.json().status).toBe('completed');
    expect(done.json().counts).toEqual({ queued: 0, running: 0, activations: 3, failed: 0 });
    expect(t.runtime.getJob(done.json().jobId)!.getSharedData('last')).toEqual({ n: [42] });
  });

  it('wait elapses → 200 with the still-running summary', async () => {
    t = testServer();
    const r = await t.server.inject({ method: 'POST', url: '/api/v1/flows/gate/jobs', headers: json, payload: { wait: 20 } });
    expect(r.statusCode).toBe(200);
    expect(r.json().status).toBe('running');
  });

  it('validates the body: wait ≤ 300000, unknown keys, entry errors, depth', async () => {
    t = testServer();
    const post = (payload: unknown, name = 'pipeline') => t!.server.inject({ method: 'POST', url: `/api/v1/flows/${name}/jobs`, headers: json, payload: payload as object });
    expect((await post({ wait: 300_001 })).statusCode).toBe(400);
    expect((await post({ wait: '10' })).statusCode).toBe(400);
    expect((await post({ timeout: 0 })).statusCode).toBe(400);
    const unknownKey = await post({ entryparams: {} });
    expect(unknownKey.json().error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { in: 'body', issues: [{ path: '/entryparams' }] } });
    expect((await post({ entryParams: [] })).statusCode).toBe(400);
    const entry = await post({ entryRoutineId: 'double' });
    expect(entry.statusCode).toBe(400);
    expect(entry.json().error.code).toBe('MISSING_TRIGGER_SLOT');
    expect((await post({ entryRoutineId: 'nope' })).json().error.code).toBe('UNKNOWN_ROUTINE');
    const unknownFlow = await post({}, 'nope');
    expect(unknownFlow.statusCode).toBe(404);
    expect(unknownFlow.json().error.code).toBe('UNKNOWN_FLOW');
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 64; i++) deep = { d: deep };
    const tooDeep = await post({ entryParams: deep });
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json().error.code).toBe('DEPTH_EXCEEDED');
    expect(tooDeep.json().error.details.limit).toBe(64);
    const breakpoints = await post({ breakpoints: [{ routineId: 'nope' }] });
    expect(breakpoints.statusCode).toBe(400);
    expect(breakpoints.json().error.code).toBe('UNKNOWN_ROUTINE');
  });

  it('Idempotency-Key: a replay → 200 with the same job; another body → 422; scoped by flow', async () => {
    t = testServer();
    const headers = { ...json, 'idempotency-key': 'order-17' };
    const first = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers, payload: { entryParams: { n: 1 } } });
    expect(first.statusCode).toBe(201);
    const replay = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers, payload: { entryParams: { n: 1 } } });
    expect(replay.statusCode).toBe(200);
    expect(replay.json().jobId).toBe(first.json().jobId);
    const replayWait = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers, payload: { entryParams: { n: 1 }, wait: 1000 } });
    expect(replayWait.statusCode).toBe(200);
    expect(replayWait.json().jobId).toBe(first.json().jobId);
    const other = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers, payload: { entryParams: { n: 2 } } });
    expect(other.statusCode).toBe(422);
    expect(other.json().error).toMatchObject({ code: 'IDEMPOTENCY_MISMATCH', details: { jobId: first.json().jobId } });
    const otherFlow = await t.server.inject({ method: 'POST', url: '/api/v1/flows/gate/jobs', headers, payload: { entryParams: { n: 1 } } });
    expect(otherFlow.statusCode).toBe(201);
    expect(t.runtime.listJobs().length).toBe(2);
  });
});

describe('GET /jobs', () => {
  it('lists newest first with cursor pagination and filters', async () => {
    t = testServer();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: json, payload: { entryParams: { n: i }, wait: 5000 } });
      ids.push(r.json().jobId);
    }
    await t.server.inject({ method: 'POST', url: '/api/v1/flows/gate/jobs', headers: json, payload: {} });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await t.server.inject({ url: `/api/v1/jobs?flow=pipeline&limit=3${cursor === null ? '' : `&cursor=${cursor}`}`, headers: auth });
      expect(r.statusCode).toBe(200);
      const page = r.json() as { items: { jobId: string; createdAt: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((i) => i.jobId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
    const all = (await t.server.inject({ url: '/api/v1/jobs', headers: auth })).json() as { items: { createdAt: string; status: string }[]; nextCursor: null };
    expect(all.items.length).toBe(8);
    expect(all.nextCursor).toBeNull();
    for (let i = 1; i < all.items.length; i++) expect(all.items[i - 1]!.createdAt >= all.items[i]!.createdAt).toBe(true);
    const running = (await t.server.inject({ url: '/api/v1/jobs?status=running', headers: auth })).json();
    expect(running.items.map((i: { flow: string }) => i.flow)).toEqual(['gate']);
    expect((await t.server.inject({ url: '/api/v1/jobs?flow=nope', headers: auth })).json()).toEqual({ items: [], nextCursor: null });
  });

  it('400 for limit over 500, a bad cursor, a bad status', async () => {
    t = testServer();
    expect((await t.server.inject({ url: '/api/v1/jobs?limit=501', headers: auth })).statusCode).toBe(400);
    expect((await t.server.inject({ url: '/api/v1/jobs?limit=0', headers: auth })).statusCode).toBe(400);
    const cursor = await t.server.inject({ url: '/api/v1/jobs?cursor=not-a-cursor', headers: auth });
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().error.code).toBe('INVALID_ARGUMENT');
    expect((await t.server.inject({ url: '/api/v1/jobs?status=done', headers: auth })).statusCode).toBe(400);
    expect((await t.server.inject({ url: '/api/v1/jobs?extra=1', headers: auth })).statusCode).toBe(400);
  });
});

describe('one job', () => {
  it('GET /jobs/:id, /state, /history; 404 UNKNOWN_JOB', async () => {
    t = testServer();
    const { jobId } = (await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: json, payload: { entryParams: { n: 2 }, wait: 5000 } })).json();
    const summary = await t.server.inject({ url: `/api/v1/jobs/${jobId}`, headers: auth });
    expect(summary.json()).toMatchObject({ jobId, status: 'completed', flow: 'pipeline' });
    const state = await t.server.inject({ url: `/api/v1/jobs/${jobId}/state`, headers: auth });
    expect(state.statusCode).toBe(200);
    expect(state.json()).toEqual(JSON.parse(JSON.stringify(t.runtime.getJob(jobId)!.serialize())));
    const history = (await t.server.inject({ url: `/api/v1/jobs/${jobId}/history`, headers: auth })).json();
    expect(history.total).toBeGreaterThan(2);
    expect(history.dropped).toBe(0);
    expect(history.items[0].eventName).toBe('start');
    const page = (await t.server.inject({ url: `/api/v1/jobs/${jobId}/history?offset=1&limit=1`, headers: auth })).json();
    expect(page.items).toEqual([history.items[1]]);
    expect((await t.server.inject({ url: `/api/v1/jobs/${jobId}/history?limit=1001`, headers: auth })).statusCode).toBe(400);
    for (const path of ['', '/state', '/history']) {
      const r = await t.server.inject({ url: `/api/v1/jobs/missing${path}`, headers: auth });
      expect(r.statusCode).toBe(404);
      expect(r.json().error.code).toBe('UNKNOWN_JOB');
    }
  });

  it('POST /jobs/:id/post → 202; unknown slot 400; finished job 409; unknown job 404', async () => {
    t = testServer();
    const { jobId } = (await t.server.inject({ method: 'POST', url: '/api/v1/flows/gate/jobs', headers: json, payload: {} })).json();
    const posted = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/post`, headers: json, payload: { routineId: 'sink', slot: 'in', data: { x: 1 } } });
    expect(posted.statusCode).toBe(202);
    expect(posted.json()).toEqual({ jobId });
    // the flow is sequential: the posted task waits behind the running gate activation
    expect((await t.server.inject({ url: `/api/v1/jobs/${jobId}`, headers: auth })).json().counts.queued).toBe(1);
    const slot = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/post`, headers: json, payload: { routineId: 'sink', slot: 'nope', data: {} } });
    expect(slot.statusCode).toBe(400);
    expect(slot.json().error.code).toBe('UNKNOWN_SLOT');
    expect((await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/post`, headers: json, payload: { routineId: 'sink', slot: 'in' } })).statusCode).toBe(400);
    openGates();
    await t.runtime.waitUntilAllJobsFinished(5000);
    expect(t.runtime.getJob(jobId)!.getSharedData('last')).toEqual({ x: [1] });
    const finished = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/post`, headers: json, payload: { routineId: 'sink', slot: 'in', data: {} } });
    expect(finished.statusCode).toBe(409);
    expect(finished.json().error.code).toBe('JOB_FINISHED');
    expect((await t.server.inject({ method: 'POST', url: '/api/v1/jobs/none/post', headers: json, payload: { routineId: 'sink', slot: 'in', data: {} } })).statusCode).toBe(404);
  });

  it('pause → 200 once paused; resume → 200 running again; NOT_PAUSED and JOB_FINISHED', async () => {
    t = testServer();
    const { jobId } = (await t.server.inject({ method: 'POST', url: '/api/v1/flows/gate/jobs', headers: json, payload: { entryParams: { k: 1 } } })).json();
    const notPaused = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/resume`, headers: auth });
    expect(notPaused.statusCode).toBe(409);
    expect(notPaused.json().error.code).toBe('NOT_PAUSED');
    await until(() => gates.waiters.length === 1); // the gate activation is running
    const pausing = t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/pause`, headers: auth });
    await until(() => t!.runtime.getJob(jobId)!.status !== 'running' || gates.waiters.length === 1);
    openGates(); // the running activation finishes; its emit stays pending
    const paused = await pausing;
    expect(paused.statusCode).toBe(200);
    expect(paused.json().status).toBe('paused');
    expect(paused.json().counts.queued).toBe(1);
    expect((await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/pause`, headers: auth })).json().status).toBe('paused');
    const resumed = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/resume`, headers: auth });
    expect(resumed.statusCode).toBe(200);
    expect(['running', 'completed']).toContain(resumed.json().status);
    await t.runtime.waitUntilAllJobsFinished(5000);
    expect(t.runtime.getJob(jobId)!.status).toBe('completed');
    for (const op of ['pause', 'resume']) {
      const r = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/${op}`, headers: auth });
      expect(r.statusCode, op).toBe(409);
      expect(r.json().error.code).toBe('JOB_FINISHED');
    }
    for (const op of ['pause', 'resume', 'cancel']) expect((await t.server.inject({ method: 'POST', url: `/api/v1/jobs/none/${op}`, headers: auth })).statusCode).toBe(404);
  });

  it('cancel → 200 cancelled; again → 200; a completed job → 409 JOB_FINISHED', async () => {
    t = testServer();
    const { jobId } = (await t.server.inject({ method: 'POST', url: '/api/v1/flows/gate/jobs', headers: json, payload: {} })).json();
    const cancelled = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/cancel`, headers: auth });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    expect((await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/cancel`, headers: auth })).json().status).toBe('cancelled');
    const done = (await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: json, payload: { wait: 5000 } })).json();
    const finished = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${done.jobId}/cancel`, headers: auth });
    expect(finished.statusCode).toBe(409);
    expect(finished.json().error.code).toBe('JOB_FINISHED');
  });
});

describe('catalog, tickets, health', () => {
  it('GET /routines describes every registered type', async () => {
    t = testServer();
    const items = (await t.server.inject({ url: '/api/v1/routines', headers: auth })).json().items as { name: string }[];
    expect(items.find((i) => i.name === 'srv.double')).toEqual({ name: 'srv.double', slots: [{ name: 'in', merge: 'override' }], events: [{ name: 'out', params: ['n'] }], configKeys: [] });
    expect(items.find((i) => i.name === 'srv.sink')).toEqual({ name: 'srv.sink', slots: [{ name: 'in', merge: 'append' }], events: [], configKeys: [] });
  });

  it('POST /ws-tickets → 201 { ticket, expiresAt }', async () => {
    t = testServer({ ticketTtlMs: 5000 });
    const before = Date.now();
    const r = await t.server.inject({ method: 'POST', url: '/api/v1/ws-tickets', headers: auth });
    expect(r.statusCode).toBe(201);
    expect(r.json().ticket).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const expires = Date.parse(r.json().expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 5000);
  });

  it('GET /health (no auth) and GET /api/v1/health/ready', async () => {
    t = testServer();
    expect((await t.server.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await t.server.inject({ url: '/api/v1/health/ready', headers: auth })).json()).toEqual({ status: 'ok', store: { status: 'none' }, runtime: { status: 'ok' } });
    await t.runtime.shutdown();
    const degraded = await t.server.inject({ url: '/api/v1/health/ready', headers: auth });
    expect(degraded.statusCode).toBe(503);
    expect(degraded.json().runtime.status).toBe('stopped');
  });

  it('GET /openapi.json lists every route with its schemas', async () => {
    t = testServer();
    const doc = (await t.server.inject({ url: '/api/v1/openapi.json', headers: auth })).json();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const expected = [
      'GET /health', 'GET /api/v1/health/ready', 'GET /api/v1/flows', 'POST /api/v1/flows', 'GET /api/v1/flows/{name}', 'DELETE /api/v1/flows/{name}',
      'POST /api/v1/flows/{name}/validate', 'GET /api/v1/flows/{name}/diagram', 'POST /api/v1/flows/{name}/jobs', 'GET /api/v1/jobs', 'GET /api/v1/jobs/{id}',
      'GET /api/v1/jobs/{id}/state', 'GET /api/v1/jobs/{id}/history', 'POST /api/v1/jobs/{id}/post', 'POST /api/v1/jobs/{id}/pause', 'POST /api/v1/jobs/{id}/resume',
      'POST /api/v1/jobs/{id}/cancel', 'POST /api/v1/jobs/{id}/breakpoints', 'GET /api/v1/jobs/{id}/breakpoints', 'DELETE /api/v1/jobs/{id}/breakpoints/{bp}',
      'POST /api/v1/jobs/{id}/step', 'GET /api/v1/routines', 'POST /api/v1/ws-tickets',
    ];
    for (const route of expected) expect(routes, route).toContain(route);
    const start = doc.paths['/api/v1/flows/{name}/jobs'].post;
    expect(start.requestBody.content['application/json'].schema.properties.wait.maximum).toBe(300000);
    expect(Object.keys(start.responses)).toEqual(expect.arrayContaining(['200', '201', '401', '404', '422']));
    expect(Object.keys(doc.paths['/api/v1/flows'].post.requestBody.content)).toEqual(expect.arrayContaining(['application/json', 'application/yaml']));
  });
});
