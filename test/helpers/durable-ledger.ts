import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { Ledger, type LedgerEntry, type LedgerReport, type Expectation } from './ledger.js';

/**
 * The ledger of crash tests: an append-only file, one JSON line per entry, each line
 * written and fsynced before `append` returns, so what a killed process recorded is on
 * disk. A process killed mid-write can leave a torn last line; `readDurableLedger` counts
 * it and drops it (the handler it described did not get past that point either).
 */
export class DurableLedger {
  readonly path: string;
  #fd: number | undefined;

  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, 'a');
  }

  /** Appends one entry and fsyncs the file. */
  append(entry: Omit<LedgerEntry, 'stage'> & { stage?: string }): void {
    if (this.#fd === undefined) throw new Error(`ledger ${this.path} is closed`);
    writeSync(this.#fd, `${JSON.stringify({ ...entry, stage: entry.stage ?? '' })}\n`);
    fsyncSync(this.#fd);
  }

  /** Closes the file (idempotent). */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** What a durable ledger file holds: its entries as a checkable Ledger, and how many torn lines were dropped. */
export interface DurableLedgerContents {
  readonly ledger: Ledger;
  readonly torn: number;
}

/** Reads a ledger file written by one or more {@link DurableLedger}s (across restarts). */
export function readDurableLedger(path: string): DurableLedgerContents {
  const ledger = new Ledger();
  if (!existsSync(path)) return { ledger, torn: 0 };
  let torn = 0;
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line === '') return;
    try {
      const e = JSON.parse(line) as LedgerEntry;
      if (typeof e.jobId !== 'string' || typeof e.taskId !== 'string' || typeof e.msgId !== 'string' || (e.phase !== 'start' && e.phase !== 'end')) throw new Error('not an entry');
      ledger.append(e);
    } catch {
      // only the last line may be torn (a kill mid-write); a bad line anywhere else is a broken ledger
      if (i !== lines.length - 1 && !(i === lines.length - 2 && lines[lines.length - 1] === '')) throw new Error(`ledger ${path}: line ${i + 1} is not an entry: ${line.slice(0, 80)}`);
      torn++;
    }
  });
  return { ledger, torn };
}

/** The report of a crashed-and-recovered run. */
export interface CrashReport extends LedgerReport {
  /**
   * Duplicates the crash guarantee does not allow: a message handled to the end more than
   * once where the re-runs are not the same task with a higher attempt (>= 2).
   */
  readonly badDuplicates: string[];
}

/**
 * Checks a ledger after crashes (reliability plan F6): lost, duplicated, unexpected and
 * recovered as in {@link Ledger.check}, plus every duplicate explained as an in-flight
 * activation re-run with the same `taskId` and attempt >= 2. With `sameAttempt` (a store
 * whose commits are pipelined, 'batch'), a re-run may also keep the attempt: an activation
 * that ran on the work of a commit the crash lost runs again as the same task, same attempt.
 */
export function checkCrashLedger(ledger: Ledger, expected: Expectation, stages: readonly string[] = [''], sameAttempt = false): CrashReport {
  const report = ledger.check(expected, stages);
  const ends = new Map<string, LedgerEntry[]>();
  for (const e of ledger.entries) {
    if (e.phase !== 'end') continue;
    const k = e.stage === '' ? `${e.jobId}/${e.msgId}` : `${e.jobId}/${e.msgId}@${e.stage}`;
    ends.set(k, [...(ends.get(k) ?? []), e]);
  }
  const badDuplicates = report.duplicated.filter((k) => {
    const list = ends.get(k) ?? [];
    const sameTask = list.every((e) => e.taskId === list[0]!.taskId);
    const attempts = list.map((e) => e.attempt);
    const rerunsLater = attempts.slice(1).every((a, i) => (sameAttempt ? a >= attempts[i]! : a >= 2 && a > attempts[i]!));
    return !(sameTask && rerunsLater);
  });
  return { ...report, badDuplicates };
}
