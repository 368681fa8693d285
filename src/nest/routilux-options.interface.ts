import type { Clock, FlowDefinition, FlowRegistry, RuntimeShutdownOptions } from '../index.js';
import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency } from '@nestjs/common';

/** Options of `RoutiluxModule.forRoot` (and what the `forRootAsync` factory returns). Durations in ms. */
export interface RoutiluxModuleOptions {
  /** Activations running at once across every job of the runtime. @default 10 */
  readonly concurrency?: number;
  /** Finished jobs the runtime keeps for getJob/listJobs. @default 10000 */
  readonly maxFinishedJobs?: number;
  /** Time source of the runtime's own timers (drain and wait timeouts). Flows take theirs from their definition. @default systemClock */
  readonly clock?: Clock;
  /**
   * Where the application's flows are registered by name. The default is a registry of
   * this application only, so two applications in one process (e.g. tests) never collide;
   * pass `FlowRegistry.getInstance()` to share the process-wide one.
   * @default a new FlowRegistry
   */
  readonly registry?: FlowRegistry;
  /**
   * What happens to running jobs when the application closes: they get `drainTimeout`
   * ms to finish, then are cancelled and get `grace` ms to settle.
   * @default { drainTimeout: 5000, grace: 1000 }
   */
  readonly shutdown?: RuntimeShutdownOptions;
}

/** Options of `RoutiluxModule.forRoot`: the module options plus flows defined at the root. */
export interface RoutiluxRootOptions extends RoutiluxModuleOptions {
  /** Flows injectable everywhere with `@InjectFlow(name)`. @default [] */
  readonly flows?: readonly FlowDefinition[];
}

/** Options of `RoutiluxModule.forRootAsync`. */
export interface RoutiluxModuleAsyncOptions {
  /** Modules that export what `inject` names. */
  readonly imports?: ModuleMetadata['imports'];
  /** Computes the module options (may be async). */
  readonly useFactory: (...args: never[]) => RoutiluxModuleOptions | Promise<RoutiluxModuleOptions>;
  /** Providers passed to `useFactory`, in order. @default [] */
  readonly inject?: readonly (InjectionToken | OptionalFactoryDependency)[];
  /** Flows injectable everywhere with `@InjectFlow(name)` (flows are static: their names are injection tokens). @default [] */
  readonly flows?: readonly FlowDefinition[];
}

/** Options of `RoutiluxModule.forFeature`. */
export interface RoutiluxFeatureOptions {
  /** Flows of this feature, injectable with `@InjectFlow(name)` in modules that import it. */
  readonly flows: readonly FlowDefinition[];
}
