/**
 * 13 — distributed: the same flow runs on several workers through BullMQ and Redis.
 *
 * Two workers (`startWorker`) take jobs from Redis; a `DistributedRuntime` starts jobs,
 * follows their events and reads the results from the store. Here the workers share this process to keep the example short; in
 * production each is its own process, on any number of hosts, started with the same
 * `startWorker({ connection, registry })` call.
 *
 * Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379), or leave it unset to start a
 * throwaway redis-server from the PATH.
 */
import { DistributedRuntime, startWorker } from 'routilux/bullmq';
import { orderFlows } from './flows.js';
import { startLocalRedis } from './local-redis.js';

const local = process.env['REDIS_URL'] === undefined ? await startLocalRedis() : undefined;
const url = process.env['REDIS_URL'] ?? local!.url;
const prefix = `example-${process.pid}`;

const workers = await Promise.all([1, 2].map(() => startWorker({ connection: url, prefix, registry: orderFlows(), concurrency: 8 })));
const runtime = new DistributedRuntime({ connection: url, prefix, registry: orderFlows() });
let events = 0;
const sub = runtime.events$.subscribe({ next: () => events++ });

try {
  const jobs = await Promise.all(Array.from({ length: 6 }, (_, i) => runtime.exec('orders', { entryParams: { orderId: i + 1, items: i + 1 } })));
  console.log(`started ${jobs.length} jobs: ${jobs.map((j) => j.status).join(', ')}`);
  await runtime.waitUntilAllJobsFinished(30_000);
  for (const job of jobs) {
    const done = await runtime.getJob(job.jobId);
    const booked = done?.outputLog.find((o) => o.outputType === 'booked')?.data as { orderId: number; total: number } | undefined;
    console.log(`order ${booked?.orderId}: ${done?.status}, total ${booked?.total.toFixed(2)}`);
  }
  const completed = await runtime.listJobs('completed');
  console.log(`completed jobs in the store: ${completed.length}`);
  console.log(`events received from the workers: ${events > 0 ? 'yes' : 'no'}`);
} finally {
  sub.unsubscribe();
  await runtime.close();
  await Promise.all(workers.map((w) => w.close()));
  await local?.stop();
}
