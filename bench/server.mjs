// W8 (benchmarks.md): POST /api/v1/flows/:name/jobs with `wait` on a 3-stage flow, 10
// connections for 10 s (autocannon), against a bare Fastify route on the same port running
// the same three functions inline. Rounds alternate routilux / bare so both see the same
// machine; the ratio is the median of per-round ratios. Target: routilux ≥ 0.5× the bare
// route's requests/s; p99 latency reported. Runs against the built package (dist/).
//
//   npm run build && node bench/server.mjs            # BENCH_ROUNDS=3 BENCH_SECONDS=10 BENCH_WARMUP_SECONDS=2 by default
//
// A third case, the engine floor (a bare route calling runtime.exec and waitForCompletion),
// is reported beside them: the ceiling of any HTTP layer on this engine.
import { writeFileSync, mkdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { Flow, FlowRegistry, JobState, RoutineBase, Runtime } from '../dist/index.js';
import { createServer } from '../dist/server/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;
const KEY = 'bench-key-0123456789abcdef';
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// The three functions, called by the routines and by the bare route alike.
const parse = (d) => ({ id: String(d.id), n: Number(d.n) });
const enrich = (d) => ({ ...d, n: d.n * 2, tag: `item-${d.id}` });
const total = (d) => ({ id: d.id, total: d.n + d.tag.length });

class Parse extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out', ['id', 'n']);
    this.defineSlot('trigger', (d) => this.emit('out', parse(d)));
  }
}
class Enrich extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out', ['id', 'n', 'tag']);
    this.defineSlot('in', (d) => this.emit('out', enrich(d)));
  }
}
class Total extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('in', (d, ctx) => ctx.jobState.updateSharedData('result', total(d)));
  }
}

function w8Flow() {
  const flow = new Flow({ flowId: 'w8' });
  flow.addRoutine(new Parse(), 'parse');
  flow.addRoutine(new Enrich(), 'enrich');
  flow.addRoutine(new Total(), 'total');
  flow.connect('parse', 'out', 'enrich', 'in');
  flow.connect('enrich', 'out', 'total', 'in');
  return flow;
}

const body = JSON.stringify({ entryParams: { id: 'a1', n: 20 }, wait: 10_000 });
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

/** One request on its own connection (so no pooled socket outlives a server between rounds). */
function probe(url, method, text) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent: false, headers: text === undefined ? { authorization: headers.authorization } : headers }, (res) => {
      let data = '';
      res.setEncoding('utf8').on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(data) }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);

/** An unmeasured run first (the same for every case), so no case is measured while its code is still being compiled. */
function warmUp(url) {
  if (WARMUP_SECONDS <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => autocannon({ url, method: 'POST', connections: CONNECTIONS, duration: WARMUP_SECONDS, headers, body }, (error) => (error ? reject(error) : resolve())));
}

async function cannon(url, check) {
  await warmUp(url);
  return new Promise((resolve, reject) => {
    let wrong = 0;
    const instance = autocannon({ url, method: 'POST', connections: CONNECTIONS, duration: SECONDS, headers, body }, (error, result) => (error ? reject(error) : resolve({ result, wrong })));
    instance.on('response', (_client, statusCode, _bytes, _ms) => {
      if (statusCode !== check) wrong++;
    });
  });
}

async function routiluxRound(port) {
  const registry = new FlowRegistry();
  registry.registerByName('w8', w8Flow());
  const runtime = new Runtime({ registry, maxFinishedJobs: 1000 });
  // as deployed: auth and the rate limiter on (with room for the run)
  const server = createServer({ runtime, apiKeys: [KEY], port, rateLimit: { max: 1e9, timeWindow: 60_000 }, dashboard: false });
  const { url } = await server.listen();
  // one checked request first: the job completes and its result is right
  const first = await probe(`${url}/api/v1/flows/w8/jobs`, 'POST', body);
  const summary = first.json;
  const state = (await probe(`${url}/api/v1/jobs/${summary.jobId}/state`, 'GET')).json;
  if (first.status !== 200 || summary.status !== 'completed' || state.sharedData?.result?.total !== 47) throw new Error(`W8 probe failed: ${first.status} ${JSON.stringify(summary).slice(0, 200)}`);
  const port_ = new URL(url).port;
  const out = await cannon(`${url}/api/v1/flows/w8/jobs`, 200);
  await server.close();
  await runtime.shutdown();
  return { ...out, port: Number(port_) };
}

async function bareRound(port) {
  const app = Fastify({ logger: false });
  app.post('/api/v1/flows/w8/jobs', async (request) => {
    const r = total(enrich(parse(request.body.entryParams)));
    return { status: 'completed', result: r };
  });
  await app.listen({ host: '127.0.0.1', port });
  const answer = (await probe(`http://127.0.0.1:${port}/api/v1/flows/w8/jobs`, 'POST', body)).json;
  if (answer.result?.total !== 47) throw new Error('bare probe failed');
  const out = await cannon(`http://127.0.0.1:${port}/api/v1/flows/w8/jobs`, 200);
  await app.close();
  return out;
}

