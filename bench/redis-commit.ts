// Cost of one RedisJobStore commit against a local redis-server (started here, stopped at
// the end): an engine-sized activation commit, sequential on one job and on 16 jobs at
// once, beside the floor of one round trip (PING) on the same connection.
// Run: node --import tsx bench/redis-commit.ts
import { RedisJobStore } from '../src/store-redis/index.js';
import { jobDoc, task } from '../src/testing/store-conformance/fixtures.js';
import { startRedisServer } from '../test/helpers/redis-server.js';

const N = Number(process.env['BENCH_COMMITS'] ?? 5000);
const server = await startRedisServer();
const store = new RedisJobStore({ connection: server.url, prefix: 'bench' });

function commitOf(jobId: string, i: number) {
  return {
    jobId,
    taskId: `t${i}`,
    attempt: 1,
    outcome: 'completed' as const,
    changes: {
      set: { updatedAt: new Date(1_700_000_000_000 + i).toISOString(), steps: i, nextTaskSeq: i + 2 },
      entries: { routineStates: { worker: { status: 'completed', executions: i } } },
      append: { executionHistory: [{ routineId: 'worker', eventName: 'out', data: { id: i, value: i }, timestamp: new Date(1_700_000_000_000 + i).toISOString() }] },
    },
    produced: [task(`t${i + 1}`, { data: { id: i, value: i } })],
    consumed: [`t${i}`],
  };
}

async function sequential(jobId: string, n: number): Promise<void> {
  await store.create(jobDoc(jobId, { historyLimit: 1000, pendingTasks: [task('t0')] }));
  for (let i = 0; i < n; i++) await store.commit(commitOf(jobId, i));
}

try {
  for (let i = 0; i < 500; i++) await store.client.ping(); // warm up
  let t = performance.now();
  for (let i = 0; i < N; i++) await store.client.ping();
  const pingUs = ((performance.now() - t) * 1000) / N;
  await sequential('warm', 500);
  t = performance.now();
  await sequential('one', N);
  const seqUs = ((performance.now() - t) * 1000) / N;
  const jobs = 16;
  const each = Math.ceil(N / jobs);
  t = performance.now();
  await Promise.all(Array.from({ length: jobs }, (_, j) => sequential(`par${j}`, each)));
  const parSec = (performance.now() - t) / 1000;
  const doc = await store.load('one');
  if (doc?.pendingTasks.length !== 1 || doc.executionHistory.length !== 1000) throw new Error('unexpected document after the run');
  const stats = await store.client.info('commandstats');
  const scriptUs = Number(/cmdstat_evalsha:.*usec_per_call=([\d.]+)/.exec(stats)?.[1]);
  console.log(`round trip (PING):              ${pingUs.toFixed(1)} µs`);
  console.log(`commit, one job, sequential:    ${seqUs.toFixed(1)} µs per commit (${(1e6 / seqUs).toFixed(0)} commits/s, ${(seqUs / pingUs).toFixed(2)}× a round trip)`);
  console.log(`commit, ${jobs} jobs at once:        ${((jobs * each) / parSec).toFixed(0)} commits/s`);
  console.log(`Redis time per script call:     ${scriptUs.toFixed(1)} µs (INFO commandstats, evalsha)`);
} finally {
  await store.close();
  await server.stop();
}
