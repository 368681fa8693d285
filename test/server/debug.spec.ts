import { afterEach, describe, expect, it } from 'vitest';
import { DebugRuntime } from './debug-runtime.js';
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

describe('breakpoints and step over HTTP (through the engine seam)', () => {
  it('answers 501 on every debugger route while the runtime has no debugger', async () => {
    t = testServer();
    const { jobId } = (await t.server.inject({ method: 'POST', url: '/api/v1/flows/gate/jobs', headers: json, payload: {} })).json();
    const calls = [
      t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/breakpoints`, headers: json, payload: { routineId: 'sink' } }),
      t.server.inject({ url: `/api/v1/jobs/${jobId}/breakpoints`, headers: auth }),
      t.server.inject({ method: 'DELETE', url: `/api/v1/jobs/${jobId}/breakpoints/bp1`, headers: auth }),
      t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/step`, headers: auth }),
    ];
    for (const r of await Promise.all(calls)) {
      expect(r.statusCode).toBe(501);
      expect(r.json().error.details).toEqual({ feature: 'breakpoints' });
    }
  });

  it('adds (201), lists, removes (204) breakpoints and steps a paused job; 404 / 409 / 400 as §5 says', async () => {
    t = testServer({}, (registry) => new DebugRuntime({ registry }));
    const { jobId } = (await t.server.inject({ method: 'POST', url: '/api/v1/flows/gate/jobs', headers: json, payload: { breakpoints: [] } })).json();
    const added = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/breakpoints`, headers: json, payload: { routineId: 'sink', slot: 'in', condition: 'data.x > 1' } });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({ id: 'bp1', routineId: 'sink', slot: 'in', condition: 'data.x > 1', hits: 0 });
    expect((await t.server.inject({ url: `/api/v1/jobs/${jobId}/breakpoints`, headers: auth })).json()).toEqual({ items: [added.json()] });
    const badBody = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/breakpoints`, headers: json, payload: { slot: 'in' } });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().error.details.issues).toEqual([{ path: '/routineId', message: expect.any(String) }]);
    expect((await t.server.inject({ method: 'DELETE', url: `/api/v1/jobs/${jobId}/breakpoints/bp1`, headers: auth })).statusCode).toBe(204);
    const gone = await t.server.inject({ method: 'DELETE', url: `/api/v1/jobs/${jobId}/breakpoints/bp1`, headers: auth });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('UNKNOWN_BREAKPOINT');
    const running = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/step`, headers: auth });
    expect(running.statusCode).toBe(409);
    expect(running.json().error.code).toBe('NOT_PAUSED');
    await until(() => gates.waiters.length === 1);
    const pausing = t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/pause`, headers: auth });
    await until(() => t!.runtime.getJob(jobId)!.status !== 'running' || gates.waiters.length === 1);
    openGates();
    expect((await pausing).json().status).toBe('paused');
    const step = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/step`, headers: auth });
    expect(step.statusCode).toBe(200);
    expect(step.json()).toEqual({ taskId: t.runtime.getJob(jobId)!.pendingTasks[0]!.taskId });
    for (const r of [
      await t.server.inject({ method: 'POST', url: '/api/v1/jobs/none/breakpoints', headers: json, payload: { routineId: 'sink' } }),
      await t.server.inject({ url: '/api/v1/jobs/none/breakpoints', headers: auth }),
      await t.server.inject({ method: 'POST', url: '/api/v1/jobs/none/step', headers: auth }),
    ]) {
      expect(r.statusCode).toBe(404);
      expect(r.json().error.code).toBe('UNKNOWN_JOB');
    }
  });
});
