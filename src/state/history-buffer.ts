import type { ExecutionRecord } from './job-types.js';

/**
 * @internal Bounded execution history: a ring in two growable arrays, so recording an entry
 * allocates nothing once the arrays have grown. `refs` holds three slots per entry (routine
 * id, event name, data) and `times` the entry's time; two arrays instead of one per field
 * keep an idle job's history small. The arrays grow by `push` until the cap, then the oldest
 * entry is overwritten (and counted as dropped); no division on the hot path.
 */
export class HistoryBuffer {
  private refs: unknown[] = [];
  private times: number[] = [];
  /** Next entry to overwrite once the ring is full (= the oldest entry). */
  private writeIndex = 0;
  /** Entries dropped because the cap was reached. */
  dropped = 0;

  constructor(readonly capacity: number) {}

  record(routineId: string, eventName: string, data: unknown, time: number): void {
    const n = this.times.length;
    if (n < this.capacity) {
      this.refs.push(routineId, eventName, data);
      this.times.push(time);
      return;
    }
    if (this.capacity === 0) {
      this.dropped++;
      return;
    }
    const i = this.writeIndex;
    const r = i * 3;
    this.refs[r] = routineId;
    this.refs[r + 1] = eventName;
    this.refs[r + 2] = data;
    this.times[i] = time;
    this.writeIndex = i + 1 === n ? 0 : i + 1;
    this.dropped++;
  }

  toArray(): ExecutionRecord[] {
    const n = this.times.length;
    const out: ExecutionRecord[] = new Array<ExecutionRecord>(n);
    for (let k = 0; k < n; k++) {
      let i = this.writeIndex + k;
      if (i >= n) i -= n;
      const r = i * 3;
      out[k] = { routineId: this.refs[r] as string, eventName: this.refs[r + 1] as string, data: this.refs[r + 2], timestamp: new Date(this.times[i]!) };
    }
    return out;
  }
}
