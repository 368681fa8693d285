import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { FlowRegistry, Runtime } from '../../src/index.js';
import { WsHub } from '../../src/server/ws/hub.js';

/** A socket that records pings and answers them (or not). */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  pings = 0;
  terminated = false;
  closedWith: number | undefined;
  constructor(private readonly answers: boolean) {
    super();
  }
  ping(): void {
    this.pings++;
    if (this.answers) queueMicrotask(() => this.emit('pong'));
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  send(): void {}
}

const asSocket = (s: FakeSocket): WebSocket => s as unknown as WebSocket;
let runtime: Runtime | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await runtime?.shutdown();
  runtime = undefined;
});

describe('H8: ping/pong liveness', () => {
  it('drops a peer silent for two ping intervals (not three), keeps one that answers', async () => {
    vi.useFakeTimers();
    runtime = new Runtime({ registry: new FlowRegistry() });
    const hub = new WsHub(runtime, runtime.flowRegistry, undefined, 1000);
    const live = new FakeSocket(true);
    const dead = new FakeSocket(false);
    hub.attach(asSocket(live), 'key:a');
    hub.attach(asSocket(dead), 'key:b');
    await vi.advanceTimersByTimeAsync(1000); // interval 1: both pinged
    expect(dead.pings).toBe(1);
    expect(dead.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1000); // interval 2: the ping of interval 1 was never answered
    expect(dead.terminated).toBe(true);
    expect(dead.pings).toBe(1);
    expect(hub.size).toBe(1);
    for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(1000);
    expect(live.terminated).toBe(false);
    expect(live.pings).toBe(12);
    hub.close();
    expect(live.closedWith).toBe(1001);
  });

  it('any message from the peer counts as a sign of life', async () => {
    vi.useFakeTimers();
    runtime = new Runtime({ registry: new FlowRegistry() });
    const hub = new WsHub(runtime, runtime.flowRegistry, undefined, 1000);
    const chatty = new FakeSocket(false);
    hub.attach(asSocket(chatty), 'key:a');
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      chatty.emit('message', Buffer.from('{"type":"subscribe","all":true}'), false);
    }
    expect(chatty.terminated).toBe(false);
    hub.close();
  });
});

describe('H8: per-key connection cap in the hub', () => {
  it('counts sockets per bucket, frees a slot on close, and closes a socket that raced past the cap with 1008', () => {
    runtime = new Runtime({ registry: new FlowRegistry() });
    const hub = new WsHub(runtime, runtime.flowRegistry, undefined, 60_000, 2);
    const a = new FakeSocket(true);
    const b = new FakeSocket(true);
    hub.attach(asSocket(a), 'key:a');
    expect(hub.hasRoomFor('key:a')).toBe(true);
    hub.attach(asSocket(b), 'key:a');
    expect(hub.hasRoomFor('key:a')).toBe(false);
    expect(hub.hasRoomFor('key:other')).toBe(true);
    const raced = new FakeSocket(true);
    hub.attach(asSocket(raced), 'key:a');
    expect(raced.closedWith).toBe(1008);
    expect(hub.connectionsOf('key:a')).toBe(2);
    a.emit('close');
    a.emit('error'); // a second notice for the same socket frees nothing more
    expect(hub.connectionsOf('key:a')).toBe(1);
    expect(hub.hasRoomFor('key:a')).toBe(true);
    hub.close();
  });
});
