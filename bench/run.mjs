// `npm run bench`: routilux's own micro-benchmarks. Every case has an in-file baseline that
// does the same work without routilux, measured in the same rounds, so the printed ratio
// (routilux cost ÷ baseline cost, median of per-round ratios) survives a noisy machine.
// Absolute numbers are printed for reference only. Runs against the built package (dist/).
import { chainRoutines } from './lib/chain-routines.mjs';
import { Flow, FlowRegistry, JobState, RoutineBase, RoutineRegistry, Runtime } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---------------------------------------------------------------- hop cost (W1 shape)
const { Head, Inc } = chainRoutines(RoutineBase);
class Count extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('in', (d, ctx) => {
      if (d.value !== 10) throw new Error('wrong value');
      ctx.jobState.updateSharedData('n', (ctx.jobState.getSharedData('n') ?? 0) + 1);
    });
  }
}
function chainFlow(strategy, limits) {
  const flow = new Flow({ executionStrategy: strategy, maxWorkers: 50, executionTimeout: Infinity, ...(limits ? { limits } : {}) });
  flow.addRoutine(new Head(), 'head');
  let prev = 'head';
  for (let s = 0; s < 10; s++) {
    flow.addRoutine(new Inc(), `s${s}`);
    flow.connect(prev, 'out', `s${s}`, 'in');
    prev = `s${s}`;
  }
  flow.addRoutine(new Count(), 'sink');
  flow.connect(prev, 'out', 'sink', 'in');
  return flow;
}

/** Baseline: the same 11 hops through a plain FIFO of {fn, data} (no framework). */
function fifoChain(n) {
  const q = [];
  let head = 0;
  let count = 0;
  const stages = [];
  for (let s = 0; s < 10; s++) stages.push((m) => q.push({ fn: stages[s + 1] ?? sink, data: { id: m.id, value: m.value + 1 } }));
  const sink = (m) => {
    if (m.value !== 10) throw new Error('wrong value');
    count++;
  };
  for (let i = 0; i < n; i++) q.push({ fn: stages[0], data: { id: i, value: 0 } });
  while (head < q.length) {
    const t = q[head];
    q[head++] = undefined;
    t.fn(t.data);
  }
  return count;
}

for (const [name, cls] of Object.entries({ Head, Inc, Count })) RoutineRegistry.register(`bench.${name}`, cls);
const HOP_N = 10_000;
const hopFlowSeq = chainFlow('sequential');
const hopFlowCon = chainFlow('concurrent');
const caseHop = (flow) => async () => {
  const job = await flow.execute('head', { n: HOP_N });
  if (job.status !== 'completed' || job.getSharedData('n') !== HOP_N) throw new Error(`hop: ${job.status}`);
};

// ---------------------------------------------------------------- job creation
class One extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger', (d, ctx) => ctx.jobState.updateSharedData('x', d.x + 1));
  }
}
const oneFlow = new Flow({ executionTimeout: Infinity });
oneFlow.addRoutine(new One(), 'one');
const JOBS = 2_000;
const caseJobs = async () => {
  for (let j = 0; j < JOBS; j++) {
    const job = await oneFlow.execute('one', { x: j });
    if (job.getSharedData('x') !== j + 1) throw new Error('job: wrong result');
  }
};
const baseJobs = async () => {
  for (let j = 0; j < JOBS; j++) {
    const state = await new Promise((resolve) => queueMicrotask(() => resolve({ x: j + 1 })));
    if (state.x !== j + 1) throw new Error('job: wrong result');
  }
};

