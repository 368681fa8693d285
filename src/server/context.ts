import type { FlowRegistry, JobStore, Runtime } from '../index.js';
import type { Closing } from './closing.js';
import type { IdempotencyStore } from './idempotency.js';
import type { ResolvedOptions } from './options.js';
import type { TicketStore } from './ws/tickets.js';

/** What every route module gets. @internal */
export interface ServerContext {
  readonly options: ResolvedOptions;
  readonly runtime: Runtime;
  readonly registry: FlowRegistry;
  readonly store: JobStore | undefined;
  readonly idempotency: IdempotencyStore;
  readonly tickets: TicketStore;
  /** Aborted when the server starts closing: long waits return at once. */
  readonly closing: Closing;
}
