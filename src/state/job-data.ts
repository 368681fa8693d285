import type { ResolvedLimits } from '../flow/limits.js';
import type { ActivationPolicy } from '../policies/activation-policy.js';
import type { BreakpointEntry, BreakpointPass } from './breakpoint-types.js';
import type { ExecutionTracker } from './execution-tracker.js';
import type { HistoryBuffer } from './history-buffer.js';
import type { DeferredEvent, JobError, JobStatus, OutputRecord, PausePoint, PendingTask, RoutineStateRecord, SharedLogEntry } from './job-types.js';

/** Per-job slot queues of logic routines: routineId → slot → payloads waiting, oldest first. */
export type SlotQueueData = Record<string, Record<string, Record<string, unknown>[]>>;

/** Payloads captured by breakpointPolicy: routineId → one slot → payloads record per capture. */
export type DebugData = Record<string, Record<string, Record<string, unknown>[]>[]>;

/**
 * @internal Everything a JobState holds, as one plain record. Only `state/` sees it: the
 * JobState keeps it in a private field, and the document conversion (`job-document.ts`)
 * and the change recorder (`job-changes.ts`) read it. Maps most jobs never use stay
 * undefined until first use: a busy Runtime holds thousands of jobs at once.
 */
export interface JobData {
  readonly jobId: string;
  readonly flowId: string;
  status: JobStatus;
  /** Wall-clock ms of creation and of the last change (Date objects are made when read). */
  createdAtMs: number;
  updatedAtMs: number;
  /** The routine whose activation started last. */
  currentRoutineId: string | undefined;
  routineStates: Record<string, RoutineStateRecord>;
  history: HistoryBuffer;
  sharedData: Record<string, unknown>;
  sharedLog: SharedLogEntry[];
  outputLog: OutputRecord[];
  pendingTasks: PendingTask[];
  pausePoints: PausePoint[];
  deferredEvents: DeferredEvent[];
  error: JobError | undefined;
  cancelReason: string | undefined;
  /** Next task sequence number. */
  nextTaskSeq: number;
  /** Milliseconds of running time used against the timeout. */
  elapsedMs: number;
  /** Activations started so far, retries included (the step limit counts them). */
  activations: number;
  /** The limits of this job (its flow's, or its Runtime's), set when it runs; not serialized. */
  limits: ResolvedLimits;
  /** The timeout in force for this job. */
  timeoutMs: number | undefined;
  tracker: ExecutionTracker;
  /** Per-job slot buffers of 'append' and custom merges, keyed "routineId\u0000slot". */
  slotBuffers: Map<string, Record<string, unknown>> | undefined;
  /** Per-job activation-policy overrides. */
  activationPolicies: Map<string, ActivationPolicy> | undefined;
  slotQueues: SlotQueueData | undefined;
  /** Clock wall time (ms) of each logic routine's last activation in this job. */
  lastActivationAt: Record<string, number> | undefined;
  debugData: DebugData | undefined;
  /** Breakpoints of this job, in the order they were added; undefined while there are none. */
  breakpoints: BreakpointEntry[] | undefined;
  /** The activation that hit a breakpoint last and has not run yet. */
  breakpointPass: BreakpointPass | undefined;
  /** Number of the last breakpoint id given out (`bp<n>`). */
  breakpointSeq: number;
  /** Trace context of the job's last run (W3C `traceparent` and friends), set by a tracer. */
  traceContext: Record<string, string> | undefined;
}
