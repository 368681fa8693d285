import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { extname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { ErrorCode, FlowRegistry, Runtime, isRoutiluxError, loadFlowFile, FLOW_FILE_EXTENSIONS, type Flow, type JobStore } from '../../index.js';
import type { CommandContext } from '../context.js';
import { CliExitError, EXIT } from '../exit-codes.js';
import { collect } from '../options.js';
import type { CliCommand } from '../program.js';
import { loadRoutineModules } from './shared.js';

interface ServeOptions {
  flows?: string;
  host: string;
  port: string;
  apiKey: string[];
  store?: string;
}

/** One flow file that did not load. */
interface LoadFailure {
  readonly file: string;
  readonly code: string;
  readonly message: string;
}

function usage(message: string, details: Record<string, unknown> = {}): CliExitError {
  return new CliExitError(ErrorCode.INVALID_ARGUMENT, message, EXIT.USAGE, details);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port > 65535) throw usage(`--port must be a whole number from 0 to 65535 (0 picks a free port); got "${value}".`, { port: value });
  return port;
}

/** Keys from `--api-key`, else `ROUTILUX_API_KEYS` (split on ",", trimmed, empty entries ignored). */
function apiKeysOf(ctx: CommandContext, given: readonly string[]): string[] {
  const keys = given.length > 0 ? given : (ctx.io.env['ROUTILUX_API_KEYS'] ?? '').split(',').map((k) => k.trim());
  const usable = keys.filter((k) => k.length > 0);
  if (usable.length === 0) throw usage('routilux serve needs at least one API key: pass --api-key <key> (repeatable) or set ROUTILUX_API_KEYS=key1,key2. Clients send it as "Authorization: Bearer <key>".');
  return usable;
}

/** Opens the `--store`: `sqlite:<path>` (better-sqlite3 must be installed). */
async function openStore(ctx: CommandContext, spec: string | undefined): Promise<JobStore | undefined> {
  if (spec === undefined) return undefined;
  if (spec.startsWith('sqlite:') && spec.length > 'sqlite:'.length) {
    const path = resolve(ctx.io.cwd, spec.slice('sqlite:'.length));
    let module: typeof import('../../store-sqlite/index.js');
    try {
      module = await import('../../store-sqlite/index.js');
    } catch (cause) {
      throw usage(`--store ${spec} needs better-sqlite3 (an optional peer dependency of routilux): npm install better-sqlite3@12 (${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}).`, { store: spec });
    }
    return new module.SqliteJobStore({ path });
  }
  if (spec.startsWith('redis://') || spec.startsWith('rediss://')) {
    throw usage(`--store ${spec}: this build of routilux has no Redis job store; use --store sqlite:<path>.`, { store: spec });
  }
  throw usage(`--store must be sqlite:<path> (e.g. sqlite:./routilux.db); got "${spec}".`, { store: spec });
}

/**
 * Loads every flow file of `dir` (`.yaml`, `.yml`, `.json`), each under its base name.
 * Every failure is collected; any failure stops the start (exit 2) with all of them listed.
 */
