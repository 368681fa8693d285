// How throughput scales with message count, fan-out width and concurrent jobs.
// `node bench/scaling.mjs` (after `npm run build`). Each cell is the median of 5 runs.
import { Flow, RoutineBase, Runtime, FlowRegistry } from '../dist/index.js';

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
async function measure(fn, reps = 5) {
  for (let w = 0; w < 3; w++) await fn(); // warm up (JIT) before timing
  const ts = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

class Src extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out');
    this.defineSlot('trigger', (d) => {
      for (let i = 0; i < d.n; i++) this.emit('out', { i, v: 0 });
    });
  }
}
class Inc extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out');
    this.defineSlot('in', (d) => this.emit('out', { i: d.i, v: d.v + 1 }));
  }
}
class Sink extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('in', (d, ctx) => ctx.jobState.updateSharedData('n', (ctx.jobState.getSharedData('n') ?? 0) + 1));
  }
}

function chain(stages) {
  const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 50, executionTimeout: Infinity });
  flow.addRoutine(new Src(), 'src');
  let prev = 'src';
  for (let s = 0; s < stages; s++) {
    flow.addRoutine(new Inc(), `s${s}`);
    flow.connect(prev, 'out', `s${s}`, 'in');
    prev = `s${s}`;
  }
  flow.addRoutine(new Sink(), 'sink');
  flow.connect(prev, 'out', 'sink', 'in');
  return flow;
}

function fan(width) {
  const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 50, executionTimeout: Infinity });
  flow.addRoutine(new Src(), 'src');
  flow.addRoutine(new Sink(), 'sink');
  for (let k = 0; k < width; k++) {
    flow.addRoutine(new Inc(), `w${k}`);
    flow.connect('src', 'out', `w${k}`, 'in');
    flow.connect(`w${k}`, 'out', 'sink', 'in');
  }
  return flow;
}

console.log('\n### Message count (10-stage chain, one job)\n\n| messages | activations | ms | ns per activation |\n|---|---|---|---|');
const c10 = chain(10);
for (let w = 0; w < 5; w++) await c10.execute('src', { n: 10_000 }); // warm the engine before the small sizes
for (const n of [1_000, 10_000, 100_000]) {
  const ms = await measure(async () => {
    const job = await c10.execute('src', { n });
    if (job.getSharedData('n') !== n) throw new Error('chain lost messages');
  });
  const acts = n * 11 + 1;
  console.log(`| ${n.toLocaleString('en')} | ${acts.toLocaleString('en')} | ${ms.toFixed(1)} | ${((ms * 1e6) / acts).toFixed(0)} |`);
}

console.log('\n### Fan-out width (1 source → W workers → 1 sink, 2,000 messages)\n\n| width | activations | ms | ns per activation |\n|---|---|---|---|');
for (const w of [1, 10, 50, 200]) {
  const flow = fan(w);
  const n = 2_000;
  const ms = await measure(async () => {
    const job = await flow.execute('src', { n });
    if (job.getSharedData('n') !== n * w) throw new Error('fan-out lost messages');
  });
  const acts = n * w * 2 + 1;
  console.log(`| ${w} | ${acts.toLocaleString('en')} | ${ms.toFixed(1)} | ${((ms * 1e6) / acts).toFixed(0)} |`);
}

console.log('\n### Concurrent jobs (3-stage chain, 10 messages per job, one Runtime, concurrency 100)\n\n| jobs | activations | ms | ns per activation |\n|---|---|---|---|');
const c3 = chain(3);
const registry = new FlowRegistry();
registry.registerByName('c3', c3);
for (const jobs of [10, 100, 1_000, 10_000]) {
  const ms = await measure(async () => {
    const runtime = new Runtime({ concurrency: 100, registry, maxFinishedJobs: 0 });
    const started = [];
    for (let j = 0; j < jobs; j++) started.push(runtime.exec('c3', { entryParams: { n: 10 } }));
    await runtime.waitUntilAllJobsFinished();
    for (const job of started) if (job.getSharedData('n') !== 10) throw new Error('runtime lost messages');
    await runtime.shutdown();
  });
  const acts = jobs * (10 * 4 + 1);
  console.log(`| ${jobs.toLocaleString('en')} | ${acts.toLocaleString('en')} | ${ms.toFixed(1)} | ${((ms * 1e6) / acts).toFixed(0)} |`);
}
