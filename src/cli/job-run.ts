import type { Flow, JobState } from '../index.js';
import type { CommandContext } from './context.js';
import { EXIT } from './exit-codes.js';
import type { ProgressFeed } from './progress/feed.js';
import { liveView, plainView } from './progress/views.js';

/** The summary `run` and `resume` print (services.md §4). */
export interface RunSummary {
  readonly jobId: string;
  readonly status: string;
  readonly durationMs: number;
  readonly routines: Readonly<Record<string, { activations: number; failed: number }>>;
  readonly error?: { code: string; message: string; routineId?: string };
}

/** @internal the summary of a job that stopped running. */
export function summarize(flow: Flow, job: JobState, durationMs: number): RunSummary {
  const routines: Record<string, { activations: number; failed: number }> = {};
  for (const id of flow.routines.keys()) {
    const perf = job.tracker.getRoutinePerformance(id);
    routines[id] = { activations: perf?.totalExecutions ?? 0, failed: perf?.failed ?? 0 };
  }
  return { jobId: job.jobId, status: job.status, durationMs: Math.round(durationMs), routines, ...(job.error !== undefined ? { error: { ...job.error } } : {}) };
}

function summaryText(s: RunSummary): string {
  const width = Math.max(7, ...Object.keys(s.routines).map((id) => id.length));
  const rows = Object.entries(s.routines).map(([id, r]) => `  ${id.padEnd(width)}  ${String(r.activations).padStart(6)} activations  ${String(r.failed).padStart(4)} failed`);
  const error = s.error !== undefined ? [`  error ${s.error.code}${s.error.routineId !== undefined ? ` in ${s.error.routineId}` : ''}: ${s.error.message}`] : [];
  return [`job ${s.jobId} ${s.status} in ${s.durationMs} ms`, ...rows, ...error].join('\n');
}

/** @internal how often the views sample the job: 10 times a second on a TTY, once a second in plain lines. */
export function progressInterval(ctx: CommandContext): number {
  return ctx.live ? 100 : 1000;
}

/**
 * @internal Follows a started (or resumed) job with the live view or plain lines, fed by
 * `feed` (made before the job started), then saves it when asked (whatever the outcome),
 * prints the summary and returns the exit code.
 */
export async function followJob(ctx: CommandContext, flow: Flow, job: JobState, settled: Promise<JobState>, title: string, save: string | undefined, feed: ProgressFeed, started: number): Promise<number> {
  const view = ctx.options.json ? undefined : ctx.live ? liveView(ctx.io.stderr, title) : plainView((line) => ctx.progress(line));
  try {
    await Promise.all([feed.follow(job, (p) => view?.update(p), (o) => view?.output(o)), settled]);
  } finally {
    view?.close();
  }
  if (save !== undefined) await job.save(save);
  const summary = summarize(flow, job, performance.now() - started);
  ctx.result(summary, summaryText(summary));
  return job.status === 'completed' ? EXIT.OK : EXIT.FAILED;
}
