import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import type { JobStore } from '../ports/job-store.js';
import type { Clock } from '../runtime/clock.js';
import type { FlowRegistry } from '../runtime/flow-registry.js';
import type { JobState } from '../state/job-state.js';
import { assertNumber, describe } from '../utils/guards.js';
import type { JobHost } from './job-host.js';
import { JobLeases } from './job-leases.js';
import { storeHealthOf, type StoreHealthReport } from '../runtime/store-health.js';
import { recoverJobs } from './recovery.js';
import { SUSPENDED, SUSPEND_REASON } from './suspension.js';

/** Default time to live of a Runtime's job leases (renewed every third of it). */
export const DEFAULT_LEASE_TTL = 30_000;


/** @internal the durable side of a Runtime with a store: its leases, `recover()`, and suspending jobs at shutdown. */
export class RuntimeDurability {
  readonly leases: JobLeases;
  private host: JobHost | undefined;

  constructor(
    readonly store: JobStore,
    private readonly registry: FlowRegistry,
    private readonly clock: Clock,
    owner: unknown,
    ttl: unknown,
  ) {
    if (owner !== undefined && (typeof owner !== 'string' || owner.length === 0 || owner.length > 200)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Runtime owner must be a non-empty string of at most 200 characters naming this runtime in the store's leases; got ${describe(owner)}.`);
    }
    const ttlMs = ttl ?? DEFAULT_LEASE_TTL;
    assertNumber(ttlMs, 'Runtime leaseTtlMs', { min: 1, max: 86_400_000, integer: true });
    this.leases = new JobLeases({ store, owner: (owner as string | undefined) ?? `runtime-${randomUUID()}`, ttlMs, clock });
  }

  /** The host whose jobs are recovered into (set once by the Runtime). */
  bind(host: JobHost): void {
    this.host = host;
  }

  /** See `Runtime.recover`. */
  recover(): Promise<JobState[]> {
    return recoverJobs({ store: this.store, registry: this.registry, host: this.host!, leases: this.leases });
  }

  /**
   * Suspends a job still running at shutdown, instead of cancelling it: it is paused with
   * the checkpoint {@link SUSPENDED} (nothing new starts; the handlers running get `grace` ms
   * to end and be committed), and the next Runtime's `recover()` resumes a job paused so.
   */
  async suspend(state: JobState, grace: number): Promise<void> {
    let timer: unknown;
    await Promise.race([
      this.host!.pause(state, SUSPEND_REASON, SUSPENDED).catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = this.clock.setTimeout(resolve, grace);
      }),
    ]);
    this.clock.clearTimeout(timer);
  }

  /** How this runtime's jobs see the store now. */
  health(): StoreHealthReport {
    return storeHealthOf(this.store).report();
  }

  /** Gives the leases back (after the host's shutdown). */
  close(): Promise<void> {
    return this.leases.releaseAll();
  }
}
