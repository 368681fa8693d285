import { resolve } from 'node:path';
import type { Command } from 'commander';
import { JobState } from '../../index.js';
import type { CliCommand } from '../program.js';
import { EXIT } from '../exit-codes.js';

/** `routilux inspect <job.json>`: summary of a saved job, its pending tasks and pause points. */
export const inspectCommand: CliCommand = {
  register(program, run) {
    program
      .command('inspect')
      .description('print the summary of a saved job, its pending tasks and pause points')
      .argument('<job>', 'job file written by --save or jobState.save()')
      .action((jobFile: string, _opts: unknown, cmd: Command) =>
        run(cmd, async (ctx) => {
          const job = await JobState.load(resolve(ctx.io.cwd, jobFile));
          const routines = Object.fromEntries(
            Object.entries(job.routineStates).map(([id, s]) => [id, { status: s.status, activations: job.tracker.getRoutinePerformance(id)?.totalExecutions ?? 0, failed: job.tracker.getRoutinePerformance(id)?.failed ?? 0 }]),
          );
          const pendingTasks = job.pendingTasks.map((p) => ({ taskId: p.taskId, routineId: p.routineId, slot: p.slotName, attempt: p.attempt }));
          const pausePoints = job.pausePoints.map((p) => ({ timestamp: p.timestamp.toISOString(), reason: p.reason, pendingTaskCount: p.pendingTaskCount }));
          const value = {
            jobId: job.jobId,
            flowId: job.flowId,
            status: job.status,
            createdAt: job.createdAt.toISOString(),
            updatedAt: job.updatedAt.toISOString(),
            ...(job.error !== undefined ? { error: job.error } : {}),
            routines,
            pendingTasks,
            pausePoints,
            sharedDataKeys: Object.keys(job.sharedData),
            history: { entries: job.executionHistory.length, dropped: job.historyDropped },
          };
          const text = [
            `job ${job.jobId} (flow ${job.flowId}) ${job.status}, updated ${value.updatedAt}`,
            ...(job.error !== undefined ? [`  error ${job.error.code}: ${job.error.message}`] : []),
            '  routines:',
            ...Object.entries(routines).map(([id, r]) => `    ${id}  ${r.status}  ${r.activations} activations, ${r.failed} failed`),
            `  pending tasks: ${pendingTasks.length}`,
            ...pendingTasks.map((p) => `    ${p.taskId}  ${p.routineId}.${p.slot}  attempt ${p.attempt}`),
            `  pause points: ${pausePoints.length}`,
            ...pausePoints.map((p) => `    ${p.timestamp}  ${p.reason}  (${p.pendingTaskCount} pending)`),
          ].join('\n');
          ctx.result(value, text);
          return EXIT.OK;
        }),
      );
  },
};
