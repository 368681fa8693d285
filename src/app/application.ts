import { defaultContainer, isContainer, resolveClass, type DependencyContainer } from '../di/container.js';
import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError, ExecutionError, InvalidArgumentError, RegistryError } from '../errors/routilux-error.js';
import { Flow } from '../flow/flow.js';
import type { RoutineClass } from '../metadata/routine-registry.js';
import type { Clock } from '../runtime/clock.js';
import { FlowRegistry } from '../runtime/flow-registry.js';
import { Runtime } from '../runtime/runtime.js';
import type { RuntimeShutdownOptions } from '../runtime/runtime-options.js';
import type { RoutineBase } from '../routine/routine-base.js';
import { describe, isPlainObject } from '../utils/guards.js';
import { isAppModule, providerToken, type AppModule, type AppProvider, type AppResolver, type AppToken } from './app-module.js';
import { assembleFlow, type FlowDefinition } from './flow-definition.js';

/** Options of {@link RoutiluxApplication.create}. Durations in milliseconds. */
export interface RoutiluxApplicationOptions {
  /** The application's modules (their imports are followed). */
  readonly modules: readonly AppModule[];
  /** Activations running at once across all jobs of the runtime. @default 10 */
  readonly concurrency?: number;
  /** Finished jobs the runtime keeps for getJob/listJobs. @default 10000 */
  readonly maxFinishedJobs?: number;
  /** Time source of the runtime's own timers (flows take theirs from their definition's options). @default systemClock */
  readonly clock?: Clock;
  /** Where flows are registered by name. @default a new FlowRegistry of this application */
  readonly registry?: FlowRegistry;
  /** The parent of the application's container. @default tsyringe's root container */
  readonly container?: DependencyContainer;
  /** How `close()` stops running jobs: `drainTimeout` ms to finish, then cancelled with `grace` ms to settle. @default { drainTimeout: 5000, grace: 1000 } */
  readonly shutdown?: RuntimeShutdownOptions;
}

const OPTION_KEYS: ReadonlySet<string> = new Set(['modules', 'concurrency', 'maxFinishedJobs', 'clock', 'registry', 'container', 'shutdown']);

function tokenName(token: AppToken): string {
  return typeof token === 'function' ? token.name : String(token);
}

/**
 * A plain Node application of routilux, without NestJS: modules register services,
 * routines and flows into one tsyringe container (a child of yours), flows are built from
 * their definitions with routine instances from that container and registered by name, and
 * a ready {@link Runtime} runs them. `close()` drains the runtime and the flows.
 *
 * Every `resolve` of a routine class creates a new instance (one per flow node); class
 * and factory providers are created once per application.
 *
 * @example
 * const app = RoutiluxApplication.create({ modules: [OrdersModule], concurrency: 8 });
 * const job = app.runtime.exec('orders', { entryParams: { orderId: 'o-1' } });
 * await app.runtime.waitUntilAllJobsFinished();
 * await app.close();
 */
export class RoutiluxApplication implements AppResolver {
  /** The application's container (a child of the one given in the options). */
  readonly container: DependencyContainer;
  /** The registry the application's flows are registered in. */
  readonly registry: FlowRegistry;
  /** The runtime that runs the application's flows. */
  readonly runtime: Runtime;
  private readonly flows = new Map<string, Flow>();
  private readonly shutdownOptions: RuntimeShutdownOptions;
  private closing: Promise<void> | undefined;

