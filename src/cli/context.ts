/** Where the CLI writes and what it knows of its environment (tests pass their own). */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The global options every command sees. */
export interface GlobalOptions {
  /** stdout is one JSON document; errors are JSON on stderr. */
  readonly json: boolean;
  /** Routine modules given with --import, in order. */
  readonly imports: readonly string[];
}

/** What a command gets: the IO, the global options, and a way to print its result. */
export interface CommandContext {
  readonly io: CliIO;
  readonly options: GlobalOptions;
  /** Prints the result: `value` as JSON with --json, else `text`. */
  result(value: unknown, text: string): void;
  /** One progress line on stderr (never with --json). */
  progress(line: string): void;
  /** True when `run` should draw the live view: stderr is a TTY, CI is unset, no --json. */
  readonly live: boolean;
}

/** @internal builds the context of one invocation. */
export function commandContext(io: CliIO, options: GlobalOptions): CommandContext {
  const ci = io.env['CI'];
  return {
    io,
    options,
    live: io.stderr.isTTY === true && (ci === undefined || ci === '' || ci === '0' || ci === 'false') && !options.json,
    result(value, text) {
      io.stdout.write(options.json ? `${JSON.stringify(value, null, 2)}\n` : text.endsWith('\n') ? text : `${text}\n`);
    },
    progress(line) {
      if (!options.json) io.stderr.write(`${line}\n`);
    },
  };
}
