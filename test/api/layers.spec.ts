import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layering rules of docs/architecture.md, checked on the import statements of src/.
// Type-only imports (`import type`) are exempt from the third-party rules: they vanish at run time.

const root = resolve(__dirname, '../..');
const src = join(root, 'src');

interface Import {
  readonly file: string; // relative to src/
  readonly spec: string;
  readonly typeOnly: boolean;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const imports: Import[] = files(src).flatMap((path) => {
  const text = readFileSync(path, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?\sfrom\s+'([^']+)'/gms)) {
    out.push({ file: relative(src, path), spec: m[2]!, typeOnly: m[1] !== undefined });
  }
  for (const m of text.matchAll(/^import\s+'([^']+)'/gm)) out.push({ file: relative(src, path), spec: m[1]!, typeOnly: false });
  return out;
});

/** Where `spec` (relative) points to, relative to src/, without extension. */
function target(i: Import): string {
  return relative(src, resolve(src, dirname(i.file), i.spec)).replace(/\.js$/, '');
}

const valueImportsOf = (pkg: string): string[] => [...new Set(imports.filter((i) => !i.typeOnly && (i.spec === pkg || i.spec.startsWith(`${pkg}/`))).map((i) => i.file))].sort();

describe('layers', () => {
  it('finds the imports it checks', () => {
    expect(imports.length).toBeGreaterThan(200);
  });

  it('confines each third-party library to its folder', () => {
    expect(valueImportsOf('rxjs').every((f) => f.startsWith('runtime/'))).toBe(true);
    expect(valueImportsOf('tsyringe').every((f) => f.startsWith('di/'))).toBe(true);
    expect(valueImportsOf('class-transformer').every((f) => f.startsWith('serialization/'))).toBe(true);
    expect(valueImportsOf('@nestjs').every((f) => f.startsWith('nest/'))).toBe(true);
    expect(valueImportsOf('@marcbachmann/cel-js')).toEqual(['builtins/conditions/cel-sandbox.ts']);
    expect(valueImportsOf('vitest').every((f) => f.startsWith('testing/'))).toBe(true);
    expect(valueImportsOf('better-sqlite3').every((f) => f.startsWith('store-sqlite/'))).toBe(true);
    expect(valueImportsOf('better-sqlite3').length).toBeGreaterThan(0);
    expect(valueImportsOf('ioredis').every((f) => f.startsWith('store-redis/'))).toBe(true);
    expect(valueImportsOf('ioredis').length).toBeGreaterThan(0);
    expect(valueImportsOf('yaml').every((f) => /^(builtins|documents)\//.test(f))).toBe(true);
    expect(valueImportsOf('ajv').every((f) => f === 'documents/flow-schema.ts' || f.startsWith('server/'))).toBe(true);
    expect(valueImportsOf('commander').every((f) => f.startsWith('cli/'))).toBe(true);
    // the HTTP server's libraries stay in the server
    for (const pkg of ['fastify', '@fastify/websocket', '@fastify/rate-limit', '@fastify/cors', '@fastify/swagger', 'ws']) {
      expect(valueImportsOf(pkg).every((f) => f.startsWith('server/')), pkg).toBe(true);
    }
    expect(valueImportsOf('fastify').length).toBeGreaterThan(0);
    // class-validator: configuration, the wire DTOs and the built-ins' config classes
    expect(valueImportsOf('class-validator').every((f) => /^(config|serialization|builtins)\//.test(f))).toBe(true);
  });

  it('lets the outer ring (builtins, nest, testing, cli, server, store-sqlite, store-redis, bullmq) use the core only through the public entry', () => {
    const outer = /^(builtins|nest|testing|cli|server|store-sqlite|store-redis|bullmq)\//;
    const leaks = imports
      .filter((i) => outer.test(i.file) && i.spec.startsWith('.'))
      .filter((i) => {
        const to = target(i);
        const ownArea = i.file.split('/')[0]!;
        if (to === 'index' || to.startsWith(`${ownArea}/`)) return false;
        if (ownArea === 'cli' && to === 'builtins/index') return false; // the bin offers the built-in types (public subpath entry)
        if (ownArea === 'bullmq' && to === 'store-redis/index') return false; // routilux/bullmq publishes the Redis store
        return !(i.file === 'testing/test-clock.ts' && to === 'runtime/clock'); // the one allowed seam
      })
      .map((i) => `${i.file} → ${i.spec}`);
    expect(leaks).toEqual([]);
  });

  it('keeps the core free of the outer ring', () => {
    const core = imports.filter((i) => !/^(builtins|nest|testing|cli|server|store-sqlite|store-redis|bullmq)\//.test(i.file) && i.file !== 'index.ts' && i.spec.startsWith('.'));
    const leaks = core.filter((i) => /^(builtins|nest|testing|cli|server|store-sqlite|store-redis|bullmq)\//.test(target(i))).map((i) => `${i.file} → ${i.spec}`);
    expect(leaks).toEqual([]);
  });
});
