import { Inject, Injectable, type Type } from '@nestjs/common';
import { ContextIdFactory, ModuleRef, REQUEST, type ContextId } from '@nestjs/core';
import { ErrorCode, InvalidArgumentError, JobState, type ExecutionContext } from '../index.js';

/** What a request-scoped provider resolved through {@link JobScope} receives as `@Inject(JOB_REQUEST)`. */
export interface JobRequest {
  readonly jobId: string;
  readonly flowId: string;
  readonly jobState: JobState;
}

/**
 * The token a job-scoped provider injects to learn its job: Nest's `REQUEST`, which
 * {@link JobScope} binds to a {@link JobRequest} for each job.
 */
export const JOB_REQUEST = REQUEST;

/**
 * Job-scoped providers. A routine is created once per flow node and serves every job, so
 * it cannot take a request-scoped provider in its constructor. Instead, it injects
 * `JobScope` and resolves request-scoped providers per job inside its handler: every job
 * is one Nest context (like one HTTP request), so within a job each request-scoped
 * provider is created once, and they see the job through `@Inject(JOB_REQUEST)`.
 *
 * @example
 * @Injectable({ scope: Scope.REQUEST })
 * class AuditTrail { constructor(@Inject(JOB_REQUEST) readonly job: JobRequest) {} }
 *
 * @Routine()
 * class Charge extends RoutineBase {
 *   constructor(@Inject(JobScope) private readonly scope: JobScope) { super(); }
 *   @Slot('input') async charge(data: Order, ctx: ExecutionContext) {
 *     const audit = await this.scope.resolve(AuditTrail, ctx);
 *   }
 * }
 */
@Injectable()
export class JobScope {
  private readonly ids = new WeakMap<JobState, ContextId>();

  constructor(@Inject(ModuleRef) private readonly moduleRef: ModuleRef) {}

  /** The Nest context id of a job (created on first use; the job's {@link JobRequest} is bound to `JOB_REQUEST` in it). */
  contextIdFor(job: JobState | ExecutionContext): ContextId {
    const state = job instanceof JobState ? job : typeof job === 'object' && job !== null && job.jobState instanceof JobState ? job.jobState : undefined;
    if (state === undefined) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'JobScope needs a JobState or the ExecutionContext a slot handler receives as its second argument.');
    }
    let id = this.ids.get(state);
    if (id === undefined) {
      id = ContextIdFactory.create();
      const request: JobRequest = Object.freeze({ jobId: state.jobId, flowId: state.flowId, jobState: state });
      this.moduleRef.registerRequestByContextId(request, id);
      this.ids.set(state, id);
    }
    return id;
  }

  /**
   * The instance of `token` for this job: request-scoped providers (and those that
   * depend on them) are created once per job; singletons are returned as they are.
   */
  resolve<T>(token: Type<T> | string | symbol, job: JobState | ExecutionContext): Promise<T> {
    try {
      return this.moduleRef.resolve<T>(token, this.contextIdFor(job), { strict: false });
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
