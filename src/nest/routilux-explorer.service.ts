import { Inject, Injectable, Scope, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import {
  DefinitionError,
  ErrorCode,
  Flow,
  FlowRegistry,
  RoutineBase,
  RoutineRegistry,
  assembleFlow,
  defineFlow,
  findRoutineMetadata,
  resolveRoutineType,
  scanRoutineClass,
  type FlowDefinition,
  type RoutineClass,
} from '../index.js';

type ProviderWrapper = ReturnType<DiscoveryService['getProviders']>[number];

/** A routine found among the application's providers. */
export interface DiscoveredRoutine {
  /** The routine class. */
  readonly type: RoutineClass<RoutineBase>;
  /** Its registered type name (what flow definitions and serialized flows use). */
  readonly name: string;
  /** The module that provides it. */
  readonly moduleName: string;
  /** `'singleton'`: one instance, which can back one flow node; `'transient'`: a new instance per node. */
  readonly scope: 'singleton' | 'transient';
  /** Slots declared with `@Slot`. */
  readonly slots: readonly string[];
  /** Events declared with `@Event`. */
  readonly events: readonly string[];
}

interface Found extends DiscoveredRoutine {
  readonly wrapper: ProviderWrapper;
}

interface Declared {
  readonly def: FlowDefinition;
  readonly flow: Flow;
  built: boolean;
}

/**
 * Finds the application's routines and builds its flows. When the application
 * initialises, it lists every provider (Nest's `DiscoveryService`) whose class carries
 * `@Routine` metadata, then fills each flow declared with `forRoot`/`forFeature` with
 * routine instances from Nest's injector and registers it by name. Inject it to list the
 * routines or to create routine instances for flows you build by hand.
 */
@Injectable()
export class RoutiluxExplorer implements OnModuleInit {
  private found: Map<Function, Found[]> | undefined;
  private readonly declared: Declared[] = [];
  private readonly built = new Map<string, Flow>();
  /** Singleton routine instances already backing a node, with where. */
  private readonly used = new Map<object, string>();

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(FlowRegistry) private readonly registry: FlowRegistry,
  ) {}

  /** @internal called by each flow provider: returns the flow, filled when the application initialises. */
  declareFlow(definition: FlowDefinition): Flow {
    const def = defineFlow(definition);
    if (this.found !== undefined) {
      // Only a lazily loaded module instantiates providers after initialisation; its routines may not be constructed yet.
      throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `Flow "${def.name}" is declared after the application initialised (a lazily loaded module?); declare flows in modules of the application's module graph.`, {
        details: { flow: def.name },
      });
    }
    const entry: Declared = { def, flow: new Flow(def.options), built: false };
    this.declared.push(entry);
    return entry.flow;
  }

  /** Discovers the routines and builds every declared flow (runs before other modules' `onModuleInit`: this module is global). */
  async onModuleInit(): Promise<void> {
    this.discover();
    for (const entry of this.declared) if (!entry.built) await this.build(entry);
  }

  /** Every routine provider of the application, in discovery order. */
  getRoutines(): DiscoveredRoutine[] {
    const out: DiscoveredRoutine[] = [];
    for (const list of this.catalogue().values()) for (const { wrapper: _, ...info } of list) out.push(Object.freeze(info));
    return out;
  }

  /** The flows built from definitions, by name. */
  getFlows(): ReadonlyMap<string, Flow> {
    return this.built;
  }

  /**
   * A routine instance from Nest's injector, for a flow you build by hand: a transient
   * provider gives a new instance per call; a singleton gives its one instance, once.
   * A class or name that no module provides → `INVALID_DEFINITION` / `UNKNOWN_ROUTINE_TYPE`.
   *
   * @example
   * flow.addRoutine(await explorer.createRoutine(OrderIntake), 'intake');
   */
  async createRoutine<T extends RoutineBase>(type: RoutineClass<T> | string): Promise<T> {
    const cls = resolveRoutineType(type as RoutineClass<RoutineBase> | string);
    return (await this.instantiate(cls, `createRoutine(${cls.name})`)) as T;
  }

  /** @internal unregisters the built flows from the registry (on shutdown); returns them. */
  release(): Flow[] {
    for (const [name, flow] of this.built) if (this.registry.getByName(name) === flow) this.registry.unregisterByName(name);
    return [...this.built.values()];
  }

  private catalogue(): Map<Function, Found[]> {
    if (this.found === undefined) this.discover();
    return this.found!;
  }

  private discover(): void {
    const found = new Map<Function, Found[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const type = wrapper.metatype;
      if (typeof type !== 'function' || wrapper.inject || wrapper.isAlias) continue; // factories and aliases are not routine classes
      if (!(type.prototype instanceof RoutineBase) || findRoutineMetadata(type) === undefined) continue;
      const moduleName = wrapper.host?.name ?? '(unknown module)';
      if (wrapper.scope === Scope.REQUEST || !wrapper.isDependencyTreeStatic()) {
        throw new DefinitionError(
          ErrorCode.INVALID_DEFINITION,
          `Routine ${type.name} (module ${moduleName}) is request-scoped, or injects a request-scoped provider. A routine lives as long as its flow and serves every job, so it cannot be: inject JobScope and call jobScope.resolve(Token, ctx) inside the handler to get per-job instances.`,
          { details: { routine: type.name, module: moduleName } },
        );
      }
      const def = scanRoutineClass(type);
      const cls = type as RoutineClass<RoutineBase>;
      const info: Found = {
        type: cls,
        name: RoutineRegistry.nameOf(cls) ?? findRoutineMetadata(type)!.name,
        moduleName,
        scope: wrapper.isTransient ? 'transient' : 'singleton',
        slots: Object.freeze([...def.slots.keys()]),
        events: Object.freeze([...def.events.keys()]),
        wrapper,
      };
      const list = found.get(type);
      if (list === undefined) found.set(type, [info]);
      else list.push(info);
    }
    this.found = found;
  }

  private async build(entry: Declared): Promise<void> {
    const { def, flow } = entry;
    entry.built = true;
    const instances = new Map<string, RoutineBase>();
    for (const [id, node] of Object.entries(def.routines)) {
      const type = resolveRoutineType(typeof node === 'object' ? node.type : node);
      instances.set(id, await this.instantiate(type, `node "${id}" of flow "${def.name}"`));
    }
    assembleFlow(def, (_type, id) => instances.get(id)!, flow);
    this.registry.registerByName(def.name, flow);
    this.built.set(def.name, flow);
  }

  private async instantiate(type: RoutineClass<RoutineBase>, where: string): Promise<RoutineBase> {
    const list = this.catalogue().get(type);
    if (list === undefined || list.length === 0) {
      throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `Routine ${type.name} (${where}) is not a provider of any module; add it to the providers of a module of the application.`, {
        details: { routine: type.name },
      });
    }
    if (list.length > 1) {
      throw new DefinitionError(
        ErrorCode.INVALID_DEFINITION,
        `Routine ${type.name} (${where}) is provided by several modules (${list.map((f) => f.moduleName).join(', ')}); provide it in one module and export it from there.`,
        { details: { routine: type.name, modules: list.map((f) => f.moduleName) } },
      );
    }
    const { wrapper, scope } = list[0]!;
    if (scope === 'singleton') {
      const instance = wrapper.instance as RoutineBase;
      const taken = this.used.get(instance);
      if (taken !== undefined) {
        throw new DefinitionError(
          ErrorCode.INVALID_DEFINITION,
          `Routine ${type.name} is a singleton provider already used by ${taken}, so it cannot also back ${where}. Declare it @Injectable({ scope: Scope.TRANSIENT }) to get one instance per flow node.`,
          { details: { routine: type.name } },
        );
      }
      this.used.set(instance, where);
      return instance;
    }
    const hostRef = wrapper.host?.getProviderByKey(ModuleRef)?.instance as ModuleRef | undefined;
    return (hostRef ?? this.moduleRef).resolve<RoutineBase>(wrapper.token as never, undefined, { strict: hostRef !== undefined });
  }
}
