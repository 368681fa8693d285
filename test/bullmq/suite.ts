import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { redisServerForSuite, type TestRedisServer } from '../helpers/redis-server.js';
import { stopWorkers, type WorkerProcess } from './workers.js';

/** What a distributed test file shares: one redis-server, a temp folder, and what to stop after. */
export interface DistributedSuite {
  readonly server: TestRedisServer;
  /** A temp folder for ledgers, removed after the file. */
  readonly dir: string;
  /** Worker processes to stop after the file. */
  readonly workers: WorkerProcess[];
  /** Clients (runtimes, stores) to close after the file, before the workers stop. */
  readonly closers: { close(): Promise<unknown> }[];
}

/** Starts the file's redis-server and registers the clean-up (clients closed, workers stopped, folder removed). */
export async function distributedSuite(tag: string): Promise<DistributedSuite> {
  const server = await redisServerForSuite();
  const suite: DistributedSuite = { server, dir: mkdtempSync(join(tmpdir(), `routilux-${tag}-`)), workers: [], closers: [] };
  afterAll(async () => {
    await Promise.all(suite.closers.map((c) => c.close()));
    await stopWorkers(suite.workers);
    rmSync(suite.dir, { recursive: true, force: true });
  });
  return suite;
}