// ---------------------------------------------------------------- serialization
class Src extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out');
    this.defineSlot('trigger', (d, c) => {
      for (let i = 0; i < d.n; i++) this.emit('out', { id: i, text: `message ${i}` });
      void c.flow.pause(c.jobState, 'bench');
    });
  }
}
class Nop extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('in', () => undefined);
  }
}
const serFlow = new Flow({ flowId: 'bench-ser', historyLimit: 10_000 });
serFlow.addRoutine(new Src(), 'src');
serFlow.addRoutine(new Nop(), 'sink');
serFlow.connect('src', 'out', 'sink', 'in');
const pausedJob = await serFlow.execute('src', { n: 10_000 });
if (pausedJob.pendingTasks.length !== 10_000) throw new Error('serialization bench: expected 10,000 pending tasks');
const caseJobSer = () => {
  const back = JobState.deserialize(JSON.parse(JSON.stringify(pausedJob.serialize())));
  if (back.pendingTasks.length !== 10_000) throw new Error('lost pending tasks');
};
const plainJob = JSON.parse(JSON.stringify(pausedJob.serialize()));
const baseJobSer = () => {
  const back = JSON.parse(JSON.stringify(plainJob));
  if (back.pendingTasks.length !== 10_000) throw new Error('lost pending tasks');
};
const flowDoc = hopFlowCon.serialize();
const caseFlowSer = () => {
  for (let i = 0; i < 50; i++) Flow.deserialize(JSON.parse(JSON.stringify(hopFlowCon.serialize())));
};
const baseFlowSer = () => {
  for (let i = 0; i < 50; i++) JSON.parse(JSON.stringify(flowDoc));
};

// ---------------------------------------------------------------- Runtime: many jobs on one budget
class Step extends RoutineBase {
  constructor(slot, fn, last) {
    super();
    this.defineEvent('out');
    this.defineSlot(slot, (d, ctx) => {
      const x = fn(d.x);
      if (last) ctx.jobState.updateSharedData('result', x);
      else this.emit('out', { x });
    });
  }
}
const stepsFlow = new Flow({ executionTimeout: Infinity });
stepsFlow.addRoutine(new Step('trigger', (x) => x + 1, false), 'a');
stepsFlow.addRoutine(new Step('in', (x) => x * 2, false), 'b');
stepsFlow.addRoutine(new Step('in', (x) => x - 3, true), 'c');
stepsFlow.connect('a', 'out', 'b', 'in');
stepsFlow.connect('b', 'out', 'c', 'in');
const runtimeRegistry = new FlowRegistry();
runtimeRegistry.registerByName('steps', stepsFlow);
const RT_JOBS = 1_000;
const caseRuntime = async () => {
  const runtime = new Runtime({ concurrency: 100, registry: runtimeRegistry, maxFinishedJobs: 0 });
  const jobs = [];
  for (let j = 0; j < RT_JOBS; j++) jobs.push(runtime.exec('steps', { entryParams: { x: j } }));
  if (!(await runtime.waitUntilAllJobsFinished())) throw new Error('runtime: jobs did not finish');
  for (let j = 0; j < RT_JOBS; j++) if (jobs[j].getSharedData('result') !== 2 * j - 1) throw new Error('runtime: wrong result');
  await runtime.shutdown();
};
const baseRuntime = async () => {
  // 1,000 jobs, each three awaited steps, at most 100 in flight: the same work as plain async code
  let next = 0;
  const results = new Array(RT_JOBS);
  const worker = async () => {
    while (next < RT_JOBS) {
      const j = next++;
      let x = await Promise.resolve(j + 1);
      x = await Promise.resolve(x * 2);
      results[j] = await Promise.resolve(x - 3);
    }
  };
  await Promise.all(Array.from({ length: 100 }, worker));
  for (let j = 0; j < RT_JOBS; j++) if (results[j] !== 2 * j - 1) throw new Error('runtime baseline: wrong result');
};

