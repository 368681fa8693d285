import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RoutiluxEvent } from '../../src/index.js';
import { RedisEventBridge } from '../../src/store-redis/index.js';
import { redisServerForSuite } from '../helpers/redis-server.js';
import { projectRoot } from '../helpers/run-script.js';

// The event stream across processes: a child process runs jobs and forwards flow.events$
// through Redis pub/sub; another child subscribed to every job of the prefix receives each
// job's events, all of them and in the order they happened.

const server = await redisServerForSuite();
const open: RedisEventBridge[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const b of open) await b.close();
});

function bridge(prefix: string, onError?: (e: unknown) => void): RedisEventBridge {
  const b = new RedisEventBridge({ connection: server.url, prefix, ...(onError !== undefined ? { onError } : {}) });
  open.push(b);
  return b;
}

/** Starts a fixture in its own Node process; resolves its stdout lines when it exits 0. */
function child(file: string, args: readonly string[], onLine: (line: string) => void = () => undefined): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', file), ...args], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(c);
    const lines: string[] = [];
    let rest = '';
    let stderr = '';
    c.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      rest += chunk;
      const parts = rest.split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        onLine(line);
      }
    });
    c.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(lines) : reject(new Error(`${file} exited ${code}: ${stderr}`))));
  });
}

/** Waits until `check` holds (bounded): pub/sub delivery is asynchronous. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for delivery');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function byJob(events: readonly RoutiluxEvent[]): Map<string, RoutiluxEvent[]> {
  const map = new Map<string, RoutiluxEvent[]>();
  for (const e of events) map.set(e.jobId, [...(map.get(e.jobId) ?? []), e]);
  return map;
}

describe('RedisEventBridge', () => {
  it('delivers every event of every job to another process, in each job’s order', async () => {
    const jobs = 5;
    let ready!: () => void;
    const subscribed = new Promise<void>((r) => (ready = r));
    const subscriber = child('event-subscriber.ts', [server.url, 'events-x', String(jobs)], (line) => line === 'READY' && ready());
    await Promise.race([subscribed, subscriber]);
    const publisher = await child('event-publisher.ts', [server.url, 'events-x', String(jobs)]);
    const { local } = JSON.parse(publisher.at(-1)!) as { local: RoutiluxEvent[] };
    const { received } = JSON.parse((await subscriber).at(-1)!) as { received: RoutiluxEvent[] };
    const sent = byJob(local);
    const got = byJob(received);
    expect(sent.size).toBe(jobs);
    expect([...got.keys()].sort()).toEqual([...sent.keys()].sort());
    for (const [jobId, events] of sent) {
      expect(events.map((e) => e.type)).toContain('output');
      expect(got.get(jobId), jobId).toEqual(events);
    }
    // the jobs ran at the same time, so their events interleaved on the wire
    const firstEnd = received.findIndex((e) => e.type === 'job.status');
    expect(new Set(received.slice(0, firstEnd).map((e) => e.jobId)).size).toBeGreaterThan(1);
  }, 60_000);

  it('subscribes to one job, stops on unsubscribe, and keeps prefixes apart', async () => {
    const pub = bridge('events-y');
    const sub = bridge('events-y');
    const other = bridge('events-y2');
    const mine: RoutiluxEvent[] = [];
    const all: RoutiluxEvent[] = [];
    const foreign: RoutiluxEvent[] = [];
    const one = await sub.subscribe('job-a', (e) => mine.push(e));
    await sub.subscribe(null, (e) => all.push(e));
    await other.subscribe(null, (e) => foreign.push(e));
    const ev = (jobId: string, status: 'running' | 'completed'): RoutiluxEvent => ({ type: 'job.status', jobId, flowId: 'f', at: new Date(0).toISOString(), status });
    expect(await pub.publish(ev('job-a', 'running'))).toBe(2); // Redis counts sub's channel subscription and its pattern
    await pub.publish(ev('job-b', 'running'));
    await one.unsubscribe();
    await pub.publish(ev('job-a', 'completed'));
    // sentinels: one connection's messages reach a subscriber in the order they were published
    await pub.publish(ev('job-end', 'completed'));
    await pub.client.publish(other.channelOf('job-end'), JSON.stringify(ev('job-end', 'completed')));
    await until(() => all.length === 4 && foreign.length === 1);
    expect(mine.map((e) => [e.jobId, (e as { status: string }).status])).toEqual([['job-a', 'running']]);
    expect(all.map((e) => e.jobId)).toEqual(['job-a', 'job-b', 'job-a', 'job-end']);
    expect(foreign.map((e) => e.jobId)).toEqual(['job-end']);
  });

  it('reports a message that is not an event, and a listener that throws, to onError without stopping delivery', async () => {
    const errors: unknown[] = [];
    const sub = bridge('events-z', (e) => errors.push(e));
    const pub = bridge('events-z');
    const got: string[] = [];
    await sub.subscribe('j1', (e) => {
      got.push(e.type);
      if (got.length === 1) throw new Error('listener bug');
    });
    await pub.client.publish(sub.channelOf('j1'), 'not json');
    await pub.client.publish(sub.channelOf('j1'), JSON.stringify({ type: 'job.started', jobId: 'other', flowId: 'f', at: '' }));
    await pub.publish({ type: 'job.started', jobId: 'j1', flowId: 'f', at: new Date(0).toISOString() });
    await pub.publish({ type: 'job.status', jobId: 'j1', flowId: 'f', at: new Date(0).toISOString(), status: 'completed' });
    await until(() => got.length === 2);
    expect(got).toEqual(['job.started', 'job.status']);
    expect(errors.map((e) => (e as { code?: string; message: string }).code ?? (e as Error).message)).toEqual(['INVALID_FORMAT', 'INVALID_FORMAT', 'listener bug']);
  });
});
