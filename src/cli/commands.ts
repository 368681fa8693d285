import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCode, Flow, InvalidArgumentError, JobState, SerializationError, type FlowIssue } from '../index.js';
import { checkOptions, option, type ParsedArgs } from './args.js';

/** What a command prints and the exit code it asks for. */
export interface CommandResult {
  readonly output: unknown;
  readonly exitCode: number;
}

/** Imports the modules named by --import, so their @Routine classes register their type names. */
async function importModules(args: ParsedArgs): Promise<void> {
  for (const spec of args.options.get('import') ?? []) {
    const target = spec.startsWith('.') || isAbsolute(spec) ? pathToFileURL(resolve(process.cwd(), spec)).href : spec;
    await import(target);
  }
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new SerializationError(ErrorCode.FILE_NOT_FOUND, `Cannot read ${what} ${path}: ${(cause as Error).message}.`, { cause, details: { path } });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new SerializationError(ErrorCode.INVALID_FORMAT, `${what} ${path} is not valid JSON (${(cause as Error).message}).`, { cause, details: { path } });
  }
}

function need(args: ParsedArgs, index: number, what: string): string {
  const value = args.positionals[index];
  if (value === undefined) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Missing ${what}; see "routilux --help".`);
  return value;
}

function summary(job: JobState): Record<string, unknown> {
  return {
    jobId: job.jobId,
    flowId: job.flowId,
    status: job.status,
    ...(job.error !== undefined ? { error: job.error } : {}),
    routineStates: job.routineStates,
    pendingTasks: job.pendingTasks.length,
    pausePoints: job.pausePoints.length,
    history: { entries: job.executionHistory.length, dropped: job.historyDropped },
    sharedData: job.sharedData,
    performance: job.tracker.getFlowPerformance(),
  };
}

function timeoutOf(args: ParsedArgs): number | undefined {
  const raw = option(args, 'timeout');
  if (raw === undefined) return undefined;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `--timeout must be a positive number of milliseconds; got ${raw}.`);
  return ms;
}

/** `validate <flow.json>`: loads the flow and prints its issues; exit 1 when any is an error. */
export async function validateCommand(args: ParsedArgs): Promise<CommandResult> {
  checkOptions(args, ['import']);
  await importModules(args);
  const path = need(args, 0, 'the flow file (routilux validate <flow.json>)');
  const flow = Flow.deserialize(await readJson(path, 'flow file'));
  const issues: FlowIssue[] = flow.validate();
  return { output: { flowId: flow.flowId, routines: flow.routines.size, connections: flow.connections.length, issues }, exitCode: issues.some((i) => i.severity === 'error') ? 1 : 0 };
}

/** `run <flow.json> --entry <id> [--params JSON]`: executes one job and prints its summary. */
export async function runCommand(args: ParsedArgs): Promise<CommandResult> {
  checkOptions(args, ['import', 'entry', 'params', 'timeout', 'save']);
  await importModules(args);
  const path = need(args, 0, 'the flow file (routilux run <flow.json> --entry <routineId>)');
  const entry = option(args, 'entry');
  if (entry === undefined) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'run needs --entry <routineId>: the routine whose trigger slot starts the job.');
  let params: unknown = {};
  const rawParams = option(args, 'params');
  if (rawParams !== undefined) {
    try {
      params = JSON.parse(rawParams) as unknown;
    } catch (cause) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `--params must be a JSON object such as '{"n":3}' (${(cause as Error).message}).`, { cause });
    }
  }
  const flow = Flow.deserialize(await readJson(path, 'flow file'));
  const timeout = timeoutOf(args);
  const job = await flow.execute(entry, params as Record<string, unknown>, timeout === undefined ? {} : { timeout });
  const save = option(args, 'save');
  if (save !== undefined) await job.save(save);
  return { output: summary(job), exitCode: job.status === 'completed' ? 0 : job.status === 'paused' ? 0 : 1 };
}

/** `resume <flow.json> <job.json>`: continues a saved job and prints its summary. */
export async function resumeCommand(args: ParsedArgs): Promise<CommandResult> {
  checkOptions(args, ['import', 'save']);
  await importModules(args);
  const flowPath = need(args, 0, 'the flow file (routilux resume <flow.json> <job.json>)');
  const jobPath = need(args, 1, 'the job file (routilux resume <flow.json> <job.json>)');
  const flow = Flow.deserialize(await readJson(flowPath, 'flow file'));
  const job = await flow.resume(await JobState.load(jobPath));
  const save = option(args, 'save');
  if (save !== undefined) await job.save(save);
  return { output: summary(job), exitCode: job.status === 'completed' || job.status === 'paused' ? 0 : 1 };
}

/** `inspect <job.json>`: prints a saved job's summary. */
export async function inspectCommand(args: ParsedArgs): Promise<CommandResult> {
  checkOptions(args, []);
  const job = await JobState.load(need(args, 0, 'the job file (routilux inspect <job.json>)'));
  return { output: { ...summary(job), pending: job.pendingTasks.map((p) => ({ taskId: p.taskId, routineId: p.routineId, slot: p.slotName, attempt: p.attempt })) }, exitCode: 0 };
}

