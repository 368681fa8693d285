import { resolve } from 'node:path';
import { loadFlowFile, type Flow } from '../../index.js';
import type { CommandContext } from '../context.js';
import { importModules } from '../modules.js';
import { readProjectSettings, type ProjectSettings } from '../project.js';

/**
 * @internal Loads the routine modules: the built-ins, then the package.json
 * `"routilux".imports`, then each `--import` (relative to the working directory).
 */
export async function loadRoutineModules(ctx: CommandContext): Promise<ProjectSettings> {
  const settings = readProjectSettings(ctx.io.cwd);
  await import('../../builtins/index.js'); // the built-in routine types are always available to flow files
  await importModules([...settings.imports, ...ctx.options.imports.map((spec) => ({ spec, base: ctx.io.cwd }))]);
  return settings;
}

/** @internal loads the routine modules, then the flow file (YAML or JSON). */
export async function loadFlow(ctx: CommandContext, path: string): Promise<Flow> {
  await loadRoutineModules(ctx);
  return loadFlowFile(resolve(ctx.io.cwd, path));
}
