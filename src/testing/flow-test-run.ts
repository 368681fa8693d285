import { ErrorCode, ExecutionError, type ExecutionRecord, type Flow, type JobError, type JobState, type JobStatus, type OutputRecord } from '../index.js';

/** One event a routine emitted during a test run. */
export interface CapturedEmit {
  readonly routineId: string;
  readonly event: string;
  readonly data: Record<string, unknown>;
  readonly timestamp: Date;
}

/** One failed activation during a test run (retried ones included, one entry per attempt). */
export interface CapturedFailure {
  readonly routineId: string;
  readonly slot: string;
  readonly code: string;
  readonly message: string;
  readonly attempt: number;
}

/** History names the engine writes itself (not emits). */
export const ENGINE_RECORDS: ReadonlySet<string> = new Set(['start', 'post', 'error']);

/** @internal refuses flows whose routines declare an event the history cannot tell from an engine record. */
export function assertCapturable(flow: Flow): void {
  for (const [id, routine] of flow.routines) {
    for (const name of routine.events.keys()) {
      if (ENGINE_RECORDS.has(name)) {
        throw new ExecutionError(ErrorCode.INVALID_STATE, `Routine "${id}" declares an event named "${name}", which the execution history also uses for its own records; a test harness cannot tell them apart. Rename the event.`, {
          details: { routineId: id, event: name },
        });
      }
    }
  }
}

/**
 * What one job did, read from its {@link JobState}: emits, failures, outputs, history.
 * Everything comes from the job's execution history, so a flow with a small
 * `historyLimit` that dropped records makes `emits`/`failures` throw instead of lying.
 */
export class FlowTestRun {
  constructor(
    /** The job. */
    readonly job: JobState,
  ) {}

  /** The job's status when the run settled (`completed`, `failed`, `cancelled` or `paused`). */
  get status(): JobStatus {
    return this.job.status;
  }

  /** Why the job failed, if it did. */
  get error(): JobError | undefined {
    return this.job.error;
  }

  /** The complete execution history. */
  get history(): ExecutionRecord[] {
    return this.job.executionHistory;
  }

  /** Every emit, in order. */
  get emits(): CapturedEmit[] {
    return this.records()
      .filter((r) => !ENGINE_RECORDS.has(r.eventName))
      .map((r) => ({ routineId: r.routineId, event: r.eventName, data: r.data as Record<string, unknown>, timestamp: r.timestamp }));
  }

  /** Payloads `routineId` emitted (on `event`, or on any event), in order. */
  emitsOf(routineId: string, event?: string): Record<string, unknown>[] {
    return this.emits.filter((e) => e.routineId === routineId && (event === undefined || e.event === event)).map((e) => e.data);
  }

  /** Every failed activation, in order. */
  get failures(): CapturedFailure[] {
    return this.records()
      .filter((r) => r.eventName === 'error')
      .map((r) => {
        const d = r.data as { slot: string; error: string; code: string; attempt: number };
        return { routineId: r.routineId, slot: d.slot, code: d.code, message: d.error, attempt: d.attempt };
      });
  }

  /** Everything routines sent with `sendOutput`. */
  get outputs(): readonly OutputRecord[] {
    return this.job.outputLog;
  }

  /** Data of the outputs of `routineId` (all routines when omitted), optionally of one `outputType`. */
  outputsOf(routineId?: string, outputType?: string): unknown[] {
    return this.job.outputLog.filter((o) => (routineId === undefined || o.routineId === routineId) && (outputType === undefined || o.outputType === outputType)).map((o) => o.data);
  }

  private records(): ExecutionRecord[] {
    if (this.job.historyDropped > 0) {
      throw new ExecutionError(ErrorCode.INVALID_STATE, `Job ${this.job.jobId} dropped ${this.job.historyDropped} history records (historyLimit ${this.job.historyLimit}); raise the flow's historyLimit so the test sees every emit.`, {
        details: { dropped: this.job.historyDropped },
      });
    }
    return this.job.executionHistory;
  }
}
