import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ErrorCode, InvalidArgumentError } from '../index.js';

/** The `"routilux"` key of the nearest package.json, resolved to absolute paths. */
export interface ProjectSettings {
  /** The package.json found from the working directory up, if any. */
  readonly packageJson?: string;
  /** Routine modules to import before anything else (absolute paths or package names). */
  readonly imports: readonly { readonly spec: string; readonly base: string }[];
  /** The flows folder (absolute); `flows` next to package.json by default, else in the working directory. */
  readonly flowsDir: string;
}

function nearestPackageJson(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function bad(path: string, what: string): never {
  throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${path}: ${what}; expected "routilux": { "imports": ["./src/routines.js"], "flows": "flows" }.`, { details: { path } });
}

/**
 * @internal Reads the `"routilux": { imports, flows }` key of the nearest package.json
 * found from `cwd` up (paths relative to that file). A malformed key is INVALID_ARGUMENT.
 */
export function readProjectSettings(cwd: string): ProjectSettings {
  const packageJson = nearestPackageJson(cwd);
  if (packageJson === undefined) return { imports: [], flowsDir: resolve(cwd, 'flows') };
  const base = dirname(packageJson);
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as unknown;
  } catch (cause) {
    bad(packageJson, `is not valid JSON (${(cause as Error).message})`);
  }
  const key = (pkg as { routilux?: unknown } | null)?.routilux;
  if (key === undefined) return { packageJson, imports: [], flowsDir: join(base, 'flows') };
  if (typeof key !== 'object' || key === null || Array.isArray(key)) bad(packageJson, 'the "routilux" key must be an object');
  const { imports = [], flows = 'flows', ...rest } = key as { imports?: unknown; flows?: unknown };
  const unknown = Object.keys(rest);
  if (unknown.length > 0) bad(packageJson, `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"routilux.${k}"`).join(', ')}`);
  if (!Array.isArray(imports) || imports.some((m) => typeof m !== 'string' || m.length === 0)) bad(packageJson, '"routilux.imports" must be an array of module paths');
  if (typeof flows !== 'string' || flows.length === 0) bad(packageJson, '"routilux.flows" must be a folder path');
  return { packageJson, imports: (imports as string[]).map((spec) => ({ spec, base })), flowsDir: resolve(base, flows) };
}
