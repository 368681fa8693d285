/**
 * 04 — concurrency: sequential vs concurrent, maxWorkers, async handlers.
 *
 * Part 1: the order of a sequential job is breadth-first, and code after `emit()` runs
 *         before the downstream handler starts.
 * Part 2: eight handlers that each await 20 ms of "I/O", run with different worker counts.
 *         An async handler holds a worker until its promise settles; synchronous handlers
 *         run inline, one after another, so extra workers only help with async work.
 */
import { Flow, RoutineBase, type ExecutionContext, type ExecutionStrategy } from 'routilux';

// ------------------------------------------------------------------ part 1: ordering

/** Logs its activations to the job's shared log, and emits `out` once per activation. */
class Step extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out');
    const handler = (_: unknown, ctx: ExecutionContext): void => {
      ctx.jobState.appendToSharedLog({ step: ctx.routineId });
      this.emit('out');
      ctx.jobState.appendToSharedLog({ step: `${ctx.routineId} (after emit)` });
    };
    this.defineSlot('trigger', handler);
    this.defineSlot('input', handler);
  }
}

const order = new Flow({ flowId: 'order' });
for (const id of ['src', 'a', 'b', 'a1', 'b1']) order.addRoutine(new Step(), id);
order.connect('src', 'out', 'a', 'input');
order.connect('src', 'out', 'b', 'input');
order.connect('a', 'out', 'a1', 'input');
order.connect('b', 'out', 'b1', 'input');
const ordered = await order.execute('src');
console.log(`sequential order: ${ordered.sharedLog.map((e) => String(e['step'])).join(' → ')}`);

// ------------------------------------------------------------------ part 2: async work and workers

const TASKS = 8;
const IO_MS = 20;

class Fan extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('job', ['i']);
    this.defineSlot('trigger', () => {
      for (let i = 0; i < TASKS; i++) this.emit('job', { i });
    });
  }
}

/** An async handler: counts how many of its activations overlap (per job, in shared data). */
class Io extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('input', async (_: unknown, ctx: ExecutionContext) => {
      const js = ctx.jobState;
      const running = js.getSharedData<number>('running', 0)! + 1;
      js.updateSharedData('running', running);
      js.updateSharedData('peak', Math.max(running, js.getSharedData<number>('peak', 0)!));
      await new Promise((resolve) => setTimeout(resolve, IO_MS));
      js.updateSharedData('running', js.getSharedData<number>('running', 0)! - 1);
    });
  }
}

const io = new Flow({ flowId: 'io', executionStrategy: 'concurrent', maxWorkers: 4 });
io.addRoutine(new Fan(), 'fan');
io.addRoutine(new Io(), 'io');
io.connect('fan', 'job', 'io', 'input');

async function measure(label: string, flow: Flow, strategy?: ExecutionStrategy): Promise<number> {
  const t = performance.now();
  const job = await flow.execute('fan', {}, strategy === undefined ? {} : { executionStrategy: strategy });
  const ms = performance.now() - t;
  console.log(`${label.padEnd(44)} peak concurrency ${job.getSharedData('peak')}, ~${Math.round(ms)} ms (ideal ${Math.ceil(TASKS / job.getSharedData<number>('peak')!) * IO_MS} ms), ${job.status}`);
  return job.status === 'completed' ? job.getSharedData<number>('peak', 0)! : -1;
}

console.log(`\n${TASKS} async tasks of ${IO_MS} ms each:`);
const peaks = [await measure('sequential (per-run override)', io, 'sequential'), await measure(`concurrent, maxWorkers ${io.maxWorkers}`, io)];
io.setExecutionStrategy('concurrent', 8);
peaks.push(await measure(`concurrent, maxWorkers ${io.maxWorkers}`, io));

// The peaks are exact (the worker bound); the times are indicative only.
process.exitCode = ordered.status === 'completed' && peaks.join() === '1,4,8' ? 0 : 1;
