import { afterEach, describe } from 'vitest';
import type { JobStore } from '../index.js';
import { commitTests } from './store-conformance/commits.js';
import { documentTests } from './store-conformance/documents.js';
import type { ConformanceOptions, Fixture, MakeJobStore } from './store-conformance/fixtures.js';
import { leaseTests } from './store-conformance/leases.js';
import { lifecycleTests } from './store-conformance/lifecycle.js';
import { listingTests } from './store-conformance/listing.js';

/**
 * Registers the `JobStore` conformance suite as a vitest `describe(name)`: every port
 * method's contract (documents, commits with idempotency and atomicity, leases and
 * fencing, listing and pagination, deletion, retention, flows, close), each test on a fresh
 * empty store from `makeStore` that is closed after it. `options.reopen` and
 * `options.corrupt` unlock the durability and corrupt-data tests of durable adapters.
 *
 * @example
 * describeJobStoreConformance('MemoryJobStore', (o) => new MemoryJobStore(o));
 */
export function describeJobStoreConformance(name: string, makeStore: MakeJobStore, options: ConformanceOptions = {}): void {
  describe(name, () => {
    const open: JobStore[] = [];
    afterEach(async () => {
      const stores = open.splice(0);
      for (const store of stores) await store.close();
    });
    const fx: Fixture = {
      make: makeStore,
      options,
      async open(storeOptions) {
        const store = await makeStore(storeOptions);
        open.push(store);
        return store;
      },
      track(store) {
        open.push(store);
      },
    };
    documentTests(fx);
    commitTests(fx);
    leaseTests(fx);
    listingTests(fx);
    lifecycleTests(fx);
  });
}
