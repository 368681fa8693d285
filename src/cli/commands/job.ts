import { Option, type Command } from 'commander';
import { ErrorCode } from '../../index.js';
import { apiRequest, DEFAULT_SERVER, type ClientTarget } from '../client/api-client.js';
import type { CommandContext } from '../context.js';
import { CliExitError, EXIT } from '../exit-codes.js';
import { collect, parseMs, parseParams } from '../options.js';
import type { CliCommand, CommandRunner } from '../program.js';

interface TargetOptions {
  server?: string;
  apiKey?: string;
}

/** Requests without `--wait` get this long for an answer. */
const REQUEST_TIMEOUT_MS = 30_000;
/** The server's largest `wait` (services.md §5). */
const MAX_WAIT_MS = 300_000;

function targetOf(ctx: CommandContext, opts: TargetOptions): ClientTarget {
  const key = opts.apiKey ?? ctx.io.env['ROUTILUX_API_KEY'];
  return { server: opts.server ?? ctx.io.env['ROUTILUX_SERVER'] ?? DEFAULT_SERVER, apiKey: key === undefined || key === '' ? undefined : key };
}

/** Adds `--server` and `--api-key` to a client command. */
function withTarget(cmd: Command): Command {
  return cmd
    .addOption(new Option('--server <url>', `server base URL (default: ROUTILUX_SERVER, else ${DEFAULT_SERVER})`))
    .addOption(new Option('--api-key <key>', 'API key (default: ROUTILUX_API_KEY)'));
}

/** Prints the server's JSON answer (in both output modes: it is the result). */
function printAnswer(ctx: CommandContext, body: unknown): void {
  ctx.result(body, JSON.stringify(body, null, 2));
}

function path(segment: string): string {
  return encodeURIComponent(segment);
}

function registerSubmit(job: Command, run: CommandRunner): void {
  withTarget(
    job
      .command('submit')
      .description('start a job of a flow registered on the server and print its summary (with --wait: exit 1 unless it completed)')
      .argument('<flow>', "the flow's registry name on the server (GET /api/v1/flows)")
      .option('--entry <id>', 'entry routine (default: the only routine with a trigger slot)')
      .option('-p, --param <key=value>', 'entry parameter as a string, split at the first "=" (repeatable; merged over --params)', collect, [])
      .option('--params <json>', 'entry parameters as a JSON object, or @file.json')
      .option('--wait <ms>', `wait up to this long (at most ${MAX_WAIT_MS}) for the job to finish`),
  ).action((flow: string, opts: TargetOptions & { entry?: string; param: string[]; params?: string; wait?: string }, cmd: Command) =>
    run(cmd, async (ctx) => {
      const entryParams = parseParams(opts.params, opts.param, ctx.io.cwd);
      const wait = opts.wait === undefined ? undefined : parseMs(opts.wait, '--wait');
      if (wait !== undefined && wait > MAX_WAIT_MS) throw new CliExitError(ErrorCode.INVALID_ARGUMENT, `--wait is at most ${MAX_WAIT_MS} ms; got ${wait}.`, EXIT.USAGE, { wait });
      const body = { ...(opts.entry !== undefined ? { entryRoutineId: opts.entry } : {}), entryParams, ...(wait !== undefined ? { wait } : {}) };
      const answer = await apiRequest(targetOf(ctx, opts), 'POST', `/flows/${path(flow)}/jobs`, { body, timeoutMs: (wait ?? 0) + REQUEST_TIMEOUT_MS });
      printAnswer(ctx, answer);
      if (wait === undefined) return EXIT.OK;
      return (answer as { status?: unknown }).status === 'completed' ? EXIT.OK : EXIT.FAILED;
    }),
  );
}

function registerStatus(job: Command, run: CommandRunner): void {
  withTarget(job.command('status').description('print the summary of a job on the server').argument('<jobId>', 'the job id')).action((jobId: string, opts: TargetOptions, cmd: Command) =>
    run(cmd, async (ctx) => {
      printAnswer(ctx, await apiRequest(targetOf(ctx, opts), 'GET', `/jobs/${path(jobId)}`, { timeoutMs: REQUEST_TIMEOUT_MS }));
      return EXIT.OK;
    }),
  );
}

function registerList(job: Command, run: CommandRunner): void {
  withTarget(job.command('list').description('list the jobs on the server, newest first').option('--flow <name>', 'only jobs of this flow (registry name)').option('--status <status>', 'only jobs with this status')).action(
    (opts: TargetOptions & { flow?: string; status?: string }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const query = new URLSearchParams();
        if (opts.flow !== undefined) query.set('flow', opts.flow);
        if (opts.status !== undefined) query.set('status', opts.status);
        const q = query.toString();
        printAnswer(ctx, await apiRequest(targetOf(ctx, opts), 'GET', `/jobs${q === '' ? '' : `?${q}`}`, { timeoutMs: REQUEST_TIMEOUT_MS }));
        return EXIT.OK;
      }),
  );
}

function registerCancel(job: Command, run: CommandRunner): void {
  withTarget(job.command('cancel').description('cancel a job on the server and print its summary').argument('<jobId>', 'the job id')).action((jobId: string, opts: TargetOptions, cmd: Command) =>
    run(cmd, async (ctx) => {
      printAnswer(ctx, await apiRequest(targetOf(ctx, opts), 'POST', `/jobs/${path(jobId)}/cancel`, { timeoutMs: REQUEST_TIMEOUT_MS }));
      return EXIT.OK;
    }),
  );
}

/** `routilux job submit|status|list|cancel`: a client of a running server (services.md §4). */
export const jobCommand: CliCommand = {
  register(program, run) {
    const job = program.command('job').description('client of a running routilux server: submit, status, list, cancel');
    registerSubmit(job, run);
    registerStatus(job, run);
    registerList(job, run);
    registerCancel(job, run);
    for (const sub of job.commands) sub.exitOverride().helpOption('-h, --help', 'show help');
  },
};
