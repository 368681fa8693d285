import { afterEach, describe, expect, it } from 'vitest';
import { auth, openGates, testServer, type TestServer } from './fixtures.js';

let t: TestServer | undefined;
afterEach(async () => {
  openGates();
  await t?.server.close();
  await t?.runtime.shutdown();
  t = undefined;
});

const json = { ...auth, 'content-type': 'application/json' };

describe('breakpoints and step over HTTP (the engine debugger)', () => {
  it('starts a job with a breakpoint, pauses at it, steps one activation, and completes; 201 / 200 / 204 as §5 says', async () => {
    t = testServer();
    const start = await t.server.inject({
      method: 'POST',
      url: '/api/v1/flows/pipeline/jobs',
      headers: json,
      payload: { entryParams: { n: 3 }, wait: 5000, breakpoints: [{ routineId: 'double', slot: 'in', condition: 'data.n == 3' }] },
    });
    expect(start.statusCode).toBe(200);
    const { jobId } = start.json();
    const job = t.runtime.getJob(jobId)!;
    expect(job.status).toBe('paused');
    expect(job.pausePoints.at(-1)!.reason).toBe('breakpoint');
    const list = await t.server.inject({ url: `/api/v1/jobs/${jobId}/breakpoints`, headers: auth });
    expect(list.json()).toEqual({ items: [{ id: 'bp1', routineId: 'double', slot: 'in', condition: 'data.n == 3', hits: 1 }] });
    const added = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/breakpoints`, headers: json, payload: { routineId: 'sink' } });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({ id: 'bp2', routineId: 'sink', hits: 0 });
    const headTask = job.pendingTasks[0]!.taskId;
    const step = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/step`, headers: auth });
    expect(step.statusCode).toBe(200);
    expect(step.json()).toEqual({ taskId: headTask });
    expect(job.status).toBe('paused');
    expect(job.pausePoints.at(-1)).toMatchObject({ reason: 'step', checkpoint: { taskId: headTask } });
    expect(job.pendingTasks.map((p) => p.routineId)).toEqual(['sink']);
    expect((await t.server.inject({ method: 'DELETE', url: `/api/v1/jobs/${jobId}/breakpoints/bp2`, headers: auth })).statusCode).toBe(204);
    const gone = await t.server.inject({ method: 'DELETE', url: `/api/v1/jobs/${jobId}/breakpoints/bp2`, headers: auth });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('UNKNOWN_BREAKPOINT');
    await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/step`, headers: auth }); // sink
    const last = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/step`, headers: auth });
    expect(last.json()).toEqual({ taskId: null });
    expect(job.status).toBe('completed');
    expect(job.sharedData['last']).toEqual({ n: [6] });
    const finished = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/step`, headers: auth });
    expect(finished.statusCode).toBe(409);
    expect(finished.json().error.code).toBe('JOB_FINISHED');
  });

  it('answers 400 for a bad body, an unknown routine or an unsafe condition, 409 NOT_PAUSED, 404 UNKNOWN_JOB', async () => {
    t = testServer();
    const { jobId } = (await t.server.inject({ method: 'POST', url: '/api/v1/flows/gate/jobs', headers: json, payload: {} })).json();
    const badBody = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/breakpoints`, headers: json, payload: { slot: 'in' } });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().error.details.issues).toEqual([{ path: '/routineId', message: expect.any(String) }]);
    const unknown = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/breakpoints`, headers: json, payload: { routineId: 'nope' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('UNKNOWN_ROUTINE');
    const unsafe = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/breakpoints`, headers: json, payload: { routineId: 'sink', condition: 'data.x.matches("(a+)+$")' } });
    expect(unsafe.statusCode).toBe(400);
    expect(unsafe.json().error.code).toBe('INVALID_ARGUMENT');
    const running = await t.server.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/step`, headers: auth });
    expect(running.statusCode).toBe(409);
    expect(running.json().error.code).toBe('NOT_PAUSED');
    const badStart = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: json, payload: { breakpoints: [{ routineId: 'double', slot: 'nope' }] } });
    expect(badStart.statusCode).toBe(400);
    expect(badStart.json().error.code).toBe('UNKNOWN_SLOT');
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
