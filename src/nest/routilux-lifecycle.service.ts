import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Runtime } from '../index.js';
import { ROUTILUX_MODULE_OPTIONS } from './routilux.constants.js';
import { RoutiluxExplorer } from './routilux-explorer.service.js';
import type { RoutiluxModuleOptions } from './routilux-options.interface.js';

/**
 * Stops routilux when the application closes. It runs in `onModuleDestroy`, the first
 * shutdown phase, so providers that release resources in `beforeApplicationShutdown` /
 * `onApplicationShutdown` are still usable by the jobs that are draining.
 * @internal
 */
@Injectable()
export class RoutiluxLifecycle implements OnModuleDestroy {
  constructor(
    @Inject(Runtime) private readonly runtime: Runtime,
    @Inject(RoutiluxExplorer) private readonly explorer: RoutiluxExplorer,
    @Inject(ROUTILUX_MODULE_OPTIONS) private readonly options: RoutiluxModuleOptions,
  ) {}

  /** Drains the runtime and every defined flow: running jobs finish or, after the drain timeout, are cancelled. */
  async onModuleDestroy(): Promise<void> {
    const shutdown = this.options.shutdown ?? {};
    const flows = this.explorer.release();
    await Promise.all([
      this.runtime.shutdown(shutdown),
      ...flows.map((f) => f.shutdown(shutdown.drainTimeout === undefined ? {} : { drainTimeout: shutdown.drainTimeout })),
    ]);
  }
}
