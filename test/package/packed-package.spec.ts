import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRedisServer, redisServerForSuite } from '../helpers/redis-server.js';
import { projectRoot } from '../helpers/run-script.js';

// What a user gets: the package as `npm pack` makes it from a fresh checkout (the `prepare`
// script builds dist/, as for a git install), installed from the tarball into a new project
// with strict compiler settings, compiled with tsc and run with node — one program per
// subpath of package.json `exports`.

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  version: string;
  exports: Record<string, unknown>;
  scripts: Record<string, string>;
  files: string[];
  peerDependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The consumer program of each subpath (test/package/consumer/), the packages it needs besides routilux, and whether it needs a Redis. */
const programs: Record<string, { file: string; needs: readonly string[]; redis?: true }> = {
  '.': { file: 'root.ts', needs: [] },
  './builtins': { file: 'builtins.ts', needs: [] },
  './testing': { file: 'testing.ts', needs: [] },
  './nest': { file: 'nest.ts', needs: ['@nestjs/common', '@nestjs/core'] },
  './store-sqlite': { file: 'store-sqlite.ts', needs: ['better-sqlite3'] },
  './bullmq': { file: 'bullmq.ts', needs: ['ioredis', 'bullmq'], redis: true },
  './server': { file: 'server.ts', needs: [] },
  './otel': { file: 'otel.ts', needs: ['@opentelemetry/api', '@opentelemetry/sdk-trace-base'] },
  './flow.schema.json': { file: 'flow-schema.ts', needs: [] },
  './package.json': { file: 'package-json.ts', needs: [] },
};

const strictTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    exactOptionalPropertyTypes: true,
    verbatimModuleSyntax: true,
    noUncheckedIndexedAccess: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: false,
    outDir: 'out',
    rootDir: 'src',
  },
  include: ['src'],
};

/** The redis-server of the programs that need one (stopped after the suite). */
const redis: Promise<TestRedisServer> = redisServerForSuite();

let work = '';
let app = '';
let tarball = '';
let packedFiles: string[] = [];
const installed = new Set<string>();

async function sh(cmd: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...env } });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'routilux-pack-'));
  // A fresh checkout: the files git knows (committed or not, never dist/), with the installed dependencies.
  const checkout = join(work, 'checkout');
  const tracked = (await sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], projectRoot)).split('\0').filter((f) => f !== '' && existsSync(join(projectRoot, f)));
  for (const file of tracked) {
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    cpSync(join(projectRoot, file), join(checkout, file));
  }
  symlinkSync(join(projectRoot, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  // The prepare script's build may print before npm's JSON report: the report starts at a line '['.
  const packOut = await sh('npm', ['pack', '--json', '--pack-destination', work], checkout);
  const packed = JSON.parse(packOut.slice(Math.max(0, packOut.search(/^\[$/m)))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, packed[0]!.filename);
  packedFiles = packed[0]!.files.map((f) => f.path);

  // The user's project: routilux from the tarball, the optional peers its subpaths use, typescript.
  app = join(work, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  const peers = Object.keys(pkg.peerDependencies ?? {});
  const deps: Record<string, string> = { routilux: `file:${tarball}`, typescript: pkg.devDependencies['typescript']!, '@types/node': pkg.devDependencies['@types/node']! };
  for (const peer of peers) deps[peer] = pkg.devDependencies[peer] ?? pkg.peerDependencies![peer]!;
  for (const program of Object.values(programs)) for (const need of program.needs) deps[need] ??= pkg.devDependencies[need] ?? pkg.peerDependencies![need]!;
  // A native peer comes from the checkout's own install, already built (a registry install
  // here would have to compile it again); its types come from the registry.
  for (const native of ['better-sqlite3']) {
    if (native in deps) deps[native] = `file:${join(projectRoot, 'node_modules', native)}`;
    const types = `@types/${native}`;
    if (pkg.devDependencies[types] !== undefined) deps[types] = pkg.devDependencies[types]!;
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'routilux-consumer', private: true, type: 'module', dependencies: deps }, null, 2));
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(strictTsconfig, null, 2));
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
  for (const name of Object.keys(deps)) if (existsSync(join(app, 'node_modules', name, 'package.json'))) installed.add(name);
  for (const [subpath, program] of Object.entries(programs)) {
    if (subpath in pkg.exports) cpSync(join(projectRoot, 'test/package/consumer', program.file), join(app, 'src', program.file));
  }
}, 600_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
}, 120_000); // two installed projects (the consumer and the scaffold) to delete

