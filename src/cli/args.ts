import { ErrorCode, InvalidArgumentError } from '../index.js';

/** Parsed command line: positionals plus `--name value` options (repeatable ones collected). */
export interface ParsedArgs {
  readonly command: string | undefined;
  readonly positionals: readonly string[];
  readonly options: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
}

const FLAG_NAMES = new Set(['help', 'version', 'json', 'h']);

/** Splits argv (without node and script) into command, positionals, options and flags. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('-')) {
      const name = arg.replace(/^--?/, '');
      const eq = name.indexOf('=');
      if (eq > 0) {
        push(options, name.slice(0, eq), name.slice(eq + 1));
      } else if (FLAG_NAMES.has(name)) {
        flags.add(name === 'h' ? 'help' : name);
      } else {
        const value = argv[i + 1];
        if (value === undefined || value.startsWith('--')) {
          throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Option --${name} needs a value (e.g. --${name} <value>).`);
        }
        push(options, name, value);
        i++;
      }
    } else {
      positionals.push(arg);
    }
  }
  return { command: positionals[0], positionals: positionals.slice(1), options, flags };
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}

/** The single value of an option, or undefined. */
export function option(args: ParsedArgs, name: string): string | undefined {
  const values = args.options.get(name);
  if (values !== undefined && values.length > 1) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Option --${name} was given ${values.length} times; give it once.`);
  }
  return values?.[0];
}

/** Rejects options the command does not know. */
export function checkOptions(args: ParsedArgs, known: readonly string[]): void {
  for (const name of args.options.keys()) {
    if (!known.includes(name)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Unknown option --${name} for "${args.command ?? ''}"; known options: ${known.map((k) => `--${k}`).join(', ') || '(none)'}.`);
    }
  }
}
