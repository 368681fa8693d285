import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The README's TypeScript snippets are copies of files under examples/readme/, which the
// type-check (`tsc -p tsconfig.json`, which includes examples/) compiles and
// test/examples/examples.spec.ts runs. This spec keeps the copies identical, so a snippet
// that no longer compiles or runs fails CI.
//
// Both import the package by name (`from 'routilux'`): tsconfig.json's paths (and vitest's
// alias) resolve the name to the sources in this repository.

const root = new URL('../../', import.meta.url);
const readmeDir = new URL('examples/readme/', root);

function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

function asFile(snippet: string): string {
  return snippet;
}

const readme = readFileSync(new URL('README.md', root), 'utf8');
const blocks = tsBlocks(readme);
const files = new Map(
  readdirSync(readmeDir)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => [name, readFileSync(new URL(name, readmeDir), 'utf8')] as const),
);

describe('README snippets', () => {
  it('should show at least the decorator and the programmatic quick start', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(blocks.some((b) => b.includes('@Slot('))).toBe(true);
    expect(blocks.some((b) => b.includes('this.defineSlot'))).toBe(true);
  });

  it('should import the package by name, never a source path', () => {
    for (const block of blocks) {
      expect(block).not.toContain('src/');
      expect(block).toMatch(/from 'routilux'/);
    }
  });

  it('should keep every ```ts block identical to a file under examples/readme/', () => {
    const contents = [...files.values()];
    for (const block of blocks) {
      expect(contents, `README block not found under examples/readme/:\n${block}`).toContain(asFile(block));
    }
  });

  it('should show every file under examples/readme/ in the README', () => {
    const shown = new Set(blocks.map(asFile));
    for (const [name, content] of files) expect(shown.has(content), `examples/readme/${name} is not in README.md`).toBe(true);
  });
});
