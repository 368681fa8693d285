import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryJobStore } from '../../src/index.js';
import { SqliteJobStore } from '../../src/store-sqlite/index.js';
import { jobDoc, task } from '../../src/testing/store-conformance/fixtures.js';
import { commitArbitrary, outcome } from '../helpers/commit-arbitrary.js';

// The SQLite store applies a commit row by row; the memory store applies it to the whole
// document. Random commit sequences must leave both with the same document and answers.

const dir = mkdtempSync(join(tmpdir(), 'routilux-sqlite-equivalence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const commit = commitArbitrary();

describe('SqliteJobStore and MemoryJobStore apply commits alike', () => {
  it('gives the same answers and documents for random commit sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commit, { minLength: 1, maxLength: 12 }), async (commits) => {
        const memory = new MemoryJobStore();
        const sqlite = new SqliteJobStore({ path: join(dir, `e${++n}.db`) });
        try {
          const start = jobDoc('j', { pendingTasks: [task('t1'), task('t2')], slotBuffers: [{ routineId: 'agg', slotName: 'in', data: { xs: [0] } }] });
          await memory.create(start);
          await sqlite.create(start);
          for (const c of commits) {
            expect(await outcome(sqlite, c)).toBe(await outcome(memory, c));
            expect(await sqlite.load('j')).toEqual(await memory.load('j'));
          }
        } finally {
          await sqlite.close();
        }
      }),
      { numRuns: 40, seed: 20261202 },
    );
  });
});
