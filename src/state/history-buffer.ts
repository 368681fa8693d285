import type { ExecutionRecord } from './job-types.js';

/**
 * @internal Bounded execution history: a ring of parallel arrays, so recording an entry
 * allocates nothing. The arrays grow by `push` until the cap, then the oldest slot is
 * overwritten (and counted as dropped); no division on the hot path.
 */
export class HistoryBuffer {
  private routineIds: string[] = [];
  private eventNames: string[] = [];
  private datas: unknown[] = [];
  private times: number[] = [];
  /** Next slot to overwrite once the ring is full (= the oldest entry). */
  private writeIndex = 0;
  /** Entries dropped because the cap was reached. */
  dropped = 0;

  constructor(readonly capacity: number) {}

  record(routineId: string, eventName: string, data: unknown, time: number): void {
    const n = this.routineIds.length;
    if (n < this.capacity) {
      this.routineIds.push(routineId);
      this.eventNames.push(eventName);
      this.datas.push(data);
      this.times.push(time);
      return;
    }
    if (this.capacity === 0) {
      this.dropped++;
      return;
    }
    const i = this.writeIndex;
    this.routineIds[i] = routineId;
    this.eventNames[i] = eventName;
    this.datas[i] = data;
    this.times[i] = time;
    this.writeIndex = i + 1 === n ? 0 : i + 1;
    this.dropped++;
  }

  toArray(): ExecutionRecord[] {
    const n = this.routineIds.length;
    const out: ExecutionRecord[] = new Array<ExecutionRecord>(n);
    for (let k = 0; k < n; k++) {
      let i = this.writeIndex + k;
      if (i >= n) i -= n;
      out[k] = { routineId: this.routineIds[i]!, eventName: this.eventNames[i]!, data: this.datas[i], timestamp: new Date(this.times[i]!) };
    }
    return out;
  }
}
