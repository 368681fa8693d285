// Uses 'routilux/bullmq': a finished job stored in Redis, committed to, listed and read back.
// The packed-package test starts a redis-server and passes its URL in ROUTILUX_TEST_REDIS_URL.
import { Flow, RoutineBase } from 'routilux';
import { DistributedRuntime, RedisJobStore, startWorker, type RedisJobStoreOptions, type WorkerOptions } from 'routilux/bullmq';

class Done extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger', () => undefined);
  }
}

const url = process.env['ROUTILUX_TEST_REDIS_URL'];
const workerOptions: WorkerOptions = { connection: url ?? 'redis://127.0.0.1:6379', concurrency: 1 };
if (typeof startWorker !== 'function' || typeof DistributedRuntime !== 'function' || workerOptions.concurrency !== 1) throw new Error('routilux/bullmq lacks the distributed runtime');
if (url === undefined) throw new Error('set ROUTILUX_TEST_REDIS_URL to a redis:// URL');
const flow = new Flow();
flow.addRoutine(new Done(), 'done');
const job = await flow.execute('done', { n: 1 });
const options: RedisJobStoreOptions = { connection: url, prefix: `consumer-${process.pid}` };
const store = new RedisJobStore(options);
try {
  const settings = await store.checkSettings();
  await store.create(job.serialize(), { flow: 'done' });
  const applied = await store.commit({ jobId: job.jobId, taskId: null, attempt: 0, changes: { entries: { sharedData: { stored: true } } }, produced: [], consumed: [] });
  const page = await store.listJobs();
  const stored = await store.getJob(job.jobId);
  if (!applied || settings.problems.length > 0 || page.items.length !== 1 || page.items[0]?.jobId !== job.jobId || stored?.status !== 'completed' || stored.sharedData['stored'] !== true) {
    throw new Error(`unexpected: ${JSON.stringify({ applied, settings, page, status: stored?.status })}`);
  }
  console.log('OK ./bullmq', page.items[0]?.status);
  await store.deleteJob(job.jobId);
} finally {
  await store.close();
}
