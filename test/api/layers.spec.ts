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

/** Relative imports between the files of src/ (value and type-only alike: a type cycle is still a cycle of meaning). */
function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const i of imports) {
    if (!i.spec.startsWith('.')) continue;
    let to = target(i);
    if (!statSafe(join(src, `${to}.ts`)) && statSafe(join(src, to, 'index.ts'))) to = `${to}/index`;
    const from = i.file.replace(/\.ts$/, '');
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)!.add(to);
  }
  return graph;
}

function statSafe(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Strongly connected components with more than one file (Tarjan), each sorted. */
function cyclesOf(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
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
    expect(valueImportsOf('@marcbachmann/cel-js')).toEqual(['expressions/cel-sandbox.ts']);
    expect(valueImportsOf('vitest').every((f) => f.startsWith('testing/'))).toBe(true);
    expect(valueImportsOf('better-sqlite3').every((f) => f.startsWith('store-sqlite/'))).toBe(true);
    expect(valueImportsOf('better-sqlite3').length).toBeGreaterThan(0);
    expect(valueImportsOf('ioredis').every((f) => f.startsWith('store-redis/'))).toBe(true);
    expect(valueImportsOf('ioredis').length).toBeGreaterThan(0);
    expect(valueImportsOf('yaml').every((f) => /^(builtins|documents)\//.test(f))).toBe(true);
    expect(valueImportsOf('ajv').every((f) => f === 'documents/flow-schema.ts' || f.startsWith('server/'))).toBe(true);
    expect(valueImportsOf('commander').every((f) => f.startsWith('cli/'))).toBe(true);
    expect(valueImportsOf('croner')).toEqual(['schedules/cron.ts']);
    expect(valueImportsOf('@opentelemetry/api').every((f) => f.startsWith('otel/'))).toBe(true);
    expect(valueImportsOf('@opentelemetry/api').length).toBeGreaterThan(0);
    // the HTTP server's libraries stay in the server
    for (const pkg of ['fastify', '@fastify/websocket', '@fastify/rate-limit', '@fastify/cors', '@fastify/swagger', 'ws']) {
      expect(valueImportsOf(pkg).every((f) => f.startsWith('server/')), pkg).toBe(true);
    }
    expect(valueImportsOf('fastify').length).toBeGreaterThan(0);
    // class-validator: configuration, the wire DTOs and the built-ins' config classes
    expect(valueImportsOf('class-validator').every((f) => /^(config|serialization|builtins)\//.test(f))).toBe(true);
  });

  it('lets the outer ring (builtins, nest, testing, cli, server, store-sqlite, store-redis, bullmq, otel) use the core only through the public entry', () => {
    const outer = /^(builtins|nest|testing|cli|server|store-sqlite|store-redis|bullmq|otel)\//;
    const leaks = imports
      .filter((i) => outer.test(i.file) && i.spec.startsWith('.'))
      .filter((i) => {
        const to = target(i);
        const ownArea = i.file.split('/')[0]!;
        if (to === 'index' || to.startsWith(`${ownArea}/`)) return false;
        if (ownArea === 'cli' && to === 'builtins/index') return false; // the bin offers the built-in types (public subpath entry)
        if (ownArea === 'bullmq' && to === 'store-redis/index') return false; // routilux/bullmq publishes the Redis store
        if (ownArea === 'nest' && to === 'server/index') return false; // RoutiluxHttpModule mounts the public routilux/server
        return !(i.file === 'testing/test-clock.ts' && to === 'runtime/clock'); // the one allowed seam
      })
      .map((i) => `${i.file} → ${i.spec}`);
    expect(leaks).toEqual([]);
  });

  it('keeps the core free of the outer ring', () => {
    const core = imports.filter((i) => !/^(builtins|nest|testing|cli|server|store-sqlite|store-redis|bullmq|otel)\//.test(i.file) && i.file !== 'index.ts' && i.spec.startsWith('.'));
    const leaks = core.filter((i) => /^(builtins|nest|testing|cli|server|store-sqlite|store-redis|bullmq|otel)\//.test(target(i))).map((i) => `${i.file} → ${i.spec}`);
    expect(leaks).toEqual([]);
  });

  it('has no import cycle in src/ (value or type-only)', () => {
    expect(cyclesOf(importGraph())).toEqual([]);
  });

  it('detects a cycle when there is one (the checker itself)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cyclesOf(graph)).toEqual([['a', 'b', 'c']]);
  });
});
