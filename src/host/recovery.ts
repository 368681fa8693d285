import { ErrorCode } from '../errors/error-codes.js';
import { RegistryError, RoutiluxError, isRoutiluxError } from '../errors/routilux-error.js';
import type { JobStore } from '../ports/job-store.js';
import type { FlowRegistry } from '../runtime/flow-registry.js';
import { JobState } from '../state/job-state.js';
import type { JobStatus } from '../state/job-types.js';
import type { HostedFlow, JobHost } from './job-host.js';
import type { JobLeases } from './job-leases.js';
import { wasSuspended } from './suspension.js';

/** @internal what recovery works with: the Runtime's store, registry, host and leases. */
export interface RecoveryDeps {
  readonly store: JobStore;
  readonly registry: FlowRegistry;
  readonly host: JobHost;
  readonly leases: JobLeases;
}

/** One job `recover()` could not bring back; it stays in the store as it was. */
export interface RecoveryFailure {
  readonly jobId: string;
  /** The registry name the job was started under, when the store has it. */
  readonly flow: string | undefined;
  readonly code: string;
  readonly message: string;
}

const UNFINISHED: readonly JobStatus[] = ['running', 'paused', 'pending'];

/** The registry names of the store's unfinished jobs, by job id. */
async function flowNames(store: JobStore): Promise<Map<string, string | undefined>> {
  const names = new Map<string, string | undefined>();
  for (const status of UNFINISHED) {
    let cursor: string | undefined;
    for (let page = 0; page < 1_000_000; page++) {
      const { items, nextCursor } = await store.listJobs({ status, limit: 500, ...(cursor !== undefined ? { cursor } : {}) });
      for (const item of items) names.set(item.jobId, item.flow);
      if (nextCursor === null) break;
      cursor = nextCursor;
    }
  }
  return names;
}

/**
 * Every pending task of a recovered job runs again one attempt later: the store records an
 * activation when it ends, not when it starts, so a task that was running at the crash and
 * one still queued look the same. A re-run is thus always a higher attempt than any run
 * before the crash, with the same `taskId`.
 */
function nextAttempts(state: JobState): void {
  const w = state.writer;
  w.replacePendingTasks(state.pendingTasks.map((p) => ({ ...p, attempt: p.attempt + 1 })));
}

/**
 * @internal `runtime.recover()`: takes the lease of every unfinished job of the store that no
 * other live Runtime holds, loads it, and continues it on this Runtime — a running one runs
 * on, a paused one stays paused (tracked, resumable with `resumeJob`). A job that cannot come
 * back (its flow is not registered, its document is corrupt, its pending work does not fit
 * the flow) is left in the store untouched with its lease given back; once every other job
 * is recovered, the first such failure is thrown with all of them in `details.failures`.
 */
export async function recoverJobs(deps: RecoveryDeps): Promise<JobState[]> {
  const { store, registry, host, leases } = deps;
  const ids = await store.listUnfinished();
  if (ids.length === 0) return [];
  const names = await flowNames(store);
  const recovered: JobState[] = [];
  const failures: { failure: RecoveryFailure; error: RoutiluxError }[] = [];
  for (const jobId of ids) {
    if (host.live.has(jobId) || leases.holds(jobId)) continue; // this Runtime's own job
    if (!(await leases.take(jobId))) continue; // another live Runtime holds it
    const flowName = names.get(jobId);
    try {
      const state = await restore(store, registry, host, jobId, flowName);
      if (state !== undefined) recovered.push(state);
      else await leases.give(jobId);
    } catch (error) {
      await leases.give(jobId).catch(() => undefined);
      const e = asRoutiluxError(error, jobId);
      failures.push({ failure: { jobId, flow: flowName, code: e.code, message: e.message }, error: e });
    }
  }
  if (failures.length > 0) throw recoveryError(failures, recovered, ids.length);
  return recovered;
}

async function restore(store: JobStore, registry: FlowRegistry, host: JobHost, jobId: string, flowName: string | undefined): Promise<JobState | undefined> {
  if (flowName === undefined) {
    throw new RegistryError(ErrorCode.UNKNOWN_FLOW, `Job ${jobId} has no flow name in the store (it was not started through a Runtime), so recover() cannot tell which flow runs it; continue it with flow.resume(JobState.deserialize(await store.load('${jobId}'))).`, {
      details: { jobId },
    });
  }
  const flow = registry.getByName(flowName) as HostedFlow | undefined;
  if (flow === undefined) {
    throw new RegistryError(ErrorCode.UNKNOWN_FLOW, `Job ${jobId} runs flow "${flowName}", which is not registered in this Runtime's registry; register it under that name (registry.registerByName('${flowName}', flow)) before calling recover() again. The job stays in the store.`, {
      details: { jobId, name: flowName },
    });
  }
  const doc = await store.load(jobId);
  if (doc === undefined || !UNFINISHED.includes(doc.status as JobStatus)) return undefined; // finished or deleted since it was listed
  const state = JobState.deserialize(doc);
  if (state.flowId !== flow.flowId) {
    throw new RegistryError(ErrorCode.FLOW_MISMATCH, `Job ${jobId} belongs to flow ${state.flowId}, but "${flowName}" is registered with flow ${flow.flowId}; register the flow the job ran on under "${flowName}".`, {
      details: { jobId, name: flowName, jobFlowId: state.flowId, flowId: flow.flowId },
    });
  }
  if (state.status === 'pending' && state.pendingTasks.length === 0) {
    // created, but the process died before its start (the entry delivery) was written: nothing to continue
    state.writer.cancelDetached('recover(): the job was created but its start was not written before the process stopped; start it again');
    await store.put(state.serialize(), { flow: flowName });
    return undefined;
  }
  nextAttempts(state);
  if (state.status === 'paused' && !wasSuspended(state)) host.adopt(flow, state, flowName);
  else host.resume(flow, state, undefined, flowName); // running (or a pending job that never ran: it starts from its pending work)
  return state;
}

function asRoutiluxError(error: unknown, jobId: string): RoutiluxError {
  if (isRoutiluxError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RoutiluxError(ErrorCode.STORE_UNAVAILABLE, `Job ${jobId} could not be recovered: ${message}`, { cause: error, details: { jobId } });
}

function recoveryError(failures: readonly { failure: RecoveryFailure; error: RoutiluxError }[], recovered: readonly JobState[], total: number): RoutiluxError {
  const first = failures[0]!.error;
  const list = failures.map((f) => `${f.failure.jobId}: ${f.failure.message}`).join(' ');
  const Kind = first.constructor as new (code: ErrorCode, message: string, options: { cause: unknown; details: Record<string, unknown> }) => RoutiluxError;
  return new Kind(first.code, `recover(): ${failures.length} of ${total} unfinished jobs could not be recovered and stay in the store (${recovered.length} recovered and running). ${list}`, {
    cause: first,
    details: { failures: failures.map((f) => f.failure), recovered: recovered.map((s) => s.jobId) },
  });
}
