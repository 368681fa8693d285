import { readdirSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { Argument, type Command } from 'commander';
import { FLOW_FILE_EXTENSIONS, Flow, RoutineRegistry, findRoutineMetadata, isRoutiluxError, type RoutineBase } from '../../index.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { CliCommand } from '../program.js';
import { loadRoutineModules } from './shared.js';

interface RoutineInfo {
  readonly type: string;
  readonly slots: string[];
  readonly events: string[];
  readonly configKeys: string[];
  readonly error?: string;
}

function describeType(type: string): RoutineInfo {
  const cls = RoutineRegistry.get(type)!;
  const configClass = findRoutineMetadata(cls)?.configClass;
  const declared = configClass !== undefined ? Object.keys(new configClass()) : [];
  try {
    const flow = new Flow({ flowId: 'list' });
    const routine: RoutineBase = flow.routines.get(flow.addRoutine(cls as never, 'r'))!;
    return { type, slots: [...routine.slots.keys()], events: [...routine.events.keys()], configKeys: [...new Set([...declared, ...Object.keys(routine.config)])].sort() };
  } catch (error) {
    return { type, slots: [], events: [], configKeys: declared, error: isRoutiluxError(error) ? `${error.code}: ${error.message}` : String(error) };
  }
}

function listRoutines(ctx: CommandContext): number {
  const routines = RoutineRegistry.list().sort().map(describeType);
  const text = routines
    .map((r) => (r.error !== undefined ? `${r.type}\n  (cannot be created without its dependencies: ${r.error})` : `${r.type}\n  slots: ${r.slots.join(', ') || '-'}\n  events: ${r.events.join(', ') || '-'}\n  config: ${r.configKeys.join(', ') || '-'}`))
    .join('\n');
  ctx.result({ routines }, text || 'no routine types are registered');
  return EXIT.OK;
}

function listFlows(ctx: CommandContext, dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    names = [];
  }
  const flows = names
    .filter((n) => FLOW_FILE_EXTENSIONS.includes(extname(n).toLowerCase()))
    .sort()
    .map((n) => ({ name: n.slice(0, -extname(n).length), file: relative(ctx.io.cwd, join(dir, n)) || n }));
  const text = flows.length === 0 ? `no flow files in ${relative(ctx.io.cwd, dir) || '.'}` : flows.map((f) => `${f.name.padEnd(24)} ${f.file}`).join('\n');
  ctx.result({ dir: relative(ctx.io.cwd, dir) || '.', flows }, text);
  return EXIT.OK;
}

/** `routilux list routines|flows`. */
export const listCommand: CliCommand = {
  register(program, run) {
    program
      .command('list')
      .description('list the registered routine types (slots, events, config keys) or the flow files of the flows folder')
      .addArgument(new Argument('<what>', 'what to list').choices(['routines', 'flows']))
      .action((what: 'routines' | 'flows', _opts: unknown, cmd: Command) =>
        run(cmd, async (ctx) => {
          const settings = await loadRoutineModules(ctx);
          return what === 'routines' ? listRoutines(ctx) : listFlows(ctx, settings.flowsDir);
        }),
      );
  },
};
