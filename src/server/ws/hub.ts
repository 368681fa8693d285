import type { WebSocket } from 'ws';
import type { FlowRegistry, Runtime } from '../../index.js';
import { errorBody } from '../http-errors.js';
import type { EngineEvent, EventSource } from '../engine-seam.js';
import { parseClientMessage, type Target } from './messages.js';

/** A consumer whose unsent data passes this is closed with 1013 (its events are dropped). @internal */
export const MAX_BUFFERED = 1_048_576;

interface Peer {
  readonly socket: WebSocket;
  /** The rate-limit bucket the socket was opened under (its key, or its client address). */
  readonly bucket: string;
  readonly jobs: Set<string>;
  /** flow ids, with the registry name each was subscribed under */
  readonly flows: Map<string, string>;
  all: boolean;
  missedPings: number;
}

/**
 * The WebSocket side of the server: subscriptions per socket, fan-out of engine events to
 * matching sockets in the order the engine delivers them (causal per job), flow control
 * (1013 for a consumer that does not read), ping/pong liveness, and 1001 on shutdown.
 * @internal
 */
export class WsHub {
  private readonly peers = new Set<Peer>();
  /** Open sockets per bucket (API key, or client address without one). */
  private readonly perBucket = new Map<string, number>();
  private subscription: { unsubscribe(): void } | undefined;
  private readonly pinger: NodeJS.Timeout;

  constructor(
    private readonly runtime: Runtime,
    private readonly registry: FlowRegistry,
    private readonly events: EventSource | undefined,
    pingIntervalMs: number,
    private readonly maxPerBucket: number = Infinity,
  ) {
    this.pinger = setInterval(() => this.ping(), pingIntervalMs);
    this.pinger.unref();
  }

  /** Number of open sockets. */
  get size(): number {
    return this.peers.size;
  }

  /** Whether engine events reach subscribers (false until the runtime has an event stream). */
  get streaming(): boolean {
    return this.events !== undefined;
  }

  /** Open sockets of one bucket. */
  connectionsOf(bucket: string): number {
    return this.perBucket.get(bucket) ?? 0;
  }

  /** Whether one more socket of this bucket stays within the per-key connection cap. */
  hasRoomFor(bucket: string): boolean {
    return this.connectionsOf(bucket) < this.maxPerBucket;
  }

  /**
   * Takes over an upgraded socket opened under `bucket`. The cap is checked before the
   * upgrade; a socket that still finds its bucket full (two upgrades raced) is closed with
   * 1008 at once.
   */
  attach(socket: WebSocket, bucket: string): void {
    if (!this.hasRoomFor(bucket)) {
      socket.close(1008, 'too many open WebSockets for this key');
      return;
    }
    const peer: Peer = { socket, bucket, jobs: new Set(), flows: new Map(), all: false, missedPings: 0 };
    this.peers.add(peer);
    this.perBucket.set(bucket, this.connectionsOf(bucket) + 1);
    this.ensureStream();
    const alive = (): void => {
      peer.missedPings = 0;
    };
    socket.on('pong', alive);
    socket.on('message', (data, isBinary) => {
      alive();
      this.onMessage(peer, isBinary ? undefined : data.toString());
    });
    socket.on('close', () => this.detach(peer));
    socket.on('error', () => this.detach(peer));
  }

  /** Closes every socket with 1001 (going away) and stops listening to the engine. */
  close(): void {
    clearInterval(this.pinger);
    for (const peer of [...this.peers]) peer.socket.close(1001, 'server shutting down');
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private detach(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    const left = this.connectionsOf(peer.bucket) - 1;
    if (left > 0) this.perBucket.set(peer.bucket, left);
    else this.perBucket.delete(peer.bucket);
    if (this.peers.size === 0 && this.subscription !== undefined) {
      this.subscription.unsubscribe();
      this.subscription = undefined;
    }
  }

  private ensureStream(): void {
    if (this.events === undefined || this.subscription !== undefined) return;
    this.subscription = this.events.subscribe({ next: (event) => this.forward(event) });
  }

  private ping(): void {
    for (const peer of [...this.peers]) {
      peer.missedPings++;
      if (peer.missedPings >= 2) {
        // nothing heard since the ping of the previous tick: silent for two intervals
        peer.socket.terminate();
        this.detach(peer);
      } else if (peer.socket.readyState === peer.socket.OPEN) peer.socket.ping();
    }
  }

  private send(peer: Peer, message: unknown): void {
    const socket = peer.socket;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED) {
      socket.close(1013, 'consumer too slow; events dropped');
      this.detach(peer);
      return;
    }
    socket.send(JSON.stringify(message));
  }

  private forward(event: EngineEvent): void {
    for (const peer of this.peers) {
      if (peer.all || peer.jobs.has(event.jobId) || peer.flows.has(event.flowId)) this.send(peer, { type: 'event', event });
    }
  }

  private onMessage(peer: Peer, text: string | undefined): void {
    const parsed = text === undefined ? { code: 'INVALID_ARGUMENT' as const, message: 'Binary messages are not understood; send JSON text.' } : parseClientMessage(text);
    if ('code' in parsed) {
      this.send(peer, { type: 'error', ...errorBody(parsed.code, parsed.message) });
      return;
    }
    const { type, target } = parsed;
    const problem = type === 'subscribe' ? this.subscribe(peer, target) : this.unsubscribe(peer, target);
    if (problem !== undefined) this.send(peer, { type: 'error', ...errorBody(problem.code, problem.message, problem.details) });
    else this.send(peer, { type: type === 'subscribe' ? 'subscribed' : 'unsubscribed', ...target });
  }

  private subscribe(peer: Peer, target: Target): { code: string; message: string; details: Record<string, unknown> } | undefined {
    if ('jobId' in target) {
      if (this.runtime.getJob(target.jobId) === undefined) return { code: 'UNKNOWN_JOB', message: `No job with id "${target.jobId}" is known to this server.`, details: { jobId: target.jobId } };
      peer.jobs.add(target.jobId);
    } else if ('flow' in target) {
      const flow = this.registry.getByName(target.flow);
      if (flow === undefined) return { code: 'UNKNOWN_FLOW', message: `No flow is registered as "${target.flow}".`, details: { name: target.flow } };
      peer.flows.set(flow.flowId, target.flow);
    } else peer.all = true;
    return undefined;
  }

  private unsubscribe(peer: Peer, target: Target): undefined {
    if ('jobId' in target) peer.jobs.delete(target.jobId);
    else if ('flow' in target) {
      for (const [flowId, name] of peer.flows) if (name === target.flow) peer.flows.delete(flowId);
    } else peer.all = false;
    return undefined;
  }
}
