import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError } from '../errors/routilux-error.js';
import { findRoutineMetadata } from '../metadata/metadata-scanner.js';
import type { RoutineClass } from '../metadata/routine-registry.js';
import { RoutineBase } from '../routine/routine-base.js';
import { assertName, describe, isPlainObject } from '../utils/guards.js';
import { defineFlow, type FlowDefinition } from './flow-definition.js';

/** A key providers are registered and resolved under: a class, a string or a symbol. */
export type AppToken<T = unknown> = string | symbol | (abstract new (...args: never[]) => T);

/** Resolves providers of a {@link RoutiluxApplication}; given to factory providers. */
export interface AppResolver {
  /** The provider registered under `token` (a class with `@injectable`/`@Routine` is constructed). */
  resolve<T>(token: AppToken<T>): T;
}

/**
 * A provider of an application module:
 * - a class: one instance for the application, constructed with its dependencies injected;
 * - `{ provide, useClass }`: the same, under another token;
 * - `{ provide, useValue }`: that value;
 * - `{ provide, useFactory }`: the factory's result, created once on first use.
 */
export type AppProvider =
  | (new (...args: never[]) => object)
  | { readonly provide: AppToken; readonly useClass: new (...args: never[]) => unknown }
  | { readonly provide: AppToken; readonly useValue: unknown }
  | { readonly provide: AppToken; readonly useFactory: (resolver: AppResolver) => unknown };

/** What {@link defineModule} takes. */
export interface AppModuleDefinition {
  /** A name for error messages (letters, digits, `_ . : -`). */
  readonly name: string;
  /** Modules whose providers, routines and flows this module needs. Each module is registered once. */
  readonly imports?: readonly AppModule[];
  /** Services (and anything else routines inject). */
  readonly providers?: readonly AppProvider[];
  /** Routine classes (with `@Routine`) that flows of the application may use. */
  readonly routines?: readonly RoutineClass<RoutineBase>[];
  /** Flows registered by name when the application is created. */
  readonly flows?: readonly FlowDefinition[];
}

/** A checked, frozen module definition made by {@link defineModule}. */
export interface AppModule extends AppModuleDefinition {
  readonly imports: readonly AppModule[];
  readonly providers: readonly AppProvider[];
  readonly routines: readonly RoutineClass<RoutineBase>[];
  readonly flows: readonly FlowDefinition[];
}

const MODULES = new WeakSet<object>();
const MODULE_KEYS: ReadonlySet<string> = new Set(['name', 'imports', 'providers', 'routines', 'flows']);

function invalid(message: string): DefinitionError {
  return new DefinitionError(ErrorCode.INVALID_DEFINITION, message);
}

/** @internal true for a module made by defineModule. */
export function isAppModule(value: unknown): value is AppModule {
  return typeof value === 'object' && value !== null && MODULES.has(value);
}

/** @internal the token a provider is registered under. */
export function providerToken(provider: AppProvider): AppToken {
  return typeof provider === 'function' ? provider : provider.provide;
}

function checkProvider(p: unknown, where: string): void {
  if (typeof p === 'function') return;
  if (!isPlainObject(p)) throw invalid(`${where} must be a class or { provide, useClass | useValue | useFactory }; got ${describe(p)}.`);
  const token = p['provide'];
  if (typeof token !== 'string' && typeof token !== 'symbol' && typeof token !== 'function') {
    throw invalid(`${where}: provide must be a class, string or symbol token; got ${describe(token)}.`);
  }
  const kinds = ['useClass', 'useValue', 'useFactory'].filter((k) => k in p);
  if (kinds.length !== 1) throw invalid(`${where} (${String(token)}) needs exactly one of useClass, useValue, useFactory; got ${kinds.join(', ') || 'none'}.`);
  for (const key of Object.keys(p)) if (key !== 'provide' && key !== kinds[0]) throw invalid(`${where} (${String(token)}): unknown key "${key}".`);
  if (kinds[0] === 'useClass' && typeof p['useClass'] !== 'function') throw invalid(`${where} (${String(token)}): useClass must be a class.`);
  if (kinds[0] === 'useFactory' && typeof p['useFactory'] !== 'function') throw invalid(`${where} (${String(token)}): useFactory must be a function (resolver) => value.`);
}

/**
 * Declares a module of a plain (non-Nest) routilux application: its services, routines and
 * flows. Mistakes are `INVALID_DEFINITION` errors raised here, not when the app starts.
 *
 * @example
 * const OrdersModule = defineModule({
 *   name: 'orders',
 *   providers: [OrderRepository, { provide: PAYMENTS, useValue: new FakePayments() }],
 *   routines: [OrderIntake, OrderPricing],
 *   flows: [ordersFlow],
 * });
 * @see RoutiluxApplication
 */
export function defineModule(definition: AppModuleDefinition): AppModule {
  if (!isPlainObject(definition)) throw invalid(`defineModule expects an object like { name, providers, routines, flows }; got ${describe(definition)}.`);
  for (const key of Object.keys(definition)) {
    if (!MODULE_KEYS.has(key)) throw invalid(`Unknown key "${key}" in module definition; known keys: ${[...MODULE_KEYS].join(', ')}.`);
  }
  assertName(definition.name, 'module name');
  const where = `module "${definition.name}"`;
  const list = <T>(value: readonly T[] | undefined, what: string): readonly T[] => {
    if (value === undefined) return Object.freeze([]);
    if (!Array.isArray(value)) throw invalid(`${where}: ${what} must be an array; got ${describe(value)}.`);
    return Object.freeze([...value]);
  };
  const imports = list(definition.imports, 'imports');
  imports.forEach((m, i) => {
    if (!isAppModule(m)) throw invalid(`${where}: imports[${i}] is not a module made by defineModule; got ${describe(m)}.`);
  });
  const providers = list(definition.providers, 'providers');
  providers.forEach((p, i) => checkProvider(p, `${where} providers[${i}]`));
  const routines = list(definition.routines, 'routines');
  routines.forEach((r, i) => {
    if (typeof r !== 'function' || !(r.prototype instanceof RoutineBase) || findRoutineMetadata(r) === undefined) {
      throw invalid(`${where}: routines[${i}] must be a RoutineBase subclass decorated with @Routine(); got ${typeof r === 'function' ? r.name : describe(r)}.`);
    }
  });
  const flows = list(definition.flows, 'flows').map((f) => defineFlow(f));
  const module: AppModule = Object.freeze({ name: definition.name, imports, providers, routines, flows: Object.freeze(flows) });
  MODULES.add(module);
  return module;
}
