import { describe, expect, it } from 'vitest';
import { Flow, JobState } from '../../src/index.js';
import { FnRoutine } from '../fixtures/routines.js';
import { deferred } from '../helpers/gate.js';

/** A one-routine flow whose trigger waits for `release` before the job can complete. */
function heldFlow(): { flow: Flow; release: () => void } {
  const held = deferred();
  const flow = new Flow({ flowId: 'held' });
  flow.addRoutine(new FnRoutine({ trigger: () => held.promise }), 'r');
  return { flow, release: () => held.resolve() };
}

describe('JobState.waitForCompletion on a running job', () => {
  it('with no options resolves true once the job finishes', async () => {
    const { flow, release } = heldFlow();
    const job = flow.start('r');
    const waiting = JobState.waitForCompletion(flow, job);
    let done = false;
    void waiting.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(done).toBe(false);
    release();
    await expect(waiting).resolves.toBe(true);
    expect(job.status).toBe('completed');
  });

  it('with only a timeout resolves false when it runs out, leaves the job running, and a later settle changes nothing', async () => {
    const { flow, release } = heldFlow();
    const job = flow.start('r');
    await expect(JobState.waitForCompletion(flow, job, { timeout: 10 })).resolves.toBe(false);
    expect(job.status).toBe('running');
    release();
    await expect(JobState.waitForCompletion(flow, job, { timeout: 1000, onProgress: undefined })).resolves.toBe(true);
    expect(job.status).toBe('completed');
  });

  it('with a timeout resolves true when the job finishes first', async () => {
    const { flow, release } = heldFlow();
    const job = flow.start('r');
    const waiting = JobState.waitForCompletion(flow, job, { timeout: 5000 });
    release();
    await expect(waiting).resolves.toBe(true);
  });

  it('still rejects bad options and a foreign flow', async () => {
    const { flow, release } = heldFlow();
    const job = flow.start('r');
    await expect(JobState.waitForCompletion(flow, job, { timeout: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(JobState.waitForCompletion(flow, job, { timeout: 5, nope: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(JobState.waitForCompletion({ flowId: 'other' }, job)).rejects.toMatchObject({ code: 'FLOW_MISMATCH' });
    release();
    await JobState.waitForCompletion(flow, job);
  });
});
