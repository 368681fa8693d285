import { createHash, randomBytes } from 'node:crypto';
import type { Identity } from '../auth.js';

interface Ticket {
  readonly identity: Identity;
  readonly expiresAtMs: number;
}

/**
 * Single-use WebSocket tickets minted by an authenticated REST call, so a browser never
 * puts an API key in a URL. Only a digest of each ticket is kept; a ticket is removed when
 * it is used or found expired, and expired ones are swept as new ones are minted. @internal
 */
export class TicketStore {
  private readonly tickets = new Map<string, Ticket>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private static id(ticket: string): string {
    return createHash('sha256').update(ticket).digest('hex');
  }

  mint(identity: Identity): { ticket: string; expiresAtMs: number } {
    const now = this.now();
    for (const [id, t] of this.tickets) if (t.expiresAtMs <= now) this.tickets.delete(id);
    const ticket = randomBytes(32).toString('base64url');
    const expiresAtMs = now + this.ttlMs;
    this.tickets.set(TicketStore.id(ticket), { identity, expiresAtMs });
    return { ticket, expiresAtMs };
  }

  /** The identity the ticket was minted for, once; undefined for an unknown, used or expired ticket. */
  redeem(ticket: string): Identity | undefined {
    const id = TicketStore.id(ticket);
    const t = this.tickets.get(id);
    if (t === undefined) return undefined;
    this.tickets.delete(id);
    return t.expiresAtMs > this.now() ? t.identity : undefined;
  }

  get size(): number {
    return this.tickets.size;
  }
}
