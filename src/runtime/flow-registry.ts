import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError, RegistryError } from '../errors/routilux-error.js';
import { Flow } from '../flow/flow.js';
import { assertName, describe } from '../utils/guards.js';

/** One flow known to a {@link FlowRegistry}: its id, the names it is registered under, and the flow. */
export interface RegisteredFlow {
  readonly flowId: string;
  /** Names given with `registerByName` (empty when registered by id only). */
  readonly names: readonly string[];
  readonly flow: Flow;
}

function assertFlow(flow: unknown, where: string): asserts flow is Flow {
  if (!(flow instanceof Flow)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where} expects a Flow; got ${describe(flow)}.`);
  }
}

let singleton: FlowRegistry | undefined;

/**
 * Flows a {@link Runtime} can run, by name (`registerByName`) and by flow id (`register`).
 * `FlowRegistry.getInstance()` is the process-wide default that runtimes use; tests and
 * embedders can construct their own and pass it as `new Runtime({ registry })`.
 *
 * @example
 * const registry = FlowRegistry.getInstance();
 * registry.registerByName('pipeline', flow);
 * new Runtime({ concurrency: 10 }).exec('pipeline', { entryParams: { n: 1 } });
 */
export class FlowRegistry {
  private readonly byName = new Map<string, Flow>();
  private readonly byId = new Map<string, Flow>();

  /** The process-wide registry (created on first use). */
  static getInstance(): FlowRegistry {
    return (singleton ??= new FlowRegistry());
  }

  /** Registers `flow` under its flow id. The same flow again is a no-op; another flow with that id → `DUPLICATE_FLOW_NAME`. */
  register(flow: Flow): void {
    assertFlow(flow, 'FlowRegistry.register(flow)');
    const existing = this.byId.get(flow.flowId);
    if (existing !== undefined && existing !== flow) {
      throw new RegistryError(ErrorCode.DUPLICATE_FLOW_NAME, `Another flow is already registered with id "${flow.flowId}"; unregister it first or give the flow another flowId.`, {
        details: { flowId: flow.flowId },
      });
    }
    this.byId.set(flow.flowId, flow);
  }

  /** The flow registered under `flowId`, or undefined. */
  get(flowId: string): Flow | undefined {
    return typeof flowId === 'string' ? this.byId.get(flowId) : undefined;
  }

  /** Removes the flow registered under `flowId`; returns whether there was one. */
  unregister(flowId: string): boolean {
    return this.byId.delete(flowId);
  }

  /**
   * Registers `flow` under `name` (letters, digits, `_ . : -`). A name taken by another
   * flow → `DUPLICATE_FLOW_NAME`; the same flow under the same name again is a no-op.
   */
  registerByName(name: string, flow: Flow): void {
    assertName(name, 'flow name');
    assertFlow(flow, `FlowRegistry.registerByName("${name}", flow)`);
    const existing = this.byName.get(name);
    if (existing === flow) return;
    if (existing !== undefined) {
      throw new RegistryError(ErrorCode.DUPLICATE_FLOW_NAME, `A flow is already registered as "${name}"; pick another name or unregisterByName("${name}") first.`, {
        details: { name },
      });
    }
    this.byName.set(name, flow);
  }

  /** The flow registered as `name`, or undefined. */
  getByName(name: string): Flow | undefined {
    return typeof name === 'string' ? this.byName.get(name) : undefined;
  }

  /** Removes the name; returns whether it was registered. */
  unregisterByName(name: string): boolean {
    return this.byName.delete(name);
  }

  /** The flow registered as `nameOrId` (names first, then flow ids). Unknown → `UNKNOWN_FLOW`. */
  resolve(nameOrId: string): Flow {
    const flow = this.getByName(nameOrId) ?? this.get(nameOrId);
    if (flow === undefined) {
      const names = [...this.byName.keys()];
      throw new RegistryError(
        ErrorCode.UNKNOWN_FLOW,
        `No flow is registered as ${describe(nameOrId)}; register it with FlowRegistry.registerByName(name, flow). Registered names: ${names.length > 0 ? names.join(', ') : '(none)'}.`,
        { details: { name: String(nameOrId) } },
      );
    }
    return flow;
  }

  /** Every registered flow once, with the names it has. */
  list(): RegisteredFlow[] {
    const names = new Map<Flow, string[]>();
    for (const flow of this.byId.values()) names.set(flow, []);
    for (const [name, flow] of this.byName) {
      const list = names.get(flow);
      if (list === undefined) names.set(flow, [name]);
      else list.push(name);
    }
    return [...names].map(([flow, n]) => Object.freeze({ flowId: flow.flowId, names: Object.freeze(n), flow }));
  }

  /** Removes every registration. */
  clear(): void {
    this.byName.clear();
    this.byId.clear();
  }
}
