#!/usr/bin/env node
// The `routilux` command: validate, run, resume and inspect flows and jobs saved as JSON.
import { createRequire } from 'node:module';
import { isRoutiluxError } from '../index.js';
import { parseArgs } from './args.js';
import { inspectCommand, resumeCommand, runCommand, validateCommand, type CommandResult } from './commands.js';

const HELP = `routilux — run and inspect routilux flows and jobs

Usage:
  routilux validate <flow.json> [--import <module>]...
  routilux run <flow.json> --entry <routineId> [--params '<json>'] [--timeout <ms>] [--save <job.json>] [--import <module>]...
  routilux resume <flow.json> <job.json> [--save <job.json>] [--import <module>]...
  routilux inspect <job.json>
  routilux --version | --help

Flows and jobs are the JSON written by flow.serialize() and jobState.save(path).
--import loads a module first (relative paths from the current directory), so that the
@Routine classes a flow uses register their type names. Output is JSON on stdout; errors
are JSON on stderr with their routilux error code. Exit codes: 0 ok, 1 the job or flow
failed, 2 bad input.`;

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.flags.has('version')) {
    const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (args.flags.has('help') || args.command === undefined) {
    process.stdout.write(`${HELP}\n`);
    return args.command === undefined && !args.flags.has('help') ? 2 : 0;
  }
  const commands: Record<string, (a: typeof args) => Promise<CommandResult>> = {
    validate: validateCommand,
    run: runCommand,
    resume: resumeCommand,
    inspect: inspectCommand,
  };
  const command = commands[args.command];
  if (command === undefined) {
    process.stderr.write(`${JSON.stringify({ error: { code: 'INVALID_ARGUMENT', message: `Unknown command "${args.command}"; run routilux --help.` } })}\n`);
    return 2;
  }
  const result = await command(args);
  process.stdout.write(`${JSON.stringify(result.output, null, 2)}\n`);
  return result.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const body = isRoutiluxError(error) ? { code: error.code, message: error.message, details: error.details } : { code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
    process.stderr.write(`${JSON.stringify({ error: body })}\n`);
    process.exitCode = isRoutiluxError(error) && ['INVALID_ARGUMENT', 'INVALID_FORMAT', 'FILE_NOT_FOUND', 'FORBIDDEN_KEY', 'UNSUPPORTED_VERSION', 'UNKNOWN_ROUTINE_TYPE'].includes(error.code) ? 2 : 1;
  },
);
