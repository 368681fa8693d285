import type { FlowRegistry, JobState, Runtime } from '../index.js';
import { HttpError } from './http-errors.js';

/** The job summary of services.md §5. */
export interface JobSummary {
  jobId: string;
  flow: string | null;
  flowId: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  error?: { code: string; message: string; routineId?: string };
  routineStates: Record<string, unknown>;
  counts: { queued: number; running: number; activations: number; failed: number };
}

/** Registry name of each registered flow id (the first name it was registered under). @internal */
export function namesByFlowId(registry: FlowRegistry): Map<string, string> {
  const names = new Map<string, string>();
  for (const entry of registry.list()) if (entry.names.length > 0) names.set(entry.flowId, entry.names[0]!);
  return names;
}

/** Builds the summary of one job. @internal */
export function summarize(job: JobState, flowName: string | undefined): JobSummary {
  let activations = 0;
  let failed = 0;
  for (const r of Object.values(job.tracker.toJSON().routines)) {
    activations += r.total;
    failed += r.failed;
  }
  // a paused job's queue is its pendingTasks; a running one's is in its live run
  const progress = job.status === 'running' ? job.liveRun?.progress() : undefined;
  const summary: JobSummary = {
    jobId: job.jobId,
    flow: flowName ?? null,
    flowId: job.flowId,
    status: job.status,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    routineStates: job.routineStates as Record<string, unknown>,
    counts: {
      queued: progress?.queueSize ?? (job.status === 'paused' ? job.pendingTasks.length : 0),
      running: progress?.active ?? 0,
      activations,
      failed,
    },
  };
  const error = job.error;
  if (error !== undefined) summary.error = { ...error };
  return summary;
}

/** The job with this id, or 404 UNKNOWN_JOB. @internal */
export function requireJob(runtime: Runtime, jobId: string): JobState {
  const job = runtime.getJob(jobId);
  if (job === undefined) throw new HttpError('UNKNOWN_JOB', `No job with id "${jobId}" is known to this server; list jobs with GET /api/v1/jobs.`, { jobId });
  return job;
}
