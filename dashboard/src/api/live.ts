import type { ApiClient } from './client.js';
import type { RoutiluxEvent, ServerMessage, Subscription } from './types.js';

/** `connecting` before the first open and while a reconnect is under way; `live` while open; `offline` between attempts. */
export type LiveState = 'connecting' | 'live' | 'offline';

/** The slice of the browser's WebSocket the connection uses. */
export interface SocketLike {
  onopen: (() => void) | null;
  onclose: (() => void) | null;
  onerror: (() => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  send(text: string): void;
  close(code?: number): void;
}

export interface LiveOptions {
  /** The WebSocket URL without the ticket, e.g. `ws://127.0.0.1:8080/api/v1/ws`. */
  url: string;
  openSocket?: (url: string) => SocketLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Reconnect delays: `min(maxDelayMs, baseDelayMs · 2^(attempt-1))`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** Delay before reconnect attempt `attempt` (1-based): doubling from `base`, capped at `max`. */
export function backoffDelay(attempt: number, base = 500, max = 30_000): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}

const keyOf = (s: Subscription): string => ('jobId' in s ? `job:${s.jobId}` : 'flow' in s ? `flow:${s.flow}` : 'all');

/**
 * The dashboard's WebSocket: a single-use ticket from `POST /ws-tickets` per connection
 * (the key itself never goes into a URL), every subscription kept and sent again after a
 * reconnect, reconnects with exponential backoff, and a state that the header shows.
 */
export class LiveConnection {
  private socket: SocketLike | undefined;
  private readonly subs = new Map<string, { sub: Subscription; count: number }>();
  private readonly listeners = new Set<(e: RoutiluxEvent) => void>();
  private readonly stateListeners = new Set<(s: LiveState) => void>();
  private readonly errorListeners = new Set<(e: { code: string; message: string }) => void>();
  private attempt = 0;
  private timer: unknown;
  private closed = false;
  private _state: LiveState = 'connecting';
  private readonly openSocket: (url: string) => SocketLike;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly api: Pick<ApiClient, 'wsTicket'>,
    private readonly options: LiveOptions,
  ) {
    this.openSocket = options.openSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  get state(): LiveState {
    return this._state;
  }

  /** Opens the first connection. */
  start(): void {
    void this.connect();
  }

  /** Closes for good (sign-out). */
  stop(): void {
    this.closed = true;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.socket?.close(1000);
    this.socket = undefined;
  }

  onEvent(fn: (e: RoutiluxEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onState(fn: (s: LiveState) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  onError(fn: (e: { code: string; message: string }) => void): () => void {
    this.errorListeners.add(fn);
    return () => this.errorListeners.delete(fn);
  }

  /** Subscribes (reference-counted, so two views may share one subscription); returns the unsubscribe. */
  subscribe(sub: Subscription): () => void {
    const key = keyOf(sub);
    const entry = this.subs.get(key);
    if (entry !== undefined) entry.count++;
    else {
      this.subs.set(key, { sub, count: 1 });
      this.send({ type: 'subscribe', ...sub });
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const e = this.subs.get(key);
      if (e === undefined) return;
      if (--e.count === 0) {
        this.subs.delete(key);
        this.send({ type: 'unsubscribe', ...sub });
      }
    };
  }

  private setState(s: LiveState): void {
    if (s === this._state) return;
    this._state = s;
    for (const fn of this.stateListeners) fn(s);
  }

  private send(message: object): void {
    if (this._state === 'live') this.socket?.send(JSON.stringify(message));
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.setState('connecting');
    let ticket: string;
    try {
      ticket = (await this.api.wsTicket()).ticket;
    } catch {
      this.retry();
      return;
    }
    if (this.closed) return;
    const socket = this.openSocket(`${this.options.url}?ticket=${encodeURIComponent(ticket)}`);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setState('live');
      for (const { sub } of this.subs.values()) socket.send(JSON.stringify({ type: 'subscribe', ...sub }));
    };
    socket.onmessage = (e) => this.receive(e.data);
    socket.onerror = () => undefined; // a close follows
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.retry();
    };
  }

  private retry(): void {
    if (this.closed) return;
    this.setState('offline');
    this.attempt++;
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      void this.connect();
    }, backoffDelay(this.attempt, this.options.baseDelayMs, this.options.maxDelayMs));
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (msg.type === 'event') for (const fn of this.listeners) fn(msg.event);
    else if (msg.type === 'error') for (const fn of this.errorListeners) fn(msg.error);
  }
}
