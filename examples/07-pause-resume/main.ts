// Pause a running job, save it to disk, and resume it on a flow rebuilt from its
// serialized form — what you would do to move a job to another process or host.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Flow, JobState, Routine, RoutineBase, type ExecutionContext } from 'routilux';

@Routine({ name: 'example.Numbers' })
class Numbers extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('number', ['n']);
    this.defineSlot('trigger', (data: { count: number }) => {
      for (let n = 1; n <= data.count; n++) this.emit('number', { n });
    });
  }
}

@Routine({ name: 'example.SlowSquare' })
class SlowSquare extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('square', ['n', 'square']);
    this.defineSlot('in', async (data: { n: number }, ctx: ExecutionContext) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (data.n === 5) void ctx.flow.pause(ctx.jobState, 'maintenance window', { lastSeen: data.n });
      this.emit('square', { n: data.n, square: data.n * data.n });
    });
  }
}

@Routine({ name: 'example.Total' })
class Total extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('in', (data: { square: number }, ctx: ExecutionContext) => {
      ctx.jobState.updateSharedData('total', (ctx.jobState.getSharedData<number>('total') ?? 0) + data.square);
    });
  }
}

function buildFlow(): Flow {
  const flow = new Flow({ flowId: 'squares', executionStrategy: 'concurrent', maxWorkers: 2 });
  flow.addRoutine(Numbers, 'numbers');
  flow.addRoutine(SlowSquare, 'square');
  flow.addRoutine(Total, 'total');
  flow.connect('numbers', 'number', 'square', 'in');
  flow.connect('square', 'square', 'total', 'in');
  return flow;
}

const flow = buildFlow();
const job = await flow.execute('numbers', { count: 20 });
console.log(`status after pause: ${job.status}; ${job.pendingTasks.length} pending tasks; total so far ${String(job.getSharedData('total'))}`);

const dir = mkdtempSync(join(tmpdir(), 'routilux-example-'));
const flowDoc = JSON.stringify(flow.serialize());
await job.save(join(dir, 'job.json'));
console.log(`saved flow (${flowDoc.length} bytes) and job to ${dir}`);

// …elsewhere: rebuild the flow from its document and continue the job.
const restoredFlow = Flow.deserialize(JSON.parse(flowDoc));
const restoredJob = await JobState.load(join(dir, 'job.json'));
const done = await restoredFlow.resume(restoredJob);
const expected = Array.from({ length: 20 }, (_, i) => (i + 1) ** 2).reduce((a, b) => a + b, 0);
console.log(`status after resume: ${done.status}; total ${String(done.getSharedData('total'))} (expected ${expected}); pause points: ${done.pausePoints.length}`);
if (done.status !== 'completed' || done.getSharedData('total') !== expected) process.exit(1);
