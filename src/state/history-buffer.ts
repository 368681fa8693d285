import type { ExecutionRecord } from './job-types.js';

/**
 * @internal Bounded execution history: a ring of parallel arrays, so recording an
 * entry allocates nothing. When full, the oldest entry is dropped and counted.
 */
export class HistoryBuffer {
  private routineIds: string[] = [];
  private eventNames: string[] = [];
  private datas: unknown[] = [];
  private times: number[] = [];
  private head = 0;
  private count = 0;
  /** Entries dropped because the cap was reached. */
  dropped = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.count;
  }

  record(routineId: string, eventName: string, data: unknown, time: number): void {
    const cap = this.capacity;
    if (cap === 0) {
      this.dropped++;
      return;
    }
    let i: number;
    if (this.count < cap) {
      i = (this.head + this.count) % cap;
      this.count++;
    } else {
      i = this.head;
      this.head = (this.head + 1) % cap;
      this.dropped++;
    }
    this.routineIds[i] = routineId;
    this.eventNames[i] = eventName;
    this.datas[i] = data;
    this.times[i] = time;
  }

  toArray(): ExecutionRecord[] {
    const out: ExecutionRecord[] = new Array<ExecutionRecord>(this.count);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % this.capacity;
      out[k] = { routineId: this.routineIds[i]!, eventName: this.eventNames[i]!, data: this.datas[i], timestamp: new Date(this.times[i]!) };
    }
    return out;
  }

  clear(): void {
    this.routineIds = [];
    this.eventNames = [];
    this.datas = [];
    this.times = [];
    this.head = 0;
    this.count = 0;
  }
}
