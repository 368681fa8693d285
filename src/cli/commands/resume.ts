import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { JobState } from '../../index.js';
import { followJob, progressInterval } from '../job-run.js';
import { eventFeed } from '../progress/feed.js';
import type { CliCommand } from '../program.js';
import { loadFlow } from './shared.js';

/** `routilux resume <flow> <job.json>`: continues a saved job. */
export const resumeCommand: CliCommand = {
  register(program, run) {
    program
      .command('resume')
      .description('continue a saved (paused) job with its flow file and print its summary')
      .argument('<flow>', 'flow file (.yaml, .yml or .json) the job ran on')
      .argument('<job>', 'job file written by --save or jobState.save()')
      .option('--save <job.json>', 'save the job when it stops, whatever its outcome')
      .action((file: string, jobFile: string, opts: { save?: string }, cmd: Command) =>
        run(cmd, async (ctx) => {
          const flow = await loadFlow(ctx, file);
          const job = await JobState.load(resolve(ctx.io.cwd, jobFile));
          const queued: Record<string, number> = {};
          for (const task of job.pendingTasks) queued[task.routineId] = (queued[task.routineId] ?? 0) + 1;
          const started = performance.now();
          const feed = eventFeed(flow, queued, progressInterval(ctx)); // subscribed before the job resumes
          const settled = flow.resume(job);
          return followJob(ctx, flow, job, settled, `resume ${basename(jobFile)}`, opts.save, feed, started);
        }),
      );
  },
};