// ---------------------------------------------------------------- driver
async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const cases = [
  { name: 'emit→dispatch→handler, sequential', unit: 'hop', units: HOP_N * 11, run: caseHop(hopFlowSeq), base: () => fifoChain(HOP_N), baseName: 'plain FIFO of closures' },
  { name: 'emit→dispatch→handler, concurrent (50)', unit: 'hop', units: HOP_N * 11, run: caseHop(hopFlowCon), base: () => fifoChain(HOP_N), baseName: 'plain FIFO of closures' },
  { name: 'job creation (execute 1-routine flow)', unit: 'job', units: JOBS, run: caseJobs, base: baseJobs, baseName: 'one awaited microtask per job' },
  { name: 'JobState round trip, 10k pending + 10k history', unit: 'round trip', units: 1, run: caseJobSer, base: baseJobSer, baseName: 'JSON.stringify+parse of the same document' },
  { name: 'Runtime: 1,000 jobs of a 3-stage flow, concurrency 100', unit: 'job', units: RT_JOBS, run: caseRuntime, base: baseRuntime, baseName: '3 awaited steps per job, 100 in flight' },
  { name: 'Flow round trip (12 routines)', unit: 'round trip', units: 50, run: caseFlowSer, base: baseFlowSer, baseName: 'JSON.stringify+parse of the same document' },
];

const results = [];
for (const c of cases) {
  await c.run();
  await c.base(); // warm-up
  const ratios = [];
  const ts = [];
  const bs = [];
  for (let r = 0; r < ROUNDS; r++) {
    const first = r % 2 === 0;
    const b1 = first ? await time(c.base) : 0;
    const t = await time(c.run);
    const b2 = first ? 0 : await time(c.base);
    const b = first ? b1 : b2;
    ts.push(t);
    bs.push(b);
    ratios.push(t / b);
  }
  results.push({ ...c, t: median(ts), b: median(bs), ratio: median(ratios) });
}

const fmt = (ms, units) => {
  const ns = (ms * 1e6) / units;
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(1)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`;
};
console.log(`\nroutilux micro-benchmarks — node ${process.version}, ${(await import('node:os')).cpus().length} cpus, ${ROUNDS} rounds (median)\n`);
console.log('| case | routilux per unit | baseline per unit | ratio | baseline |');
console.log('|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${fmt(r.t, r.units)} / ${r.unit} | ${fmt(r.b, r.units)} | ${r.ratio.toFixed(2)}× | ${r.baseName} |`);
const rt = results.find((r) => r.name.startsWith('JobState round trip'));
console.log(`\nJobState round trip of a 10,000-message job: ${rt.t.toFixed(0)} ms (target: well under 1 s)`);

// ---------------------------------------------------------------- memory: bounded, and released after the job
if (typeof globalThis.gc === 'function') {
  const heap = () => {
    globalThis.gc();
    globalThis.gc();
    return process.memoryUsage().heapUsed;
  };
  const MEM_N = 100_000;
  // 100,000 messages through 11 routines is 1,100,001 activations: past the default step limit, so the job says so
  const memFlow = chainFlow('concurrent', { maxActivationsPerJob: MEM_N * 11 + 1 });
  await memFlow.execute('head', { n: 1_000 }); // warm up
  const before = heap();
  let peak = 0;
  let job = memFlow.start('head', { n: MEM_N });
  // sample the retained heap right after the trigger has emitted every message: the whole
  // backlog is queued (the first time slice ends within ~20 ms, so the sample lands early)
  let inFlight = 0;
  await new Promise((resolve) => {
    const check = () => {
      if (job.tracker.getRoutinePerformance('head')?.completed === 1) {
        inFlight = MEM_N;
        peak = heap();
        resolve();
      } else setImmediate(check);
    };
    check();
  });
  await JobState.waitForCompletion(memFlow, job);
  if (job.status !== 'completed' || job.getSharedData('n') !== MEM_N) throw new Error('memory case: job did not complete');
  job = undefined;
  const after = heap();
  console.log(`\nMemory (10-stage chain, ${MEM_N.toLocaleString('en')} messages queued at once, retained heap after forced GC):`);
  console.log(`  peak with all messages in flight: +${((peak - before) / 1048576).toFixed(1)} MB, ${((peak - before) / inFlight).toFixed(0)} bytes per in-flight message (target ≤ 200)`);
  console.log(`  after the job, references dropped: ${after - before >= 0 ? '+' : ''}${((after - before) / 1048576).toFixed(2)} MB versus before the job (target: back to baseline)`);
} else {
  console.log('\n(run with node --expose-gc for the memory case; `npm run bench` does)');
}
