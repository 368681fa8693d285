import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { FileJobStore, Flow, FlowRegistry, JobState, Runtime, RoutineBase, type ExecutionContext, type JobStore } from '../../src/index.js';
import { describeJobStoreConformance } from '../../src/testing/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routilux-file-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

class Counter extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger', (data: Record<string, unknown>, ctx: ExecutionContext) => {
      ctx.jobState.updateSharedData('n', data['n']);
      this.emit('out', { n: Number(data['n']) + 1 });
    });
    this.defineSlot('input', (data: Record<string, unknown>, ctx: ExecutionContext) => {
      ctx.jobState.updateSharedData('last', data['n']);
    });
    this.defineEvent('out', ['n']);
  }
}

describe('FileJobStore', () => {
  it('creates, commits once per { taskId, attempt }, replaces, lists and deletes jobs', async () => {
    const store = new FileJobStore({ directory: dir });
    const job = new JobState('f1', { jobId: 'job-1' });
    const doc = job.serialize();
    await store.create(doc, { flow: 'counter' });
    await expect(store.create(doc)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const commit = { jobId: 'job-1', taskId: 't1', attempt: 1, changes: { set: { status: 'running' }, entries: { sharedData: { a: 1 } } }, produced: [], consumed: ['t1'] };
    expect(await store.commit(commit)).toBe(true);
    expect(await store.commit(commit)).toBe(false);
    const loaded = await store.load('job-1');
    expect(loaded).toMatchObject({ status: 'running', sharedData: { a: 1 } });
    expect(await store.listUnfinished()).toEqual(['job-1']);
    expect((await store.listJobs({ flow: 'counter' })).items.map((s) => s.jobId)).toEqual(['job-1']);
    await expect(store.deleteJob('job-1')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await store.put({ ...loaded!, status: 'completed' });
    expect(await store.deleteJob('job-1')).toBe(true);
    expect(await store.getJob('job-1')).toBeUndefined();
    expect(await store.deleteJob('job-1')).toBe(false);
    await store.putFlow('counter', { version: 1 });
    expect(await store.listFlows()).toEqual([{ name: 'counter', document: { version: 1 } }]);
    expect(await store.deleteFlow('counter')).toBe(true);
    await store.close();
    await expect(store.load('job-1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('keeps what a Runtime commits: a new store on the same directory loads the job, and JobState.deserialize reads it back', async () => {
    const clock = new ManualClock();
    const registry = new FlowRegistry();
    const flow = new Flow({ flowId: 'counter', clock });
    flow.addRoutine(new Counter(), 'c');
    flow.connect('c', 'out', 'c', 'input');
    registry.registerByName('counter', flow);
    const store = new FileJobStore({ directory: dir });
    const runtime = new Runtime({ registry, clock, store });
    const job = runtime.exec('counter', { entryParams: { n: 1 } });
    expect(await runtime.waitUntilAllJobsFinished()).toBe(true);
    expect(job.status).toBe('completed');
    expect(await store.load(job.jobId)).toEqual(job.serialize());
    await runtime.shutdown();
    await store.close();
    const again = new FileJobStore({ directory: dir });
    const restored = JobState.deserialize(await again.load(job.jobId));
    expect(restored.serialize()).toEqual(job.serialize());
    await again.close();
  });

  it('refuses bad options and ids', async () => {
    expect(() => new FileJobStore({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new FileJobStore({ directory: dir, extra: 1 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await expect(new FileJobStore({ directory: dir }).load('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // every valid id is a safe file name inside the directory
    const store = new FileJobStore({ directory: join(dir, 'inner') });
    await store.create(new JobState('f', { jobId: 'a:b..c' }).serialize());
    await store.close();
    expect(await readdir(join(dir, 'inner', 'jobs'))).toEqual(['a%3Ab%2E%2Ec.json']);
    expect(await new FileJobStore({ directory: join(dir, 'inner') }).load('a:b..c')).toMatchObject({ jobId: 'a:b..c' });
  });
});

let n = 0;
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function freshDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), `routilux-file-conf-${++n}-`));
  dirs.push(d);
  return d;
}

describeJobStoreConformance('FileJobStore', async (options) => new FileJobStore({ directory: await freshDir(), ...options }), {
  async reopen(store: JobStore) {
    const directory = (store as FileJobStore).directory;
    await store.close();
    return new FileJobStore({ directory });
  },
  async corrupt(store: JobStore, jobId: string) {
    const directory = (store as FileJobStore).directory;
    await store.close();
    const path = join(directory, 'jobs', `${jobId}.json`);
    const file = JSON.parse(await readFile(path, 'utf8')) as { doc: Record<string, unknown> };
    file.doc = { ...file.doc, pendingTasks: [{ taskId: 'torn' }] };
    await writeFile(path, JSON.stringify(file));
    return new FileJobStore({ directory });
  },
});
