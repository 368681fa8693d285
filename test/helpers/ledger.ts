import type { ExecutionContext } from '../../src/index.js';

/** One ledger line, appended by a test routine when a handler starts and when it ends. */
export interface LedgerEntry {
  readonly jobId: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly msgId: string;
  readonly phase: 'start' | 'end';
  /** Which stage (routine) handled the message; '' when a flow has one stage. */
  readonly stage: string;
}

/** What the checker found, in Jepsen's vocabulary, keyed `jobId/msgId` (and stage when staged). */
export interface LedgerReport {
  /** Expected messages that were never handled to the end. */
  readonly lost: string[];
  /** Messages handled to the end more than once (at one stage). */
  readonly duplicated: string[];
  /** Messages handled that nobody expected. */
  readonly unexpected: string[];
  /** Messages handled to the end only by an attempt > 1 (a retry recovered them). */
  readonly recovered: string[];
  /** Handlers that started and never ended (in flight, or abandoned). */
  readonly unfinished: string[];
  /** Messages whose stage history differs from the expected order (`key: got a,b`). */
  readonly outOfOrder: string[];
  /** Total 'end' entries. */
  readonly handled: number;
}

/** Expected messages: per job id, the message ids it must handle. */
export type Expectation = ReadonlyMap<string, readonly string[]> | Readonly<Record<string, readonly string[]>>;

/**
 * The ledger oracle (reliability plan §0): routines append a start and an end line per
 * handled message; `check()` compares what happened with what was expected.
 */
export class Ledger {
  readonly entries: LedgerEntry[] = [];

  /** Appends one line. */
  append(entry: Omit<LedgerEntry, 'stage'> & { stage?: string }): void {
    this.entries.push({ ...entry, stage: entry.stage ?? '' });
  }

  /** Appends a line taking jobId/taskId/attempt from an activation's context. */
  mark(ctx: Pick<ExecutionContext, 'jobState' | 'taskId' | 'attempt'>, msgId: string | number, phase: 'start' | 'end', stage = ''): void {
    this.append({ jobId: ctx.jobState.jobId, taskId: ctx.taskId, attempt: ctx.attempt, msgId: String(msgId), phase, stage });
  }

  /**
   * Wraps a handler body: appends 'start', runs `body`, appends 'end' when it finished
   * without throwing (an activation that throws is not "handled").
   */
  async record<T>(ctx: Pick<ExecutionContext, 'jobState' | 'taskId' | 'attempt'>, msgId: string | number, body: () => T | Promise<T>, stage = ''): Promise<T> {
    this.mark(ctx, msgId, 'start', stage);
    const out = await body();
    this.mark(ctx, msgId, 'end', stage);
    return out;
  }

  /** Entries of one job. */
  forJob(jobId: string): LedgerEntry[] {
    return this.entries.filter((e) => e.jobId === jobId);
  }

  /**
   * Checks the ledger against `expected` (per job, the message ids it must handle at
   * every stage in `stages`; pass no stages for a single-stage ledger). Stage histories
   * are compared per job and message in 'end' order.
   */
  check(expected: Expectation, stages: readonly string[] = ['']): LedgerReport {
    const exp = expected instanceof Map ? expected : new Map(Object.entries(expected));
    const expectedKeys = new Set<string>();
    for (const [jobId, ids] of exp) for (const id of ids) for (const st of stages) expectedKeys.add(key(jobId, id, st));

    const ends = new Map<string, LedgerEntry[]>();
    const open = new Map<string, number>();
    const history = new Map<string, string[]>();
    for (const e of this.entries) {
      const k = key(e.jobId, e.msgId, e.stage);
      const run = `${k}#${e.taskId}#${e.attempt}`;
      if (e.phase === 'start') {
        open.set(run, (open.get(run) ?? 0) + 1);
        continue;
      }
      open.set(run, (open.get(run) ?? 0) - 1);
      const list = ends.get(k) ?? [];
      list.push(e);
      ends.set(k, list);
      const hk = `${e.jobId}/${e.msgId}`;
      const h = history.get(hk) ?? [];
      h.push(e.stage);
      history.set(hk, h);
    }

    const lost: string[] = [];
    const duplicated: string[] = [];
    const unexpected: string[] = [];
    const recovered: string[] = [];
    const outOfOrder: string[] = [];
    for (const k of expectedKeys) if (!ends.has(k)) lost.push(k);
    let handled = 0;
    for (const [k, list] of ends) {
      handled += list.length;
      if (!expectedKeys.has(k)) unexpected.push(k);
      if (list.length > 1) duplicated.push(k);
      if (list.every((e) => e.attempt > 1)) recovered.push(k);
    }
    const unfinished = [...open].filter(([, n]) => n > 0).map(([run]) => run);
    if (stages.length > 1) {
      for (const [hk, h] of history) {
        const want = stages.filter((s) => h.includes(s));
        if (h.join(',') !== want.join(',')) outOfOrder.push(`${hk}: got ${h.join(',')}`);
      }
    }
    return { lost, duplicated, unexpected, recovered, unfinished, outOfOrder, handled };
  }
}

function key(jobId: string, msgId: string, stage: string): string {
  return stage === '' ? `${jobId}/${msgId}` : `${jobId}/${msgId}@${stage}`;
}

/** `['0', '1', …, String(n - 1)]` — the message ids of a source that emits n numbered messages. */
export function ids(n: number, prefix = ''): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}
