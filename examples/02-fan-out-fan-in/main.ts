/**
 * 02 — fan-out and fan-in, and the three merge strategies.
 *
 *   sensors ──reading──▶ celsius ──converted──▶ latest.input     merge: 'override' (default)
 *           └─reading──▶ kelvin  ──converted──▶ collected.input  merge: 'append'
 *                                           └─▶ stats.input      merge: custom function
 *
 * Every connected slot gets its own shallow copy of each payload. Merge buffers live in the
 * job, so two jobs of the same flow never see each other's data.
 */
import { Flow, RoutineBase, type ExecutionContext, type MergeFunction } from 'routilux';

class Sensors extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('reading', ['sensor', 'fahrenheit']);
    this.defineSlot<{ readings: Record<string, number> }>('trigger', (data) => {
      for (const [sensor, fahrenheit] of Object.entries(data.readings)) this.emit('reading', { sensor, fahrenheit });
    });
  }
}

class Converter extends RoutineBase {
  constructor(unit: 'C' | 'K', convert: (f: number) => number) {
    super();
    this.defineEvent('converted', ['sensor', 'unit', 'value']);
    this.defineSlot<{ sensor: string; fahrenheit: number }>('input', (data) => {
      this.emit('converted', { sensor: data.sensor, unit: unit, value: Math.round(convert(data.fahrenheit) * 10) / 10 });
    });
  }
}

/** Records what each activation of its slot received, in the job's shared data (routines keep no run-time state). */
class Recorder extends RoutineBase {
  constructor(merge?: MergeFunction | 'append') {
    super();
    this.defineSlot<Record<string, unknown>>(
      'input',
      (data, ctx: ExecutionContext) => {
        const seen = ctx.jobState.getSharedData<unknown[]>(ctx.routineId, [])!;
        ctx.jobState.updateSharedData(ctx.routineId, [...seen, data]);
      },
      merge === undefined ? {} : { merge },
    );
  }
}

/** Custom merge: keeps running statistics instead of the payloads. Returns a new object; the result becomes the buffer. */
const runningStats: MergeFunction = (buffer, incoming) => {
  const value = Number(incoming['value']);
  const count = Number(buffer['count'] ?? 0) + 1;
  return {
    count,
    min: Math.min(Number(buffer['min'] ?? Infinity), value),
    max: Math.max(Number(buffer['max'] ?? -Infinity), value),
    mean: Math.round(((Number(buffer['mean'] ?? 0) * (count - 1) + value) / count) * 100) / 100,
  };
};

const flow = new Flow({ flowId: 'fan-out-fan-in' });
flow.addRoutine(new Sensors(), 'sensors');
flow.addRoutine(new Converter('C', (f) => ((f - 32) * 5) / 9), 'celsius');
flow.addRoutine(new Converter('K', (f) => ((f - 32) * 5) / 9 + 273.15), 'kelvin');
flow.addRoutine(new Recorder(), 'latest');
flow.addRoutine(new Recorder('append'), 'collected');
flow.addRoutine(new Recorder(runningStats), 'stats');

flow.connect('sensors', 'reading', 'celsius', 'input'); // fan-out: one event …
flow.connect('sensors', 'reading', 'kelvin', 'input'); //  … two routines
for (const converter of ['celsius', 'kelvin']) {
  for (const sink of ['latest', 'collected', 'stats']) flow.connect(converter, 'converted', sink, 'input'); // fan-in
}

const job = await flow.execute('sensors', { readings: { roof: 50, cellar: 59 } });
console.log(`job status: ${job.status}`);

const show = (id: string): void => {
  const calls = job.getSharedData<Record<string, unknown>[]>(id, [])!;
  console.log(`\n${id}: ${calls.length} activations; what each handler call received:`);
  calls.forEach((c, i) => console.log(`  #${i + 1} ${JSON.stringify(c)}`));
};
show('latest'); // override: each payload on its own
show('collected'); // append: every key seen so far, each an array (a snapshot: later calls never change it)
show('stats'); // custom: whatever the merge function returns

// A second job starts with empty buffers.
const second = await flow.execute('sensors', { readings: { attic: 68 } });
console.log(`\nsecond job: collected saw ${JSON.stringify(second.getSharedData<unknown[]>('collected')!.at(-1))}`);

process.exitCode = job.status === 'completed' && second.status === 'completed' ? 0 : 1;
