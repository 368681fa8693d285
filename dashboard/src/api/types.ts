// Wire types of the HTTP API and WebSocket (services.md §2 and §5), as the dashboard reads them.

/** `{ error: { code, message, details? } }` of every failed request. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export type JobStatus = 'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

/** A job summary (services.md §5). */
export interface JobSummary {
  jobId: string;
  flow: string | null;
  flowId: string;
  status: JobStatus;
  createdAt: string;
  updatedAt: string;
  error?: { code: string; message: string; routineId?: string };
  routineStates: Record<string, RoutineState>;
  counts: { queued: number; running: number; activations: number; failed: number };
}

/** What the engine keeps per routine of a job (open-ended). */
export interface RoutineState {
  status?: string;
  retryCount?: number;
  [key: string]: unknown;
}

export interface FlowListItem {
  name: string;
  flowId: string;
  routines: number;
  connections: number;
}

export interface Connection {
  sourceRoutineId: string;
  sourceEvent: string;
  targetRoutineId: string;
  targetSlot: string;
  paramMapping?: Record<string, string>;
}

/** `flow.serialize()`. */
export interface FlowDocument {
  version: number;
  flowId: string;
  routines: Record<string, { type: string; config?: Record<string, unknown>; [key: string]: unknown }>;
  connections: Connection[];
  [key: string]: unknown;
}

/** One entry of `GET /routines`. */
export interface RoutineType {
  name: string;
  slots: { name: string; merge: string }[];
  events: { name: string; params: string[] }[];
  configKeys: string[];
}

export interface PendingTask {
  taskId: string;
  routineId: string;
  slotName: string;
  data: Record<string, unknown>;
  attempt: number;
  delayMs?: number;
}

export interface PausePoint {
  timestamp: string;
  reason: string;
  checkpoint: unknown;
  pendingTaskCount: number;
}

export interface OutputRecord {
  routineId: string;
  outputType: string;
  data: unknown;
  timestamp: string;
}

export interface HistoryRecord {
  routineId: string;
  eventName: string;
  data: unknown;
  timestamp: string;
}

/** `jobState.serialize()` (the fields the dashboard shows). */
export interface SerializedJob {
  jobId: string;
  flowId: string;
  status: JobStatus;
  routineStates: Record<string, RoutineState>;
  sharedData: Record<string, unknown>;
  sharedLog: unknown[];
  outputLog: OutputRecord[];
  pendingTasks: PendingTask[];
  pausePoints: PausePoint[];
  executionHistory: HistoryRecord[];
  error?: { code: string; message: string; routineId?: string };
}

export interface Breakpoint {
  id: string;
  routineId: string;
  slot?: string;
  condition?: string;
  hits: number;
}

interface EventBase {
  jobId: string;
  flowId: string;
  at: string;
}

export type ActivationOutcome = 'completed' | 'failed' | 'retrying' | 'continued' | 'skipped';

/** `RoutiluxEvent` (services.md §2), discriminated on `type`. */
export type RoutiluxEvent =
  | (EventBase & { type: 'job.started' })
  | (EventBase & { type: 'job.status'; status: JobStatus; error?: { code: string; message: string } })
  | (EventBase & { type: 'activation.started'; routineId: string; slot: string; taskId: string; attempt: number })
  | (EventBase & {
      type: 'activation.finished';
      routineId: string;
      slot: string;
      taskId: string;
      attempt: number;
      durationMs: number;
      outcome: ActivationOutcome;
      error?: { code: string; message: string };
    })
  | (EventBase & { type: 'event.emitted'; routineId: string; event: string; targets: number })
  | (EventBase & { type: 'output'; routineId: string; outputType: string; data: unknown })
  | (EventBase & { type: 'breakpoint.hit'; breakpointId: string; routineId: string; slot: string; taskId: string });

/** What a client subscribes to over the WebSocket. */
export type Subscription = { jobId: string } | { flow: string } | { all: true };

/** Server → client WebSocket messages. */
export type ServerMessage =
  | ({ type: 'subscribed' | 'unsubscribed' } & Partial<{ jobId: string; flow: string; all: true }>)
  | { type: 'event'; event: RoutiluxEvent }
  | { type: 'error'; error: { code: string; message: string } };

export const FINISHED: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
