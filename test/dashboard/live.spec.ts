import { describe, expect, it } from 'vitest';
import { backoffDelay, LiveConnection, type SocketLike } from '../../dashboard/src/api/live.js';
import type { RoutiluxEvent } from '../../dashboard/src/api/types.js';

class FakeSocket implements SocketLike {
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  readonly sent: unknown[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
  close(): void {
    this.closed = true;
  }
}

/** A LiveConnection over fake sockets, a fake ticket endpoint and a manual timer. */
function harness(ticketFails = 0) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  let tickets = 0;
  let failures = ticketFails;
  const api = {
    wsTicket: async () => {
      if (failures > 0) {
        failures--;
        throw new Error('down');
      }
      return { ticket: `t${++tickets}`, expiresAt: '' };
    },
  };
  const live = new LiveConnection(api as never, {
    url: 'ws://127.0.0.1:1/api/v1/ws',
    openSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => undefined,
  });
  const states: string[] = [];
  live.onState((s) => states.push(s));
  const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
  return { live, sockets, timers, states, flush };
}

describe('LiveConnection', () => {
  it('backs off exponentially up to a cap', () => {
    expect([1, 2, 3, 4, 10].map((a) => backoffDelay(a, 500, 8000))).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('connects with a single-use ticket in the URL (never the key), subscribes and delivers events', async () => {
    const h = harness();
    const got: RoutiluxEvent[] = [];
    h.live.onEvent((e) => got.push(e));
    h.live.subscribe({ all: true });
    h.live.start();
    await h.flush();
    expect(h.sockets[0]!.url).toBe('ws://127.0.0.1:1/api/v1/ws?ticket=t1');
    h.sockets[0]!.onopen!();
    expect(h.states).toEqual(['live']);
    expect(h.sockets[0]!.sent).toEqual([{ type: 'subscribe', all: true }]);
    const event = { type: 'job.started', jobId: 'j', flowId: 'f', at: '2026-01-01T00:00:00.000Z' };
    h.sockets[0]!.onmessage!({ data: JSON.stringify({ type: 'event', event }) });
    h.sockets[0]!.onmessage!({ data: 'not json' });
    expect(got).toEqual([event]);
  });

  it('goes offline on close, reconnects after a growing delay with a fresh ticket and subscribes again', async () => {
    const h = harness(1);
    h.live.subscribe({ jobId: 'job-1' });
    h.live.start();
    await h.flush();
    expect(h.states).toEqual(['offline']); // the ticket request failed
    expect(h.timers.map((t) => t.ms)).toEqual([500]);
    h.timers[0]!.fn();
    await h.flush();
    h.sockets[0]!.onopen!();
    h.sockets[0]!.onclose!();
    expect(h.states).toEqual(['offline', 'connecting', 'live', 'offline']);
    expect(h.timers.map((t) => t.ms)).toEqual([500, 500]); // the attempt count restarts after a successful open
    h.timers[1]!.fn();
    await h.flush();
    expect(h.sockets[1]!.url).toContain('ticket=t2');
    h.sockets[1]!.onopen!();
    expect(h.sockets[1]!.sent).toEqual([{ type: 'subscribe', jobId: 'job-1' }]);
  });

  it('shares a subscription between views and unsubscribes when the last one leaves', async () => {
    const h = harness();
    h.live.start();
    await h.flush();
    h.sockets[0]!.onopen!();
    const a = h.live.subscribe({ flow: 'orders' });
    const b = h.live.subscribe({ flow: 'orders' });
    a();
    a();
    expect(h.sockets[0]!.sent).toEqual([{ type: 'subscribe', flow: 'orders' }]);
    b();
    expect(h.sockets[0]!.sent).toEqual([
      { type: 'subscribe', flow: 'orders' },
      { type: 'unsubscribe', flow: 'orders' },
    ]);
    h.live.stop();
    expect(h.sockets[0]!.closed).toBe(true);
  });
});
