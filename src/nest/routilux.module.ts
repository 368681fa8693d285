import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ErrorCode, FlowRegistry, InvalidArgumentError, Runtime, defineFlow, type FlowDefinition } from '../index.js';
import { JobScope } from './job-scope.service.js';
import { ROUTILUX_MODULE_OPTIONS, getFlowToken } from './routilux.constants.js';
import { RoutiluxExplorer } from './routilux-explorer.service.js';
import { RoutiluxLifecycle } from './routilux-lifecycle.service.js';
import type { RoutiluxFeatureOptions, RoutiluxModuleAsyncOptions, RoutiluxModuleOptions, RoutiluxRootOptions } from './routilux-options.interface.js';

const OPTION_KEYS: ReadonlySet<string> = new Set(['concurrency', 'maxFinishedJobs', 'clock', 'registry', 'shutdown']);
const SHUTDOWN_KEYS: ReadonlySet<string> = new Set(['drainTimeout', 'grace']);

function bad(message: string): InvalidArgumentError {
  return new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks module options (numbers of the runtime itself are checked when it is created). */
function checkOptions(options: unknown, where: string): RoutiluxModuleOptions {
  if (!isObject(options)) throw bad(`${where} must be an object like { concurrency: 10 }; got ${options === null ? 'null' : typeof options}.`);
  for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw bad(`Unknown option "${key}" in ${where}; known options: ${[...OPTION_KEYS].join(', ')}.`);
  if (options['registry'] !== undefined && !(options['registry'] instanceof FlowRegistry)) throw bad(`${where}: registry must be a FlowRegistry.`);
  const shutdown = options['shutdown'];
  if (shutdown !== undefined) {
    if (!isObject(shutdown)) throw bad(`${where}: shutdown must be an object { drainTimeout?, grace? }.`);
    for (const [key, value] of Object.entries(shutdown)) {
      if (!SHUTDOWN_KEYS.has(key)) throw bad(`Unknown option "shutdown.${key}" in ${where}; known: drainTimeout, grace.`);
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) throw bad(`${where}: shutdown.${key} must be a finite number of ms >= 0; got ${String(value)}.`);
    }
  }
  return Object.freeze({ ...options }) as RoutiluxModuleOptions;
}

function checkFlows(flows: unknown, where: string): FlowDefinition[] {
  if (flows === undefined) return [];
  if (!Array.isArray(flows)) throw bad(`${where}: flows must be an array of flow definitions.`);
  const defs = flows.map((f: FlowDefinition) => defineFlow(f));
  const names = new Set<string>();
  for (const d of defs) {
    if (names.has(d.name)) throw bad(`${where}: two flows are named "${d.name}"; flow names are injection tokens and must be unique.`);
    names.add(d.name);
  }
  return defs;
}

function flowProviders(defs: readonly FlowDefinition[]): Provider[] {
  return defs.map((def) => ({
    provide: getFlowToken(def.name),
    useFactory: (explorer: RoutiluxExplorer) => explorer.declareFlow(def),
    inject: [RoutiluxExplorer],
  }));
}

function coreModule(optionsProvider: Provider, flows: readonly FlowDefinition[], imports: DynamicModule['imports'] = []): DynamicModule {
  const tokens = flows.map((d) => getFlowToken(d.name));
  return {
    module: RoutiluxModule,
    global: true,
    imports: [DiscoveryModule, ...imports],
    providers: [
      optionsProvider,
      { provide: FlowRegistry, useFactory: (o: RoutiluxModuleOptions) => o.registry ?? new FlowRegistry(), inject: [ROUTILUX_MODULE_OPTIONS] },
      {
        provide: Runtime,
        useFactory: (o: RoutiluxModuleOptions, registry: FlowRegistry) =>
          new Runtime({
            registry,
            ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
            ...(o.maxFinishedJobs !== undefined ? { maxFinishedJobs: o.maxFinishedJobs } : {}),
            ...(o.clock !== undefined ? { clock: o.clock } : {}),
          }),
        inject: [ROUTILUX_MODULE_OPTIONS, FlowRegistry],
      },
      RoutiluxExplorer,
      RoutiluxLifecycle,
      JobScope,
      ...flowProviders(flows),
    ],
    exports: [ROUTILUX_MODULE_OPTIONS, FlowRegistry, Runtime, RoutiluxExplorer, JobScope, ...tokens],
  };
}

/**
 * routilux for NestJS. Import `RoutiluxModule.forRoot()` once (it is global): it provides
 * the {@link Runtime}, the application's {@link FlowRegistry}, {@link RoutiluxExplorer} and
 * {@link JobScope}. Routines are ordinary providers (any module) found by their `@Routine`
 * metadata; flows declared with `forRoot({ flows })` or `forFeature({ flows })` are built
 * from those providers when the application initialises and injected with
 * `@InjectFlow(name)`. On close, running jobs drain (then are cancelled).
 *
 * @example
 * @Module({
 *   imports: [RoutiluxModule.forRoot({ concurrency: 8 }), RoutiluxModule.forFeature({ flows: [ordersFlow] })],
 *   providers: [OrderRepository, OrderIntake, OrderPricing, OrdersService],
 * })
 * export class AppModule {}
 */
@Module({})
export class RoutiluxModule {
  /** The global routilux module with static options (and root-level flows). Bad options → `INVALID_ARGUMENT` / `INVALID_DEFINITION` now. */
  static forRoot(options: RoutiluxRootOptions = {}): DynamicModule {
    if (!isObject(options)) throw bad('RoutiluxModule.forRoot(options) takes an object like { concurrency: 10 }.');
    const { flows, ...rest } = options;
    const defs = checkFlows(flows, 'RoutiluxModule.forRoot');
    return coreModule({ provide: ROUTILUX_MODULE_OPTIONS, useValue: checkOptions(rest, 'RoutiluxModule.forRoot options') }, defs);
  }

  /** The global routilux module with options computed by a factory that can inject providers (e.g. a ConfigService). */
  static forRootAsync(options: RoutiluxModuleAsyncOptions): DynamicModule {
    if (!isObject(options) || typeof options.useFactory !== 'function') {
      throw bad('RoutiluxModule.forRootAsync needs { useFactory: (...deps) => options, inject?: [...], imports?: [...] }.');
    }
    if (options.inject !== undefined && !Array.isArray(options.inject)) throw bad('RoutiluxModule.forRootAsync: inject must be an array of tokens.');
    const defs = checkFlows(options.flows, 'RoutiluxModule.forRootAsync');
    const factory = options.useFactory as (...args: unknown[]) => RoutiluxModuleOptions | Promise<RoutiluxModuleOptions>;
    return coreModule(
      {
        provide: ROUTILUX_MODULE_OPTIONS,
        useFactory: async (...args: unknown[]) => checkOptions(await factory(...args), 'the options returned by the forRootAsync factory'),
        inject: [...(options.inject ?? [])],
      },
      defs,
      options.imports,
    );
  }

  /** Flows of a feature module, injectable with `@InjectFlow(name)` where this module is imported. Needs `forRoot` once in the application. */
  static forFeature(options: RoutiluxFeatureOptions): DynamicModule {
    if (!isObject(options)) throw bad('RoutiluxModule.forFeature(options) takes { flows: [...] }.');
    const defs = checkFlows(options.flows, 'RoutiluxModule.forFeature');
    if (defs.length === 0) throw bad('RoutiluxModule.forFeature needs at least one flow definition in flows.');
    return {
      module: RoutiluxModule,
      providers: flowProviders(defs),
      exports: defs.map((d) => getFlowToken(d.name)),
    };
  }
}