describe('the packed package', () => {
  it('should have a consumer program for every subpath of exports', () => {
    const missing = Object.keys(pkg.exports).filter((s) => programs[s] === undefined);
    expect(missing, 'add a program under test/package/consumer/ and list it in `programs`').toEqual([]);
  });

  it('should build dist/ through the prepare script, so a git install gets it', () => {
    expect(pkg.scripts['prepare']).toBeDefined();
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('dist/index.d.ts');
  });

  it('should ship the sources every source map points at', () => {
    const maps = packedFiles.filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(10);
    const root = join(app, 'node_modules', 'routilux');
    const dangling: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] };
      for (const source of sources) if (!existsSync(resolve(root, dirname(map), source))) dangling.push(`${map} → ${source}`);
    }
    expect(dangling).toEqual([]);
  });

  it('should compile a program per subpath with strict settings (NodeNext, verbatimModuleSyntax, exactOptionalPropertyTypes)', async () => {
    await sh(join(app, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], app);
  }, 120_000);

  it('should scaffold a project with the bin (routilux init) whose npm start and npm test run green', async () => {
    const bin = join(app, 'node_modules', '.bin', 'routilux');
    const scaffold = join(work, 'scaffold');
    const init = await sh(bin, ['init', scaffold], app);
    expect(init).toContain('created a routilux project');
    for (const file of ['package.json', 'tsconfig.json', 'src/routines.ts', 'flows/hello.yaml', 'test/hello.spec.ts']) expect(existsSync(join(scaffold, file)), file).toBe(true);
    const manifest = JSON.parse(readFileSync(join(scaffold, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(manifest.dependencies['routilux']).toBe(`^${pkg.version}`);
    expect(Object.keys(manifest.scripts)).toEqual(expect.arrayContaining(['start', 'test']));
    // This build is not published: the project gets it from the tarball, as docs/packaging.md says.
    manifest.dependencies['routilux'] = `file:${tarball}`;
    writeFileSync(join(scaffold, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], scaffold);
    const start = await sh('npm', ['start', '--silent'], scaffold);
    expect(start).toMatch(/^job \S+ completed in \d+ ms/m);
    await sh('npm', ['test', '--silent'], scaffold);
    const validate = await sh(join(scaffold, 'node_modules', '.bin', 'routilux'), ['--json', 'validate', 'flows/hello.yaml'], scaffold);
    expect(JSON.parse(validate)).toMatchObject({ valid: true, flowId: 'hello' });
  }, 300_000);

  for (const [subpath, program] of Object.entries(programs)) {
    it(`should run the program of '${subpath}'`, async (ctx) => {
      if (!(subpath in pkg.exports)) return ctx.skip(`${subpath} is no longer exported`);
      const absent = program.needs.filter((n) => !installed.has(n));
      // An optional peer that could not be installed is the only reason to skip.
      if (absent.length > 0) return ctx.skip(`optional peer(s) not installed: ${absent.join(', ')}`);
      const env: Record<string, string> = program.redis === true ? { ROUTILUX_TEST_REDIS_URL: (await redis).url } : {};
      const out = await sh(process.execPath, [join('out', program.file.replace(/\.ts$/, '.js'))], app, env);
      expect(out).toContain(`OK ${subpath}`);
    }, 60_000);
  }
});
