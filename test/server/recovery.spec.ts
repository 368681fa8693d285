import { describe, expect, it } from 'vitest';
import { Flow, FlowRegistry, MemoryJobStore } from '../../src/index.js';
import { createServer } from '../../src/server/index.js';
import { KEY, auth, gateDocument, gates } from './fixtures.js';

// createServer({ store }): the server's own runtime commits its jobs to the store, and
// listen() recovers the unfinished ones, after the flow documents came back from the store.

describe('a server with a store keeps its jobs', () => {
  it('a job started over HTTP is recovered by the next server on the store and completes there', async () => {
    const store = new MemoryJobStore();
    const registry1 = new FlowRegistry();
    const first = createServer({ store, registry: registry1, apiKeys: [KEY], rateLimit: false, port: 0 });
    await first.listen();
    const put = await first.inject({ method: 'POST', url: '/api/v1/flows', headers: { ...auth, 'content-type': 'application/json' }, payload: { name: 'gate', document: gateDocument() } });
    expect(put.statusCode).toBeLessThan(300);
    const started = await first.inject({ method: 'POST', url: '/api/v1/flows/gate/jobs', headers: { ...auth, 'content-type': 'application/json' }, payload: { entryParams: { v: 7 } } });
    const { jobId } = started.json() as { jobId: string };
    for (let i = 0; i < 200 && gates.waiters.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(gates.waiters).toHaveLength(1);
    await first.app.close(); // the process "dies": its runtime never writes again
    const firstWaiter = gates.waiters.pop()!;

    const second = createServer({ store, registry: new FlowRegistry(), apiKeys: [KEY], rateLimit: false, port: 0 });
    await second.listen(); // the flow document comes back, then the job
    try {
      for (let i = 0; i < 200 && gates.waiters.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(gates.waiters).toHaveLength(1); // the gate activation runs again on the second server
      gates.waiters.pop()!();
      let status = '';
      for (let i = 0; i < 200 && status !== 'completed'; i++) {
        const r = await second.inject({ url: `/api/v1/jobs/${jobId}`, headers: auth });
        status = (r.json() as { status: string }).status;
        if (status !== 'completed') await new Promise((res) => setTimeout(res, 5));
      }
      expect(status).toBe('completed');
      expect((await store.load(jobId))?.sharedData).toEqual({ last: { v: [7] } }) // the sink's append slot;
    } finally {
      await second.close();
      void firstWaiter;
    }
    void Flow;
  });
});