  private constructor(options: RoutiluxApplicationOptions) {
    if (!isPlainObject(options)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `RoutiluxApplication.create expects options like { modules: [...] }; got ${describe(options)}.`);
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Unknown RoutiluxApplication option "${key}"; known options: ${[...OPTION_KEYS].join(', ')}.`);
    }
    if (!Array.isArray(options.modules) || options.modules.length === 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutiluxApplication.create needs modules: a non-empty array of modules made by defineModule.');
    }
    if (options.container !== undefined && !isContainer(options.container)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutiluxApplication container must be a tsyringe DependencyContainer.');
    }
    if (options.registry !== undefined && !(options.registry instanceof FlowRegistry)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `RoutiluxApplication registry must be a FlowRegistry; got ${describe(options.registry)}.`);
    }
    if (options.shutdown !== undefined && !isPlainObject(options.shutdown)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `RoutiluxApplication shutdown must be an object { drainTimeout?, grace? }; got ${describe(options.shutdown)}.`);
    }
    this.shutdownOptions = { ...options.shutdown };
    const modules = collect(options.modules);
    this.container = (options.container ?? defaultContainer()).createChildContainer();
    this.registry = options.registry ?? new FlowRegistry();
    this.runtime = new Runtime({
      registry: this.registry,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.maxFinishedJobs !== undefined ? { maxFinishedJobs: options.maxFinishedJobs } : {}),
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
    });
    this.registerProviders(modules);
    const routines = new Set<Function>();
    for (const m of modules) for (const r of m.routines) routines.add(r);
    try {
      for (const m of modules) for (const def of m.flows) this.buildFlow(m, def, routines);
    } catch (error) {
      for (const name of this.flows.keys()) this.registry.unregisterByName(name);
      throw error;
    }
  }

  /**
   * Creates the application: registers every module's providers (a token provided twice
   * → `INVALID_DEFINITION`), builds every flow (a routine not listed in any module's
   * `routines` → `INVALID_DEFINITION`) and registers it by name (taken → `DUPLICATE_FLOW_NAME`).
   */
  static create(options: RoutiluxApplicationOptions): RoutiluxApplication {
    return new RoutiluxApplication(options);
  }

  /** Names of the application's flows, in module order. */
  get flowNames(): string[] {
    return [...this.flows.keys()];
  }

  /** True once `close()` was called. */
  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  /** The application's flow named `name`; unknown → `UNKNOWN_FLOW`. */
  getFlow(name: string): Flow {
    const flow = this.flows.get(name);
    if (flow === undefined) {
      throw new RegistryError(ErrorCode.UNKNOWN_FLOW, `This application has no flow named ${describe(name)}; its flows: ${this.flowNames.join(', ') || '(none)'}.`, { details: { name: String(name) } });
    }
    return flow;
  }

  /** The provider registered under `token`; a class nobody registered is constructed if it is injectable. Unknown → `INVALID_DEFINITION`. */
  resolve<T>(token: AppToken<T>): T {
    if (this.closing !== undefined) throw new ExecutionError(ErrorCode.INVALID_STATE, 'This application is closed; create a new one to resolve providers.');
    try {
      return this.container.resolve(token as never);
    } catch (cause) {
      throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `Could not resolve ${tokenName(token)}: ${cause instanceof Error ? cause.message : String(cause)}. Add it (and what it injects) to the providers of a module.`, {
        cause,
        details: { token: tokenName(token) },
      });
    }
  }

  /**
   * Stops the application: the runtime and every flow drain their running jobs (cancelled
   * after `shutdown.drainTimeout`), the flows are unregistered and the container disposes
   * what it created. No job of the application is left running. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    const drain = this.shutdownOptions.drainTimeout;
    this.closing = (async () => {
      await Promise.all([
        this.runtime.shutdown(this.shutdownOptions),
        ...[...this.flows.values()].map((f) => f.shutdown(drain === undefined ? {} : { drainTimeout: drain })),
      ]);
      for (const [name, flow] of this.flows) if (this.registry.getByName(name) === flow) this.registry.unregisterByName(name);
      await this.container.dispose();
    })();
    return this.closing;
  }

  private registerProviders(modules: readonly AppModule[]): void {
    const owners = new Map<AppToken, string>();
    for (const m of modules) {
      for (const p of m.providers) {
        const token = providerToken(p);
        const owner = owners.get(token);
        if (owner !== undefined) {
          throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `${tokenName(token)} is provided by both module "${owner}" and module "${m.name}"; provide it once (in a shared module both import).`, {
            details: { token: tokenName(token), modules: [owner, m.name] },
          });
        }
        owners.set(token, m.name);
        this.register(p);
      }
    }
  }

  private register(provider: AppProvider): void {
    const c = this.container;
    if (typeof provider === 'function') {
      c.registerSingleton(provider as never);
    } else if ('useClass' in provider) {
      c.registerSingleton(provider.provide as never, provider.useClass as never);
    } else if ('useValue' in provider) {
      c.register(provider.provide as never, { useValue: provider.useValue });
    } else {
      let made = false;
      let value: unknown;
      const factory = provider.useFactory;
      c.register(provider.provide as never, {
        useFactory: () => {
          if (!made) {
            value = factory(this);
            made = true;
          }
          return value;
        },
      });
    }
  }

  private buildFlow(module: AppModule, def: FlowDefinition, routines: ReadonlySet<Function>): void {
    const name = def.name;
    if (this.flows.has(name)) {
      throw new RegistryError(ErrorCode.DUPLICATE_FLOW_NAME, `Two modules define a flow named "${name}"; rename one.`, { details: { name } });
    }
    const flow = assembleFlow(def, (type: RoutineClass<RoutineBase>, routineId: string) => {
      if (!routines.has(type)) {
        throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `Routine ${type.name} (node "${routineId}" of flow "${name}") is not listed in the routines of any module; add it to the routines of module "${module.name}" or a module it imports.`, {
          details: { flow: name, routineId, routine: type.name },
        });
      }
      return resolveClass(this.container, type as unknown as new () => RoutineBase);
    }, new Flow({ ...def.options, container: this.container }));
    this.registry.registerByName(name, flow);
    this.flows.set(name, flow);
  }
}

/** Modules in dependency order (imports first), each once. */
function collect(roots: readonly AppModule[]): AppModule[] {
  const out: AppModule[] = [];
  const seen = new Set<AppModule>();
  const visit = (m: AppModule, path: string): void => {
    if (!isAppModule(m)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${path} is not a module made by defineModule; got ${describe(m)}.`);
    if (seen.has(m)) return;
    seen.add(m);
    m.imports.forEach((child, i) => visit(child, `${m.name}.imports[${i}]`));
    out.push(m);
  };
  roots.forEach((m, i) => visit(m, `modules[${i}]`));
  return out;
}
