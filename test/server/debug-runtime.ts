import { Subject, type Observable } from 'rxjs';
import { RoutiluxError, Runtime, type RoutiluxEvent, type RuntimeOptions } from '../../src/index.js';
import type { BreakpointSpec, EngineBreakpoint } from '../../src/server/engine-seam.js';

/**
 * A Runtime with the observability surface of services.md §2 (events$, breakpoints, step),
 * as a test double for the server's seam: breakpoints are bookkept here and events are the
 * ones a test pushes (`pushed`), so the routes and the WebSocket forwarding can be exercised
 * with exact events, and breakpoints before the engine provides them.
 */
export class DebugRuntime extends Runtime {
  /** Events a test pushes; they are this runtime's whole `events$`. */
  readonly pushed = new Subject<RoutiluxEvent>();
  override get events$(): Observable<RoutiluxEvent> {
    return this.pushed;
  }
  private readonly breakpoints = new Map<string, EngineBreakpoint[]>();
  private next = 1;

  constructor(options: RuntimeOptions) {
    super(options);
  }

  private known(jobId: string) {
    const job = this.getJob(jobId);
    if (job === undefined) throw new RoutiluxError('UNKNOWN_JOB', `no job ${jobId}`);
    return job;
  }

  addBreakpoint(jobId: string, spec: BreakpointSpec): EngineBreakpoint {
    const job = this.known(jobId);
    if (job.isFinished) throw new RoutiluxError('JOB_FINISHED', 'finished');
    const bp = { id: `bp${this.next++}`, ...spec, hits: 0 };
    this.breakpoints.set(jobId, [...(this.breakpoints.get(jobId) ?? []), bp]);
    return bp;
  }

  removeBreakpoint(jobId: string, id: string): void {
    this.known(jobId);
    const list = this.breakpoints.get(jobId) ?? [];
    if (!list.some((b) => b.id === id)) throw new RoutiluxError('UNKNOWN_BREAKPOINT', `no breakpoint ${id}`);
    this.breakpoints.set(jobId, list.filter((b) => b.id !== id));
  }

  listBreakpoints(jobId: string): readonly EngineBreakpoint[] {
    this.known(jobId);
    return this.breakpoints.get(jobId) ?? [];
  }

  async step(jobId: string): Promise<{ taskId: string | null }> {
    const job = this.known(jobId);
    if (job.isFinished) throw new RoutiluxError('JOB_FINISHED', 'finished');
    if (job.status !== 'paused') throw new RoutiluxError('NOT_PAUSED', 'not paused');
    return { taskId: job.pendingTasks[0]?.taskId ?? null };
  }
}
