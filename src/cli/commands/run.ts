import { basename } from 'node:path';
import type { Command } from 'commander';
import { ErrorCode, InvalidArgumentError, type Flow } from '../../index.js';
import { followJob, progressInterval } from '../job-run.js';
import { eventFeed } from '../progress/feed.js';
import { collect, parseMs, parseParams } from '../options.js';
import type { CliCommand } from '../program.js';
import { loadFlow } from './shared.js';

interface RunOptions {
  entry?: string;
  param: string[];
  params?: string;
  timeout?: string;
  save?: string;
}

/** The routine whose `trigger` slot starts the job: `--entry`, or the only routine that has one. */
function entryOf(flow: Flow, entry: string | undefined): string {
  if (entry !== undefined) return entry;
  const entries = [...flow.routines].filter(([, r]) => r.slots.has('trigger')).map(([id]) => id);
  if (entries.length === 1) return entries[0]!;
  if (entries.length === 0) {
    throw new InvalidArgumentError(ErrorCode.MISSING_TRIGGER_SLOT, `No routine of flow ${flow.flowId} has a "trigger" slot, so a job cannot start; add one, or name the entry with --entry.`);
  }
  throw new InvalidArgumentError(ErrorCode.AMBIGUOUS_ENTRY, `Flow ${flow.flowId} has several entry routines (${entries.join(', ')}); choose one with --entry <id>.`, { details: { entries } });
}

/** `routilux run <flow>`: runs one job with a live view or plain progress, prints its summary. */
export const runCommand: CliCommand = {
  register(program, run) {
    program
      .command('run')
      .description('run one job of a flow file and print its summary (exit 1 unless it completed)')
      .argument('<flow>', 'flow file (.yaml, .yml or .json)')
      .option('--entry <id>', 'entry routine (default: the only routine with a trigger slot)')
      .option('-p, --param <key=value>', 'entry parameter as a string, split at the first "=" (repeatable; merged over --params)', collect, [])
      .option('--params <json>', 'entry parameters as a JSON object, or @file.json')
      .option('--timeout <ms>', 'job timeout in milliseconds')
      .option('--save <job.json>', 'save the job when it stops, whatever its outcome')
      .action((file: string, opts: RunOptions, cmd: Command) =>
        run(cmd, async (ctx) => {
          const params = parseParams(opts.params, opts.param, ctx.io.cwd);
          const timeout = opts.timeout === undefined ? undefined : parseMs(opts.timeout, '--timeout');
          const flow = await loadFlow(ctx, file);
          const entry = entryOf(flow, opts.entry);
          const started = performance.now();
          const feed = eventFeed(flow, { [entry]: 1 }, progressInterval(ctx)); // subscribed before the job starts
          const job = flow.start(entry, params, timeout === undefined ? {} : { timeout });
          return followJob(ctx, flow, job, Promise.resolve(job), `run ${basename(file)}`, opts.save, feed, started); // the feed resolves when the job stops running
        }),
      );
  },
};
