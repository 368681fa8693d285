import { Flow, RoutineBase, type Clock, type FlowOptions, type JobState } from '../../src/index.js';

/**
 * Entry routine: its trigger emits every element of `payloads` on `out`, in order (or of
 * what `make` returns: data that is not JSON data, such as a cycle, cannot be entry params).
 */
export class Source extends RoutineBase {
  constructor(make?: () => object[]) {
    super();
    this.defineEvent('out');
    this.defineSlot('trigger', (data: { payloads?: object[] }) => {
      for (const p of make?.() ?? data.payloads ?? []) this.emit('out', p);
    });
  }
}

/** Records everything it receives in the job's output log, one output type per slot. */
export class Sink extends RoutineBase {
  constructor(slots: readonly string[]) {
    super();
    for (const slot of slots) this.defineSlot(slot, (data: Record<string, unknown>) => this.sendOutput(slot, data));
  }
}

/** Output-log payloads of `type` (a sink slot name), in arrival order. */
export function received(job: JobState, type: string): Record<string, unknown>[] {
  return job.outputLog.filter((o) => o.outputType === type).map((o) => o.data as Record<string, unknown>);
}

/** source.out → routine.slot; routine.<event> → sink.<event> for each event. */
export function pipe(routine: RoutineBase, events: readonly string[], options: FlowOptions & { slot?: string } = {}, make?: () => object[]): Flow {
  const { slot = 'input', ...flowOptions } = options;
  const flow = new Flow(flowOptions);
  flow.addRoutine(new Source(make), 'source');
  flow.addRoutine(routine, 'subject');
  flow.addRoutine(new Sink(events), 'sink');
  flow.connect('source', 'out', 'subject', slot);
  for (const e of events) flow.connect('subject', e, 'sink', e);
  return flow;
}

/** Runs `payloads` through `routine` and returns the finished job. */
export async function run(routine: RoutineBase, payloads: object[] | (() => object[]), events: readonly string[], options: FlowOptions & { slot?: string } = {}): Promise<JobState> {
  if (typeof payloads === 'function') return pipe(routine, events, options, payloads).execute('source', {});
  const flow = pipe(routine, events, options);
  return flow.execute('source', { payloads });
}

/** A manual clock: time moves only through advance(); tests wait for timers with whenTimers(). */
export class ManualClock implements Clock {
  private time = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private waiters: { count: number; resolve: () => void }[] = [];

  now(): number {
    return this.time;
  }
  monotonic(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + ms, fn });
    this.notify();
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }
  /** Resolves once at least `count` timers are pending. */
  whenTimers(count = 1): Promise<void> {
    if (this.timers.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= target && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = target;
  }
  private notify(): void {
    const still: typeof this.waiters = [];
    for (const w of this.waiters) (this.timers.size >= w.count ? w.resolve() : still.push(w));
    this.waiters = still;
  }
}