// Not a W8 case, a reference: the same bare route, but calling the engine as the API does
// (runtime.exec, then JobState.waitForCompletion) and answering the job's id, status and
// result. No server built on this engine can beat it; routilux ÷ floor is what the HTTP layer
// itself keeps of it.
async function floorRound(port) {
  const registry = new FlowRegistry();
  registry.registerByName('w8', w8Flow());
  const runtime = new Runtime({ registry, maxFinishedJobs: 1000 });
  const app = Fastify({ logger: false });
  app.post('/api/v1/flows/w8/jobs', async (request) => {
    const job = runtime.exec('w8', { entryParams: request.body.entryParams });
    await JobState.waitForCompletion({ flowId: 'w8' }, job, { timeout: request.body.wait });
    return { jobId: job.jobId, status: job.status, result: job.sharedData.result };
  });
  await app.listen({ host: '127.0.0.1', port });
  const answer = (await probe(`http://127.0.0.1:${port}/api/v1/flows/w8/jobs`, 'POST', body)).json;
  if (answer.status !== 'completed' || answer.result?.total !== 47) throw new Error('floor probe failed');
  const out = await cannon(`http://127.0.0.1:${port}/api/v1/flows/w8/jobs`, 200);
  await app.close();
  await runtime.shutdown();
  return out;
}

const rows = [];
let port = 0;
for (let round = 1; round <= ROUNDS; round++) {
  const r = await routiluxRound(port);
  port = r.port; // the bare route and later rounds use the same port
  const b = await bareRound(port);
  const f = await floorRound(port);
  if (r.wrong > 0 || b.wrong > 0 || f.wrong > 0 || r.result.errors > 0 || b.result.errors > 0 || f.result.errors > 0) {
    throw new Error(`round ${round}: wrong answers (routilux ${r.wrong}/${r.result.errors}, bare ${b.wrong}/${b.result.errors}, floor ${f.wrong}/${f.result.errors})`);
  }
  rows.push({
    round,
    routiluxRps: r.result.requests.average,
    routiluxP99: r.result.latency.p99,
    bareRps: b.result.requests.average,
    bareP99: b.result.latency.p99,
    floorRps: f.result.requests.average,
    floorP99: f.result.latency.p99,
    ratio: r.result.requests.average / b.result.requests.average,
    floorRatio: f.result.requests.average / b.result.requests.average,
  });
  console.error(`round ${round}: routilux ${Math.round(r.result.requests.average)} req/s (p99 ${r.result.latency.p99} ms), bare ${Math.round(b.result.requests.average)} req/s (p99 ${b.result.latency.p99} ms), engine floor ${Math.round(f.result.requests.average)} req/s (p99 ${f.result.latency.p99} ms)`);
}

const result = {
  workload: 'W8 HTTP',
  connections: CONNECTIONS,
  seconds: SECONDS,
  rounds: ROUNDS,
  routiluxRps: Math.round(median(rows.map((r) => r.routiluxRps))),
  routiluxP99Ms: median(rows.map((r) => r.routiluxP99)),
  bareRps: Math.round(median(rows.map((r) => r.bareRps))),
  bareP99Ms: median(rows.map((r) => r.bareP99)),
  floorRps: Math.round(median(rows.map((r) => r.floorRps))),
  floorP99Ms: median(rows.map((r) => r.floorP99)),
  ratio: Number(median(rows.map((r) => r.ratio)).toFixed(3)),
  floorRatio: Number(median(rows.map((r) => r.floorRatio)).toFixed(3)),
  warmupSeconds: WARMUP_SECONDS,
  target: '>= 0.5',
  node: process.version,
  at: new Date().toISOString(),
};
console.table([
  { case: 'routilux POST /flows/w8/jobs (wait)', 'req/s': result.routiluxRps, 'p99 ms': result.routiluxP99Ms },
  { case: 'bare Fastify route, same 3 functions', 'req/s': result.bareRps, 'p99 ms': result.bareP99Ms },
  { case: 'engine floor: bare route + exec + wait', 'req/s': result.floorRps, 'p99 ms': result.floorP99Ms },
]);
console.log(`engine floor ÷ bare (the best any server on this engine could do): ${result.floorRatio}×`);
console.log(`W8 ratio (routilux ÷ bare, median of ${ROUNDS} rounds): ${result.ratio}× — target ≥ 0.5× ${result.ratio >= 0.5 ? 'MET' : 'NOT MET'}`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/w8-server.json', import.meta.url), `${JSON.stringify({ ...result, rows }, null, 2)}\n`);
