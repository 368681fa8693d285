import type { JobChanges, StoredJson } from '../ports/job-store.js';
import type { JobData } from './job-data.js';
import { slotBufferToDocument } from './job-document.js';
import { breakpointView } from './breakpoint-types.js';

/** Top-level fields of the job document a change can replace, and how each is read from the data. */
const FIELDS = {
  status: (d: JobData) => d.status,
  updatedAt: (d: JobData) => new Date(d.updatedAtMs).toISOString(),
  currentRoutineId: (d: JobData) => d.currentRoutineId ?? null,
  error: (d: JobData) => (d.error === undefined ? null : { ...d.error }),
  cancelReason: (d: JobData) => d.cancelReason ?? null,
  nextTaskSeq: (d: JobData) => d.nextTaskSeq,
  elapsedMs: (d: JobData) => d.elapsedMs,
  activationCount: (d: JobData) => d.activations,
  timeoutMs: (d: JobData) => (d.timeoutMs !== undefined && Number.isFinite(d.timeoutMs) ? d.timeoutMs : null),
  historyDropped: (d: JobData) => d.history.dropped,
  tracker: (d: JobData) => d.tracker.toJSON(),
  deferredEvents: (d: JobData) => d.deferredEvents.map((e) => ({ ...e })),
  breakpoints: (d: JobData) => (d.breakpoints ?? []).map(breakpointView),
  breakpointPass: (d: JobData) => (d.breakpointPass === undefined ? null : { ...d.breakpointPass }),
  traceContext: (d: JobData) => (d.traceContext === undefined ? null : { ...d.traceContext }),
} satisfies Record<string, (d: JobData) => unknown>;

/** A top-level field of the job document that a change replaces whole. */
export type ChangedField = keyof typeof FIELDS;

/** Keyed maps of the job document that change entry by entry, and how one entry is read (`null`: deleted). */
const ENTRIES = {
  routineStates: (d: JobData, k: string) => (Object.prototype.hasOwnProperty.call(d.routineStates, k) ? { ...d.routineStates[k] } : null),
  sharedData: (d: JobData, k: string) => (Object.prototype.hasOwnProperty.call(d.sharedData, k) ? d.sharedData[k] : null),
  slotBuffers: (d: JobData, k: string) => {
    const data = d.slotBuffers?.get(k);
    return data === undefined ? null : slotBufferToDocument(k, data).data;
  },
  slotQueues: (d: JobData, k: string) => (d.slotQueues !== undefined && Object.prototype.hasOwnProperty.call(d.slotQueues, k) ? copyQueues(d.slotQueues[k]!) : null),
  lastActivationAt: (d: JobData, k: string) => (d.lastActivationAt !== undefined && Object.prototype.hasOwnProperty.call(d.lastActivationAt, k) ? d.lastActivationAt[k]! : null),
  activationPolicies: (d: JobData, k: string) => d.activationPolicies?.get(k)?.toJSON() ?? null,
  debugData: (d: JobData, k: string) => (d.debugData !== undefined && Object.prototype.hasOwnProperty.call(d.debugData, k) ? d.debugData[k]!.map(copyQueues) : null),
} satisfies Record<string, (d: JobData, key: string) => unknown>;

/** A keyed map of the job document that changes entry by entry. */
export type ChangedMap = keyof typeof ENTRIES;

/** A list of the job document that changes by appending. */
export type AppendedList = 'executionHistory' | 'sharedLog' | 'outputLog' | 'pausePoints' | 'deferredEvents';

function copyQueues(slots: Record<string, Record<string, unknown>[]>): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const [name, queue] of Object.entries(slots)) out[name] = [...queue];
  return out;
}

/**
 * @internal Collects the changes made to one job between two commits, as changes to its
 * serialized document (see `JobChanges` in ports/job-store.ts). Fields and entries are only
 * marked while the job runs; their values are read once, when the changes are taken, so a
 * routine record changed ten times in one activation is written once. Appended items are
 * kept as they were appended, already in their serialized form.
 */
export class ChangeRecorder {
  private readonly fields = new Set<ChangedField>();
  private readonly entries = new Map<ChangedMap, Set<string>>();
  private readonly appends = new Map<AppendedList, StoredJson[]>();

  /** A top-level field changed. */
  field(name: ChangedField): void {
    this.fields.add(name);
  }

  /** One entry of a keyed map changed (or was deleted). */
  entry(map: ChangedMap, key: string): void {
    let keys = this.entries.get(map);
    if (keys === undefined) {
      keys = new Set();
      this.entries.set(map, keys);
    }
    keys.add(key);
  }

  /** An item was appended to a list (in its serialized form). */
  append(list: AppendedList, item: unknown): void {
    if (list === 'deferredEvents' && this.fields.has('deferredEvents')) return; // replaced whole: read when taken
    let items = this.appends.get(list);
    if (items === undefined) {
      items = [];
      this.appends.set(list, items);
    }
    items.push(item as StoredJson);
  }

  /** A list was replaced whole (e.g. the deferred events taken by a resume): earlier appends are void. */
  replaced(list: 'deferredEvents'): void {
    if (list === 'deferredEvents') this.appends.delete('deferredEvents');
    this.fields.add(list);
  }

  /** True when nothing changed since the last `take`. */
  get isEmpty(): boolean {
    return this.fields.size === 0 && this.entries.size === 0 && this.appends.size === 0;
  }

  /** The changes so far, read from `data`; the recorder starts over. */
  take(data: JobData): JobChanges {
    const out: { set?: Record<string, StoredJson>; entries?: Record<string, Record<string, StoredJson | null>>; append?: Record<string, StoredJson[]> } = {};
    if (this.fields.size > 0) {
      const set: Record<string, StoredJson> = {};
      for (const f of this.fields) set[f] = FIELDS[f](data) as StoredJson;
      out.set = set;
    }
    if (this.entries.size > 0) {
      const entries: Record<string, Record<string, StoredJson | null>> = {};
      for (const [map, keys] of this.entries) {
        const changed: Record<string, StoredJson | null> = {};
        for (const k of keys) changed[k] = ENTRIES[map](data, k) as StoredJson | null;
        entries[map] = changed;
      }
      out.entries = entries;
    }
    if (this.appends.size > 0) out.append = Object.fromEntries(this.appends);
    this.fields.clear();
    this.entries.clear();
    this.appends.clear();
    return out;
  }
}
