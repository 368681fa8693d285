import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function markdownFiles(): string[] {
  const out = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) out.push(path);
    }
  };
  walk('docs');
  walk('examples');
  return out;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

describe('docs/errors.md', () => {
  const text = readFileSync(join(root, 'docs/errors.md'), 'utf8');
  const sections = [...text.matchAll(/^## ([A-Z_]+)$/gm)].map((m) => m[1]!);

  it('should have one section per error code, in the order of error-codes.ts', () => {
    expect(sections).toEqual(Object.values(ErrorCode));
  });

  it('should say when each code happens and how to fix it', () => {
    for (const part of text.split(/^## /m).slice(1)) {
      const code = part.slice(0, part.indexOf('\n'));
      if (!/^[A-Z_]+$/.test(code)) continue;
      expect(part, code).toContain('**When:**');
      expect(part, code).toContain('**Fix:**');
    }
  });
});

describe('markdown links', () => {
  // Relative links in README.md, docs/ and examples/ must point at files (and headings) that exist.
  for (const file of markdownFiles()) {
    it(`${file} should only link to files and anchors that exist`, () => {
      const text = readFileSync(join(root, file), 'utf8').replace(/^```[\s\S]*?^```$/gm, '');
      const broken: string[] = [];
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const resolved = path === '' ? join(root, file) : join(root, dirname(file), path);
        if (!resolved.startsWith(root) || !existsSync(resolved)) {
          broken.push(`${target} (no such file: ${relative(root, resolved)})`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith('.md') && !anchorsIn(readFileSync(resolved, 'utf8')).has(anchor)) {
          broken.push(`${target} (no heading with anchor #${anchor})`);
        }
      }
      expect(broken).toEqual([]);
    });
  }
});
