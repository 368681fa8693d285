// The harness workloads (../shared/bench) written with routilux's public, programmatic API,
// for a given build of the library: `bench/peers/routilux.mjs` uses the project's own build,
// `bench/ab.mjs` puts an older build beside it. Every runner resolves when routilux itself
// says the job is complete.

/** Builds the harness's workload runners (`chain`, `fanout`, `io`, `jobs`) on `lib`, a routilux build's main entry. */
export function routiluxWorkloads({ Flow, JobState, RoutineBase }) {
  /**
   * The harness context (functions, counters) is not JSON data, so it cannot be shared data
   * (updateSharedData checks values deeply); it is kept beside each job, read once per activation.
   */
  const harness = new WeakMap();
  const H = (jobState) => harness.get(jobState);

  // The harness's messages are plain objects ({ id, value }), so they travel as the event
  // payloads themselves: each slot receives its own shallow copy of the emitted object.
  class Head extends RoutineBase {
    constructor(n) {
      super();
      this.defineEvent('out', ['id', 'value']);
      this.defineSlot('trigger', (_d, c) => {
        const h = H(c.jobState);
        for (let i = 0; i < n; i++) this.emit('out', h.message(i));
      });
    }
  }

  class Stage extends RoutineBase {
    constructor() {
      super();
      this.defineEvent('out', ['id', 'value']);
      this.defineSlot('in', (m, c) => this.emit('out', H(c.jobState).inc(m)));
    }
  }

  class Sink extends RoutineBase {
    constructor() {
      super();
      this.defineSlot('in', (m, c) => H(c.jobState).sink(m));
    }
  }

  function startWith(flow, entry, h) {
    // the harness ctx is attached to the job before the trigger runs
    const job = flow.start(entry, {});
    harness.set(job, h);
    return job;
  }

  async function runJob(flow, entry, h) {
    const job = startWith(flow, entry, h);
    await JobState.waitForCompletion(flow, job);
    if (job.status !== 'completed') throw new Error(`job ${job.status}: ${JSON.stringify(job.error)}`);
  }

  async function chain(p) {
    // One job runs every message through every stage (W5: 100,000 × 10 = 1,000,001
    // activations), past the default step limit of 1,000,000: a job this large says so.
    const steps = p.messages * (p.stages + 1) + 1;
    const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: p.concurrency, executionTimeout: Infinity, historyLimit: 1000, limits: { maxActivationsPerJob: Math.max(1_000_000, steps) } });
    flow.addRoutine(new Head(p.messages), 'head');
    let prev = 'head';
    for (let s = 0; s < p.stages; s++) {
      const id = `s${s}`;
      flow.addRoutine(new Stage(), id);
      flow.connect(prev, 'out', id, 'in');
      prev = id;
    }
    flow.addRoutine(new Sink(), 'sink');
    flow.connect(prev, 'out', 'sink', 'in');
    return (ctx) => runJob(flow, 'head', ctx);
  }

  class Worker extends RoutineBase {
    constructor(k) {
      super();
      this.defineEvent('out', ['id', 'value']);
      this.defineSlot('in', (m, c) => this.emit('out', H(c.jobState).work(k, m)));
    }
  }

  class Aggregator extends RoutineBase {
    constructor() {
      super();
      this.defineSlot('in', (m, c) => H(c.jobState).aggregate(m));
    }
  }

  async function fanout(p) {
    const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: p.concurrency, executionTimeout: Infinity });
    flow.addRoutine(new Head(p.messages), 'head');
    flow.addRoutine(new Aggregator(), 'agg');
    for (let k = 0; k < p.workers; k++) {
      const id = `w${k}`;
      flow.addRoutine(new Worker(k), id);
      flow.connect('head', 'out', id, 'in');
      flow.connect(id, 'out', 'agg', 'in');
    }
    return (ctx) => runJob(flow, 'head', ctx);
  }

  class IoSource extends RoutineBase {
    constructor(n) {
      super();
      this.defineEvent('out', ['i']);
      this.defineSlot('trigger', () => {
        for (let i = 0; i < n; i++) this.emit('out', { i });
      });
    }
  }

  class IoTask extends RoutineBase {
    constructor() {
      super();
      this.defineSlot('in', async (d, c) => {
        const h = H(c.jobState);
        h.done(await h.task(d.i));
      });
    }
  }

  async function io(p) {
    const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: p.concurrency, executionTimeout: Infinity });
    flow.addRoutine(new IoSource(p.tasks), 'src');
    flow.addRoutine(new IoTask(), 'task');
    flow.connect('src', 'out', 'task', 'in');
    return (ctx) => runJob(flow, 'src', ctx);
  }

  class Step extends RoutineBase {
    constructor(fn, last) {
      super();
      this.defineEvent('out', ['x']);
      this.defineSlot(last ? 'in' : fn === 'a' ? 'trigger' : 'in', (d, c) => {
        const h = H(c.jobState);
        const x = h[fn](d.x);
        if (last) c.jobState.updateSharedData('result', x);
        else this.emit('out', { x });
      });
    }
  }

  async function jobs(p) {
    const flow = new Flow({ executionStrategy: 'sequential', executionTimeout: Infinity });
    flow.addRoutine(new Step('a', false), 'a');
    flow.addRoutine(new Step('b', false), 'b');
    flow.addRoutine(new Step('c', true), 'c');
    flow.connect('a', 'out', 'b', 'in');
    flow.connect('b', 'out', 'c', 'in');
    return async (ctx) => {
      let next = 0;
      const worker = async () => {
        while (next < p.jobs) {
          const j = next++;
          const job = flow.start('a', { x: j });
          harness.set(job, ctx);
          await JobState.waitForCompletion(flow, job);
          ctx.done(j, job.getSharedData('result'));
        }
      };
      await Promise.all(Array.from({ length: p.concurrency }, worker));
    };
  }

  return { chain, fanout, io, jobs };
}
