// W9 (docs/performance.md, benchmarks.md): the distributed runtime against raw BullMQ on the
// same local redis-server (started here with AOF everysec, stopped at the end).
//   routilux: 1,000 jobs x 10 no-op stages (10,000 activations) on 1 and on 2 worker processes
//   raw BullMQ: 10,000 no-op jobs (one per activation) through 1 BullMQ worker process
// Every worker runs with the same concurrency (16). Time is from the first add/exec until
// every job is finished, with the workers already started.
// Run: node --import tsx bench/distributed.mjs   (BENCH_JOBS=… to scale, BENCH_REPS=… runs each)
import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { DistributedRuntime } from '../src/bullmq/index.js';
import { startRedisServer } from '../test/helpers/redis-server.ts';
import { benchRegistry } from './distributed-worker.mjs';

const JOBS = Number(process.env.BENCH_JOBS ?? 1000);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const STAGES = 10;
const CONCURRENCY = 16;
const root = fileURLToPath(new URL('..', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function spawnWorker(mode, url, prefix) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/distributed-worker.mjs', mode, url, prefix, String(CONCURRENCY)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (s) => s.includes('READY') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
  });
  return { child, ready, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))) };
}

async function routilux(url, workers, run) {
  const prefix = `r${workers}-${run}`;
  const procs = Array.from({ length: workers }, () => spawnWorker('routilux', url, prefix));
  await Promise.all(procs.map((p) => p.ready));
  const runtime = new DistributedRuntime({ connection: url, prefix, registry: benchRegistry() });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: JOBS }, (_, i) => runtime.exec('chain', { entryParams: { n: i } })));
  if (!(await runtime.waitUntilAllJobsFinished(600_000))) throw new Error('routilux run did not finish');
  const ms = performance.now() - t0;
  const done = (await runtime.store.listJobs({ status: 'completed', limit: 1 })).items.length;
  if (done !== 1) throw new Error('no completed job');
  await runtime.close();
  await Promise.all(procs.map((p) => p.stop()));
  return ms;
}

async function raw(url, run) {
  const prefix = `raw${run}`;
  const proc = spawnWorker('raw', url, prefix);
  await proc.ready;
  const u = new URL(url);
  const connection = { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null };
  const queue = new Queue('raw', { connection, prefix, defaultJobOptions: { removeOnComplete: true } });
  const events = new QueueEvents('raw', { connection, prefix });
  await events.waitUntilReady();
  const n = JOBS * STAGES;
  let completed = 0;
  const all = new Promise((resolve) => events.on('completed', () => ++completed === n && resolve()));
  const t0 = performance.now();
  for (let i = 0; i < n; i += 1000) await queue.addBulk(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: 'noop', data: { n: i + k } })));
  await all;
  const ms = performance.now() - t0;
  await events.close();
  await queue.close();
  await proc.stop();
  return ms;
}

const server = await startRedisServer();
try {
  const results = { raw: [], one: [], two: [] };
  // warm-up (untimed): Redis caches the scripts, the page cache holds the modules
  await raw(server.url, 'warm');
  await routilux(server.url, 1, 'warm');
  for (let r = 0; r < REPS; r++) {
    results.raw.push(await raw(server.url, r));
    results.one.push(await routilux(server.url, 1, r));
    results.two.push(await routilux(server.url, 2, r));
  }
  const activations = JOBS * STAGES;
  const perAct = (ms) => (ms * 1000) / activations;
  const out = {
    date: new Date().toISOString(),
    loadAverage: (await import('node:os')).loadavg().map((x) => +x.toFixed(2)),
    jobs: JOBS,
    stages: STAGES,
    concurrency: CONCURRENCY,
    rawBullmqMs: results.raw.map(Math.round),
    routilux1Ms: results.one.map(Math.round),
    routilux2Ms: results.two.map(Math.round),
    perActivationUs: { rawBullmq: Math.round(perAct(median(results.raw))), routilux1: Math.round(perAct(median(results.one))), routilux2: Math.round(perAct(median(results.two))) },
    ratioToRaw1: +(median(results.one) / median(results.raw)).toFixed(2),
    speedup2over1: +(median(results.one) / median(results.two)).toFixed(2),
  };
  console.log(JSON.stringify(out, null, 2));
  mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('results/w9-distributed.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
} finally {
  await server.stop();
}
