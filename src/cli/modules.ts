import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ErrorCode, InvalidArgumentError, isRoutiluxError } from '../index.js';

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);
let typescriptReady: Promise<void> | undefined;

function loadError(spec: string, message: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Cannot import ${spec}: ${message}`, { cause, details: { module: spec } });
}

/** True when this process already runs under a TypeScript loader (e.g. `node --import tsx`, or `tsx`). */
function loaderActive(): boolean {
  const flags = [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].join(' ');
  return /\btsx\b/.test(flags) || process.env['TSX'] !== undefined || process.execArgv.some((a) => a.includes('tsx'));
}

/** The ESM entry of tsx's `tsx/esm/api`, from the project first, then from routilux's own install. */
function findTsxApi(base: string): string | undefined {
  for (const from of [join(base, 'package.json'), fileURLToPath(import.meta.url)]) {
    try {
      const manifest = createRequire(from).resolve('tsx/package.json');
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, { import?: { default?: string } | string }> };
      const entry = pkg.exports?.['./esm/api']?.import;
      const rel = typeof entry === 'string' ? entry : entry?.default;
      if (rel !== undefined) return join(dirname(manifest), rel);
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/**
 * Registers tsx's ESM loader once, found from the project (`base`) first and then from
 * routilux's own install. Without tsx the import is a typed error that says what to do.
 */
function ensureTypeScript(spec: string, base: string): Promise<void> {
  if (loaderActive()) return Promise.resolve();
  typescriptReady ??= (async () => {
    const api = findTsxApi(base);
    if (api === undefined) {
      throw loadError(spec, 'it is TypeScript and no TypeScript loader is installed. Install tsx in the project (npm install --save-dev tsx), or compile the module and --import the .js file.');
    }
    try {
      const { register } = (await import(pathToFileURL(api).href)) as { register: () => unknown };
      register();
    } catch (cause) {
      throw loadError(spec, `it is TypeScript and the tsx loader at ${api} could not be registered (${cause instanceof Error ? cause.message : String(cause)}); reinstall tsx, or compile the module and --import the .js file.`, cause);
    }
  })();
  return typescriptReady.catch((error: unknown) => {
    typescriptReady = undefined;
    throw error;
  });
}

/** The URL to import for `spec`: a path relative to `base`, an absolute path, or a package name resolved from `base`. */
function target(spec: string, base: string): { url: string; file?: string } {
  if (spec.startsWith('.') || isAbsolute(spec)) {
    const file = resolve(base, spec);
    if (!existsSync(file)) throw loadError(spec, `no file at ${file}; check the path (relative paths start from ${base}).`);
    return { url: pathToFileURL(file).href, file };
  }
  try {
    const file = createRequire(join(base, 'package.json')).resolve(spec);
    return { url: pathToFileURL(file).href, file };
  } catch {
    return { url: spec }; // let import() resolve it (ESM-only packages), or say why it cannot
  }
}

/**
 * @internal Imports routine modules in order, so their `@Routine` classes (and
 * `RoutineRegistry.register` calls) run. Every failure is INVALID_ARGUMENT naming the
 * module; a routilux error thrown while the module loads keeps its code.
 */
export async function importModules(modules: readonly { readonly spec: string; readonly base: string }[]): Promise<void> {
  for (const { spec, base } of modules) {
    const { url, file } = target(spec, base);
    if (file !== undefined && TS_EXTENSIONS.has(extname(file))) await ensureTypeScript(spec, base);
    try {
      await import(url);
    } catch (cause) {
      if (isRoutiluxError(cause)) throw cause;
      const message = cause instanceof Error ? cause.message.split('\n')[0]! : String(cause);
      throw loadError(spec, `${message}${message.endsWith('.') ? '' : '.'}`, cause);
    }
  }
}
