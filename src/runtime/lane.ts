import type { PlanSlot } from './flow-plan.js';
import { FanOutRest, Task, type TaskRun } from './task.js';

/**
 * @internal A job's FIFO of queued activations.
 *
 * Queued work is the bulk of a busy job's memory and, because breadth-first execution keeps
 * it alive across young-generation collections, the bulk of its garbage-collection cost. So
 * the queue holds no per-activation objects: each entry is four slots — target, data,
 * sequence number, flag bits — in fixed-size array chunks linked into a list, and the
 * activation's `Task` is created only when the entry is dispatched (and dies young). A
 * fan-out of one emit to several slots is one entry whose target is a `FanOutRest`; it
 * stays at the head until its last target is dispatched.
 *
 * Chunks start small (a job with a short queue keeps reusing its first chunk) and double up
 * to `MAX_CHUNK_ENTRIES`; the last element of a chunk links to the next one.
 */
export class Lane {
  private headChunk: unknown[] | null = null;
  /** Index of the head entry's first slot in `headChunk`. */
  private headIndex = 0;
  private tailChunk: unknown[] | null = null;
  /** Index of the next free slot in `tailChunk`. */
  private tailIndex = 0;
  /** Activations queued (a fan-out entry counts each target still to dispatch). */
  size = 0;
  /** Next lane in the scheduler's round-robin ring (null when last or not queued). */
  nextLane: Lane | null = null;
  inRing = false;
  /** This job's activations running now. */
  active = 0;

  constructor(
    readonly run: TaskRun,
    /** Most activations of this job at once (its `maxWorkers`; 1 when sequential). */
    readonly cap: number = Infinity,
  ) {}

  /** Appends one delivery of `data` to `slot`. */
  push(slot: PlanSlot, data: Record<string, unknown>, seq: number, bits: number): void {
    this.append(slot, data, seq, bits);
    this.size++;
  }

  /** Appends a fan-out: one entry for all of its targets. */
  pushFan(fan: FanOutRest): void {
    this.append(fan, undefined, fan.firstSeq, FAN_ENTRY);
    this.size += fan.targets.length - fan.index;
  }

  private append(target: PlanSlot | FanOutRest, data: unknown, seq: number, bits: number): void {
    let chunk = this.tailChunk;
    let i = this.tailIndex;
    if (chunk === null) {
      chunk = this.headChunk = this.tailChunk = newChunk(FIRST_CHUNK_ENTRIES);
      i = this.headIndex = 0;
    } else if (i === chunk.length - 1) {
      const next = newChunk(Math.min(((chunk.length - 1) / ENTRY) * 2, MAX_CHUNK_ENTRIES));
      chunk[i] = next;
      chunk = this.tailChunk = next;
      i = 0;
    }
    chunk[i] = target;
    chunk[i + 1] = data;
    chunk[i + 2] = seq;
    chunk[i + 3] = bits;
    this.tailIndex = i + ENTRY;
  }

  /** Removes the head activation and returns its task (call only when `size > 0`). */
  shift(): Task {
    const chunk = this.headChunk!;
    const i = this.headIndex;
    const bits = chunk[i + 3] as number;
    this.size--;
    if (bits === FAN_ENTRY) {
      const fan = chunk[i] as FanOutRest;
      const k = fan.index++;
      if (fan.index < fan.targets.length) {
        // the fan-out stays at the head; this target copies the shared payload when it runs
        return new Task(this.run, fan.targets[k]!.slot, fan.payload, fan.firstSeq + k, SHARED_FIRST_ATTEMPT);
      }
      // the last target: every other target has taken its copy, so this one owns the payload
      chunk[i] = null;
      this.advance(chunk, i);
      return new Task(this.run, fan.targets[k]!.slot, fan.payload, fan.firstSeq + k, FIRST_ATTEMPT);
    }
    const task = new Task(this.run, chunk[i] as PlanSlot, chunk[i + 1] as Record<string, unknown>, chunk[i + 2] as number, bits);
    chunk[i] = null;
    chunk[i + 1] = null;
    this.advance(chunk, i);
    return task;
  }

  private advance(chunk: unknown[], i: number): void {
    if (this.size === 0) {
      // empty: head and tail are in this chunk; start it over
      this.headIndex = this.tailIndex = 0;
      return;
    }
    const next = i + ENTRY;
    if (next === chunk.length - 1) {
      this.headChunk = chunk[next] as unknown[];
      chunk[next] = null;
      this.headIndex = 0;
    } else {
      this.headIndex = next;
    }
  }

  /** The queued activations as tasks, in order, without removing them. */
  toTasks(): Task[] {
    const out: Task[] = [];
    let chunk = this.headChunk;
    let i = this.headIndex;
    while (chunk !== null && !(chunk === this.tailChunk && i === this.tailIndex)) {
      if (i === chunk.length - 1) {
        chunk = chunk[i] as unknown[] | null;
        i = 0;
        continue;
      }
      const bits = chunk[i + 3] as number;
      if (bits === FAN_ENTRY) {
        const fan = chunk[i] as FanOutRest;
        for (let k = fan.index; k < fan.targets.length; k++) out.push(new Task(this.run, fan.targets[k]!.slot, fan.payload, fan.firstSeq + k, SHARED_FIRST_ATTEMPT));
      } else {
        out.push(new Task(this.run, chunk[i] as PlanSlot, chunk[i + 1] as Record<string, unknown>, chunk[i + 2] as number, bits));
      }
      i += ENTRY;
    }
    return out;
  }

  /** Removes and returns every queued activation, in order. */
  takeAll(): Task[] {
    const out = this.toTasks();
    this.headChunk = this.tailChunk = null;
    this.headIndex = this.tailIndex = 0;
    this.size = 0;
    return out;
  }
}

/** Slots per entry: target, data, seq, bits. */
const ENTRY = 4;
/** `bits` of a fan-out entry (task bits are never negative). */
const FAN_ENTRY = -1;
/** Task bits of a fan-out target: first attempt, shared payload, not merged. */
const SHARED_FIRST_ATTEMPT = Task.bitsOf(1, false, true);
/** Task bits of a first attempt with a payload of its own. */
const FIRST_ATTEMPT = Task.bitsOf(1, false, false);
const FIRST_CHUNK_ENTRIES = 2;
const MAX_CHUNK_ENTRIES = 1024;

function newChunk(entries: number): unknown[] {
  // one extra element links to the next chunk
  return new Array<unknown>(entries * ENTRY + 1).fill(null);
}
