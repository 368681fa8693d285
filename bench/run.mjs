// `npm run bench`: routilux's own micro-benchmarks. Every case has an in-file baseline that
// does the same work without routilux, measured in the same rounds, so the printed ratio
// (routilux cost ÷ baseline cost, median of per-round ratios) survives a noisy machine.
// Absolute numbers are printed for reference only. Runs against the built package (dist/).
import { Flow, JobState, RoutineBase, RoutineRegistry } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---------------------------------------------------------------- hop cost (W1 shape)
class Head extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out');
    this.defineSlot('trigger', (d) => {
      for (let i = 0; i < d.n; i++) this.emit('out', { id: i, value: 0 });
    });
  }
}
class Inc extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out');
    this.defineSlot('in', (d) => this.emit('out', { id: d.id, value: d.value + 1 }));
  }
}
class Count extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('in', (d, ctx) => {
      if (d.value !== 10) throw new Error('wrong value');
      ctx.jobState.updateSharedData('n', (ctx.jobState.getSharedData('n') ?? 0) + 1);
    });
  }
}
function chainFlow(strategy) {
  const flow = new Flow({ executionStrategy: strategy, maxWorkers: 50, executionTimeout: Infinity });
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
