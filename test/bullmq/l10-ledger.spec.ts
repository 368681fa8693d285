import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DistributedRuntime } from '../../src/bullmq/index.js';
import { readDurableLedger } from '../helpers/durable-ledger.js';
import { registerFlows, stageNames } from './fixtures/flows.js';
import { spawnWorker, stopWorkers } from './workers.js';
import { distributedSuite } from './suite.js';

// Reliability plan L10: 1,000 jobs x 10 stages on 2 and on 4 worker processes, no faults:
// every stage of every job handled to the end exactly once (ledger lost = 0, duplicated = 0).

const JOBS = 1000;
const { server, dir, workers, closers: runtimes } = await distributedSuite('l10');

describe('L10: 1,000 jobs x 10 stages on BullMQ workers', () => {
  for (const count of [2, 4]) {
    it(`${count} worker processes: lost 0, duplicated 0`, async () => {
      const prefix = `l10-${count}`;
      const ledger = join(dir, `${prefix}.ndjson`);
      const mine = Array.from({ length: count }, () => spawnWorker(server.url, prefix, { ledger, concurrency: 16 }));
      workers.push(...mine);
      await Promise.all(mine.map((w) => w.ready));
      const runtime = new DistributedRuntime({ connection: server.url, prefix, registry: registerFlows(undefined) });
      runtimes.push(runtime);
      const jobs = await Promise.all(Array.from({ length: JOBS }, (_, i) => runtime.exec('stages', { entryParams: { msg: `m${i}` } })));
      expect(await runtime.waitUntilAllJobsFinished(110_000)).toBe(true);
      const completed = await runtime.listJobs('completed');
      expect(completed.length).toBe(JOBS);
      const { ledger: l } = readDurableLedger(ledger);
      const report = l.check(Object.fromEntries(jobs.map((j, i) => [j.jobId, [`m${i}`]])), stageNames);
      expect(report.lost).toEqual([]);
      expect(report.duplicated).toEqual([]);
      expect(report.unexpected).toEqual([]);
      expect(report.handled).toBe(JOBS * stageNames.length);
      // the work was spread: every worker process handled activations
      const byWorker = new Set(l.entries.map((e) => (e as unknown as { who: string }).who));
      expect(byWorker.size).toBe(count);
      expect(mine.flatMap((w) => w.errors)).toEqual([]);
      await stopWorkers(mine);
    }, 150_000);
  }
});
