import { Agent, request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Event, Flow, FlowRegistry, Routine, RoutineBase, Runtime, Slot, event, type ExecutionContext } from '../../src/index.js';
import { createServer } from '../../src/server/index.js';
import { Ledger } from '../helpers/ledger.js';

// Load (issue 15, "Done when"): 10,000 jobs started over HTTP on loopback, at most 64
// requests in flight over 10 keep-alive connections. Every job records the request that
// started it in a ledger; none may be lost or handled twice, and closing the server leaves
// no handle or socket behind.

const JOBS = 10_000;
const IN_FLIGHT = 64;
const CONNECTIONS = 10;
const KEY = 'load-test-key-0123456789';
const ledger = new Ledger();

@Routine({ name: 'load.source' })
class LoadSource extends RoutineBase {
  @Event('out', { params: ['req', 'n'] })
  readonly out = event<{ req: string; n: number }>();

  @Slot('trigger')
  trigger(data: { req: string; n: number }): void {
    this.out.emit({ req: data.req, n: data.n });
  }
}

@Routine({ name: 'load.double' })
class LoadDouble extends RoutineBase {
  @Event('out', { params: ['req', 'n'] })
  readonly out = event<{ req: string; n: number }>();

  @Slot('in')
  onIn(data: { req: string; n: number }): void {
    this.out.emit({ req: data.req, n: data.n * 2 });
  }
}

@Routine({ name: 'load.record' })
class LoadRecord extends RoutineBase {
  @Slot('in')
  async onIn(data: { req: string; n: number }, ctx: ExecutionContext): Promise<void> {
    await ledger.record(ctx, data.req, () => ctx.jobState.updateSharedData('n', data.n));
  }
}

interface Answer {
  status: number;
  body: { jobId?: string; status?: string };
}

function post(agent: Agent, url: URL, body: unknown): Promise<Answer> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', agent, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } },
      (res) => {
        let data = '';
        res.setEncoding('utf8').on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) as Answer['body'] }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** Runs `count` tasks with at most `limit` in flight. */
async function bounded(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function activeHandles(): number {
  return (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
}

describe('HTTP load (loopback, bounded)', () => {
  it(`${JOBS} jobs started over HTTP, ${IN_FLIGHT} in flight on ${CONNECTIONS} connections: none lost or duplicated, no handle left after close`, async () => {
    const before = activeHandles();
    const registry = new FlowRegistry();
    const runtime = new Runtime({ registry, concurrency: 16, maxFinishedJobs: JOBS });
    const flow = new Flow({ flowId: 'load' });
    flow.addRoutine(LoadSource, 'src');
    flow.addRoutine(LoadDouble, 'double');
    flow.addRoutine(LoadRecord, 'record');
    flow.connect('src', 'out', 'double', 'in');
    flow.connect('double', 'out', 'record', 'in');
    registry.registerByName('load', flow);
    // the limiter stays in the path, with room for the whole run on one key
    const server = createServer({ runtime, apiKeys: [KEY], port: 0, rateLimit: { max: JOBS * 2, timeWindow: 60_000 }, dashboard: false });
    const { url } = await server.listen();
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const target = new URL('/api/v1/flows/load/jobs', url);

    const expected = new Map<string, string[]>();
    const statuses = new Map<string, number>();
    const started = performance.now();
    try {
      await bounded(JOBS, IN_FLIGHT, async (i) => {
        const req = `r${i}`;
        const answer = await post(agent, target, { entryParams: { req, n: i }, wait: 30_000 });
        statuses.set(`${answer.status} ${answer.body.status ?? ''}`, (statuses.get(`${answer.status} ${answer.body.status ?? ''}`) ?? 0) + 1);
        if (answer.body.jobId !== undefined) expected.set(answer.body.jobId, [...(expected.get(answer.body.jobId) ?? []), req]);
      });
    } finally {
      agent.destroy();
      await server.close();
      await runtime.shutdown();
    }
    const wallMs = performance.now() - started;

    expect(Object.fromEntries(statuses)).toEqual({ '200 completed': JOBS });
    expect(expected.size).toBe(JOBS); // one job per request, no job id twice
    const report = ledger.check(expected);
    expect({ lost: report.lost.length, duplicated: report.duplicated.length, unexpected: report.unexpected.length, unfinished: report.unfinished.length }).toEqual({ lost: 0, duplicated: 0, unexpected: 0, unfinished: 0 });
    expect(report.handled).toBe(JOBS);

    await new Promise((resolve) => setTimeout(resolve, 50)); // let closed sockets leave the handle list
    expect(activeHandles()).toBeLessThanOrEqual(before);
    console.log(`load: ${JOBS} jobs over HTTP in ${Math.round(wallMs)} ms (${Math.round((JOBS / wallMs) * 1000)} jobs/s), handles before ${before}, after ${activeHandles()}`);
  }, 120_000);
});
