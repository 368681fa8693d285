import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { commandContext, type CliIO, type CommandContext, type GlobalOptions } from './context.js';
import { describeFailure, EXIT } from './exit-codes.js';
import { collect } from './options.js';

/** Runs a command body with its context; records the exit code it returns. */
export type CommandRunner = (cmd: Command, body: (ctx: CommandContext) => Promise<number>) => Promise<void>;

/**
 * One command (or group) of the bin. Commands register themselves on the program and run
 * their body through `run`, which gives them the context, the global options and the exit
 * code and error handling; `serve` and `job …` plug in the same way.
 */
export interface CliCommand {
  register(program: Command, run: CommandRunner): void;
}

/** @internal the version of this routilux. */
export function ownVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

function writeError(io: CliIO, json: boolean, failure: ReturnType<typeof describeFailure>): void {
  if (json) {
    const body = { code: failure.code, message: failure.message, ...(failure.details !== undefined ? { details: failure.details } : {}) };
    io.stderr.write(`${JSON.stringify({ error: body })}\n`);
  } else {
    io.stderr.write(`error ${failure.code}: ${failure.message.replace(/\s*\n\s*/g, ' ')}\n`);
  }
}

/**
 * Runs the `routilux` program on `argv` (without node and the script) with the given
 * commands, and resolves with the process exit code. Usage errors (unknown commands or
 * options, missing arguments) are `INVALID_ARGUMENT`, exit 2.
 */
export async function runCli(argv: readonly string[], io: CliIO, commands: readonly CliCommand[]): Promise<number> {
  let exitCode: number = EXIT.OK;
  const json = argv.includes('--json');
  const program = new Command('routilux')
    .description('Run, check and inspect routilux flows (YAML or JSON) and saved jobs.')
    .version(ownVersion(), '-V, --version', 'print the routilux version')
    .addOption(new Option('--json', 'print one JSON document on stdout; errors as JSON on stderr'))
    .addOption(new Option('--import <module>', 'import a routine module first (repeatable; relative to the working directory)').argParser(collect).default([]))
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => {}, // printed once below, in the one-line format
    });
  program.addHelpText(
    'after',
    '\nExit codes: 0 success; 1 the job did not complete or validation found errors; 2 bad usage or unreadable input; 3 server unreachable or 5xx.\nRoutine modules also load from the "routilux": { "imports": [...] } key of the nearest package.json.',
  );
  const run: CommandRunner = async (cmd, body) => {
    const opts = cmd.optsWithGlobals<{ json?: boolean; import: string[] }>();
    const options: GlobalOptions = { json: opts.json === true, imports: opts.import };
    exitCode = await body(commandContext(io, options));
  };
  for (const command of commands) command.register(program, run);
  for (const sub of program.commands) sub.exitOverride().helpOption('-h, --help', 'show help');
  try {
    if (argv.length === 0) {
      io.stderr.write(program.helpInformation());
      return EXIT.USAGE;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
      // a command group called without its subcommand: the help went to stderr; that is bad usage
      if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      const message = error.message.replace(/^error:\s*/i, '').replace(/\n[\s\S]*$/, '');
      writeError(io, json, { code: 'INVALID_ARGUMENT', message: `${message.charAt(0).toUpperCase()}${message.slice(1)}; see routilux --help.`, exitCode: EXIT.USAGE });
      return EXIT.USAGE;
    }
    const failure = describeFailure(error);
    writeError(io, json, failure);
    return failure.exitCode;
  }
}