async function loadFlows(ctx: CommandContext, dir: string, explicit: boolean): Promise<Map<string, { flow: Flow; file: string }>> {
  const flows = new Map<string, { flow: Flow; file: string }>();
  if (!existsSync(dir)) {
    if (explicit) throw new CliExitError(ErrorCode.FILE_NOT_FOUND, `--flows ${relative(ctx.io.cwd, dir) || dir}: no such folder; create it or point --flows at the folder of your flow files.`, EXIT.USAGE, { dir });
    ctx.progress(`no flows folder at ${relative(ctx.io.cwd, dir) || dir}; serving no flows (register them with POST /api/v1/flows)`);
    return flows;
  }
  const failures: LoadFailure[] = [];
  const files = readdirSync(dir).filter((n) => FLOW_FILE_EXTENSIONS.includes(extname(n).toLowerCase())).sort();
  for (const name of files) {
    const file = join(dir, name);
    const shown = relative(ctx.io.cwd, file) || name;
    const base = name.slice(0, -extname(name).length);
    const previous = flows.get(base);
    if (previous !== undefined) {
      failures.push({ file: shown, code: ErrorCode.DUPLICATE_FLOW_NAME, message: `its name "${base}" is taken by ${previous.file}; rename one of them` });
      continue;
    }
    try {
      flows.set(base, { flow: await loadFlowFile(file), file: shown });
    } catch (error) {
      failures.push({ file: shown, code: isRoutiluxError(error) ? error.code : 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) });
    }
  }
  if (failures.length > 0) {
    const first = failures[0]!;
    const code = (Object.values(ErrorCode) as string[]).includes(first.code) ? (first.code as ErrorCode) : ErrorCode.INVALID_FORMAT;
    const list = failures.map((f) => `${f.file} (${f.code}: ${f.message})`).join('; ');
    throw new CliExitError(code, `${failures.length} flow file${failures.length === 1 ? '' : 's'} did not load, so the server did not start: ${list}`, EXIT.USAGE, { files: failures });
  }
  return flows;
}

/** Resolves on the first SIGTERM or SIGINT, with its name. */
function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const on = (signal: NodeJS.Signals): void => {
      process.removeListener('SIGTERM', on);
      process.removeListener('SIGINT', on);
      done(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** `routilux serve`: the HTTP API, WebSocket and dashboard on the flows of a folder (services.md §4, §5). */
export const serveCommand: CliCommand = {
  register(program, run) {
    program
      .command('serve')
      .description('start the HTTP API, WebSocket and dashboard; every flow file of the flows folder is registered under its base name (SIGTERM drains and exits 0)')
      .option('--flows <dir>', 'folder of flow files (default: the "routilux".flows folder of package.json, else ./flows)')
      .option('--host <host>', 'address to listen on (auth is always on)', '127.0.0.1')
      .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
      .option('--api-key <key>', 'accepted API key (repeatable; default: ROUTILUX_API_KEYS, comma-separated)', collect, [])
      .option('--store <store>', 'durable store for jobs (recovered on start) and flow documents registered over HTTP: sqlite:<path>')
      .action((opts: ServeOptions, cmd: Command) =>
        run(cmd, async (ctx) => {
          const port = parsePort(opts.port);
          const apiKeys = apiKeysOf(ctx, opts.apiKey);
          const settings = await loadRoutineModules(ctx);
          const flows = await loadFlows(ctx, opts.flows !== undefined ? resolve(ctx.io.cwd, opts.flows) : settings.flowsDir, opts.flows !== undefined);
          const { createServer } = await import('../../server/index.js');
          const store = await openStore(ctx, opts.store);
          const registry = new FlowRegistry();
          // jobs are committed to the store and recovered on listen; the lease owner is fixed per
          // host and file (the file lock already allows one process), so a restart takes them back at once
          const runtime = new Runtime({ registry, ...(store !== undefined ? { store, owner: `serve:${hostname()}:${resolve(ctx.io.cwd, opts.store!.slice('sqlite:'.length))}` } : {}) });
          try {
            for (const [name, { flow, file }] of flows) {
              registry.registerByName(name, flow);
              ctx.progress(`flow ${name} (${file})`);
            }
            const server = createServer({ runtime, apiKeys, host: opts.host, port, ...(store !== undefined ? { store } : {}) });
            const stop = nextStopSignal();
            let url: string;
            try {
              ({ url } = await server.listen());
            } catch (error) {
              await server.close();
              throw error;
            }
            ctx.result({ url, flows: [...flows.keys()] }, `listening on ${url}`);
            const signal = await stop;
            ctx.progress(`${signal}: closing the server and draining running jobs`);
            await server.close();
          } finally {
            await runtime.shutdown();
            await store?.close();
          }
          ctx.progress('stopped');
          return EXIT.OK;
        }),
      );
  },
};
