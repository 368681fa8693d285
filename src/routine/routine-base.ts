import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError, ExecutionError, InvalidArgumentError } from '../errors/routilux-error.js';
import { assertJsonValue, cloneJson, type JsonValue } from '../config/json-value.js';
import { configDefaults, validateConfig } from '../config/validate-config.js';
import { ErrorHandler, ErrorStrategy } from '../flow/error-handler.js';
import { assertMergeStrategy, normalizeMerge } from '../graph/merge-strategy.js';
import { scanRoutineClass, findRoutineMetadata } from '../metadata/metadata-scanner.js';
import { LOGIC_KEY } from '../metadata/metadata-keys.js';
import { getOwn } from '../metadata/metadata-store.js';
import { isActivationPolicy, type ActivationPolicy, type LogicFunction } from '../policies/activation-policy.js';
import { currentContext, type ActiveContext } from '../runtime/context-store.js';
import { checkOptions } from '../utils/closed-options.js';
import { assertActivationTimeout, assertName, assertNumber, assertPayload, describe } from '../utils/guards.js';
import { DEFAULT_MAX_QUEUE_LENGTH, SLOT_OPTION_KEYS, type EventDefinition, type SlotDefinition, type SlotHandler, type SlotOptions } from './definitions.js';
import { inOwnConstructor } from './definition-origin.js';
import { EventPort } from './event-port.js';
import type { ExecutionContext } from './execution-context.js';

interface View {
  readonly slots: ReadonlyMap<string, SlotDefinition>;
  readonly events: ReadonlyMap<string, EventDefinition>;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Base class of every routine. Declare slots and events with decorators (`@Slot`,
 * `@Event`) or programmatically (`defineSlot`, `defineEvent` in the constructor).
 *
 * A routine instance holds no run-time state: one instance serves every job of its flow
 * at once, and everything per execution lives in the job's `JobState`.
 *
 * @example
 * class Upper extends RoutineBase {
 *   constructor() {
 *     super();
 *     this.defineSlot('trigger', (data) => this.emit('output', { text: String(data.text).toUpperCase() }));
 *     this.defineEvent('output', ['text']);
 *   }
 * }
 */
export abstract class RoutineBase {
  private _ownSlots: Map<string, SlotDefinition> | undefined;
  private _ownEvents: Map<string, EventDefinition> | undefined;
  private _view: View | undefined;
  private _config: Readonly<Record<string, JsonValue>> | undefined;
  private _errorHandler: ErrorHandler | undefined;
  private _logic: LogicFunction | undefined;
  private _policy: ActivationPolicy | undefined;
  private _activationTimeout: number | undefined;
  private _revision = 0;
  /** Set when the logic was given from outside the class (not while its constructor ran). */
  private _logicAttached = false;
  /** Slots defined from outside the class, with a handler or a custom merge. */
  private _attachedSlots: Set<string> | undefined;

  /** Defines an input slot. Duplicate name → `DUPLICATE_SLOT`. */
  defineSlot<T extends object = Record<string, unknown>>(name: string, handler?: SlotHandler<T>, options: SlotOptions = {}): SlotDefinition<T> {
    assertName(name, 'slot name');
    if (handler !== undefined && typeof handler !== 'function') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `defineSlot("${name}"): handler must be a function (data, ctx) => …; got ${describe(handler)}.`);
    }
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `defineSlot("${name}"): options must be an object like { merge: 'append' }; got ${describe(options)}.`);
    }
    checkOptions(options, SLOT_OPTION_KEYS, `defineSlot("${name}")`);
    if (options.merge !== undefined) assertMergeStrategy(options.merge, `defineSlot("${name}")`);
    if (options.maxQueueLength !== undefined) assertNumber(options.maxQueueLength, `defineSlot("${name}") maxQueueLength`, { min: 1, integer: true });
    if (options.timeout !== undefined) assertActivationTimeout(options.timeout, `defineSlot("${name}") timeout (ms)`);
    if (options.internal !== undefined && typeof options.internal !== 'boolean') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `defineSlot("${name}") internal must be true or false; got ${describe(options.internal)}.`);
    }
    if (this.hasSlot(name)) {
      throw new DefinitionError(ErrorCode.DUPLICATE_SLOT, `Slot "${name}" already exists in ${this.constructor.name}; slot names must be unique per routine.`, {
        details: { routine: this.constructor.name, slot: name },
      });
    }
    const def: SlotDefinition = Object.freeze({
      name,
      handler: handler as SlotHandler<never> | undefined,
      merge: normalizeMerge(options.merge),
      maxQueueLength: options.maxQueueLength ?? DEFAULT_MAX_QUEUE_LENGTH,
      timeout: options.timeout,
      internal: options.internal === true,
    });
    (this._ownSlots ??= new Map()).set(name, def);
    if ((handler !== undefined || typeof def.merge === 'function') && !inOwnConstructor(this, RoutineBase)) (this._attachedSlots ??= new Set()).add(name);
    this.invalidate();
    return def as SlotDefinition<T>;
  }

  /**
   * Defines an output event. Duplicate name → `DUPLICATE_EVENT`. `params` documents payload
   * keys; `T` types the payload for `flow.wire` when the definition is kept in a property.
   */
  defineEvent<T extends object = Record<string, unknown>>(name: string, params: readonly string[] = []): EventDefinition<T> {
    assertName(name, 'event name');
    if (!Array.isArray(params) || params.some((p) => typeof p !== 'string')) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `defineEvent("${name}"): params must be an array of key names; got ${describe(params)}.`);
    }
    if (this.hasEvent(name)) {
      throw new DefinitionError(ErrorCode.DUPLICATE_EVENT, `Event "${name}" already exists in ${this.constructor.name}; event names must be unique per routine.`, {
        details: { routine: this.constructor.name, event: name },
      });
    }
    const def: EventDefinition = Object.freeze({ name, params: Object.freeze([...params]) });
    (this._ownEvents ??= new Map()).set(name, def);
    this.invalidate();
    return def as EventDefinition<T>;
  }

  /** Read-only map of the routine's slots (decorated and programmatic). */
  get slots(): ReadonlyMap<string, SlotDefinition> {
    return this.view().slots;
  }

  /** Read-only map of the routine's events (decorated and programmatic). */
  get events(): ReadonlyMap<string, EventDefinition> {
    return this.view().events;
  }

  /**
   * Emits an event: enqueues one task per connected slot of the running job and
   * returns; never blocks. Unknown event → `UNKNOWN_EVENT`; outside a job →
   * `NO_EXECUTION_CONTEXT`; a non-object payload → `INVALID_ARGUMENT`.
   */
  emit(eventName: string, data: object = {}): void {
    const ctx = currentContext() as ActiveContext | undefined;
    if (ctx === undefined) {
      if (!this.hasEvent(eventName)) throw this.unknownEvent(eventName);
      throw new ExecutionError(
        ErrorCode.NO_EXECUTION_CONTEXT,
        `${this.constructor.name}.emit("${eventName}") was called outside a running job; emit from a slot handler (or code it awaits) of a job started with flow.execute/start or a Runtime.`,
        { details: { event: eventName } },
      );
    }
    ctx.emitFrom(this, eventName, data);
  }

  /** The activation running now for this job, or undefined outside a job. */
  getExecutionContext(): ExecutionContext | undefined {
    return currentContext();
  }

  /**
   * Sends an output record to the job: appended to `jobState.outputLog` and passed to
   * the job's output handler (a throwing handler never breaks the job).
   */
  sendOutput(outputType: string, data: unknown): void {
    const ctx = this.requireContext('sendOutput');
    if (typeof outputType !== 'string' || outputType.length === 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `sendOutput(outputType, data): outputType must be a non-empty string; got ${describe(outputType)}.`);
    }
    ctx.jobState.sendOutput(ctx.routineId, outputType, data);
  }

  /** Stores an event to be emitted once when the job is next resumed. */
  emitDeferredEvent(eventName: string, data: object = {}): void {
    const ctx = this.requireContext('emitDeferredEvent');
    if (!this.hasEvent(eventName)) throw this.unknownEvent(eventName);
    assertPayload(data, `emitDeferredEvent("${eventName}") data`);
    ctx.jobState.addDeferredEvent(ctx.routineId, eventName, data);
  }

  /** Merges `partial` into the static configuration (JSON values only; validated against the config class). */
  setConfig(partial: Record<string, unknown>): void {
    assertPayload(partial, 'setConfig(partial)');
    assertJsonValue(partial, this.constructor.name);
    const merged: Record<string, JsonValue> = { ...this.configRef(), ...cloneJson(partial as Record<string, JsonValue>) };
    const meta = findRoutineMetadata(this.constructor);
    if (meta?.configClass !== undefined) validateConfig(meta.configClass, merged, meta.name);
    this._config = deepFreeze(merged);
  }

  /** One configuration value, or `fallback` when unset. Values are frozen. */
  getConfig<T = JsonValue>(key: string, fallback?: T): T {
    const cfg = this.configRef();
    return (Object.prototype.hasOwnProperty.call(cfg, key) ? cfg[key] : fallback) as T;
  }

  /** A copy of the whole configuration. */
  get config(): Record<string, JsonValue> {
    return cloneJson({ ...this.configRef() });
  }

  /** Sets the routine-level error handler (wins over the flow's). */
  setErrorHandler(handler: ErrorHandler | undefined): void {
    if (handler !== undefined && !(handler instanceof ErrorHandler)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `setErrorHandler expects an ErrorHandler (new ErrorHandler({ strategy: 'retry' })); got ${describe(handler)}.`);
    }
    this._errorHandler = handler;
  }

  /** The routine-level error handler, if any. */
  getErrorHandler(): ErrorHandler | undefined {
    return this._errorHandler;
  }

  /** RETRY with the given backoff; when retries are exhausted the job fails. */
  setAsCritical(options: { maxRetries?: number; retryDelay?: number; retryBackoff?: number } = {}): void {
    checkOptions(options, ['maxRetries', 'retryDelay', 'retryBackoff'], 'setAsCritical');
    this._errorHandler = new ErrorHandler({
      strategy: ErrorStrategy.RETRY,
      maxRetries: options.maxRetries ?? 3,
      retryDelay: options.retryDelay ?? 1000,
      retryBackoff: options.retryBackoff ?? 2,
      isCritical: true,
    });
  }

  /** CONTINUE (default) or SKIP on failure; the job goes on. */
  setAsOptional(strategy: 'continue' | 'skip' = 'continue'): void {
    if (strategy !== 'continue' && strategy !== 'skip') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `setAsOptional(strategy) takes 'continue' or 'skip'; got ${describe(strategy)}.`);
    }
    this._errorHandler = new ErrorHandler({ strategy, isCritical: false });
  }

  /**
   * Makes this a logic routine: deliveries to its slots queue per job, and the activation
   * policy decides when `logic(slotData, policyMessage, jobState)` runs and what it
   * consumes (`slotData`: slot name → consumed payloads). Slot handlers are not called.
   * Returns the routine for chaining. See docs/runtime.md.
   */
  setLogic(logic: LogicFunction): this {
    if (typeof logic !== 'function') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `setLogic expects a function (slotData, policyMessage, jobState) => …; got ${describe(logic)}.`);
    }
    this._logic = logic;
    this._logicAttached = !inOwnConstructor(this, RoutineBase);
    this.invalidate();
    return this;
  }

  /** The logic set with `setLogic` or declared with `@Logic`, if any. */
  getLogic(): LogicFunction | undefined {
    if (this._logic !== undefined) return this._logic;
    const meta = this.logicMetadata();
    return meta === undefined ? undefined : ((Object.getPrototypeOf(this) as Record<string | symbol, unknown>)[meta.methodKey] as LogicFunction);
  }

  /** Sets when the logic runs (default {@link immediatePolicy}); `undefined` restores the default. Returns the routine. */
  setActivationPolicy(policy: ActivationPolicy | undefined): this {
    if (policy !== undefined && !isActivationPolicy(policy)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `setActivationPolicy expects a policy such as batchSizePolicy(10); got ${describe(policy)}.`);
    }
    this._policy = policy;
    this.invalidate();
    return this;
  }

  /** The routine-level activation policy (set here or with `@Logic({ policy })`), if any. */
  getActivationPolicy(): ActivationPolicy | undefined {
    return this._policy ?? (this.logicMetadata()?.policy as ActivationPolicy | undefined);
  }

  /**
   * Sets the default activation timeout (ms) of every slot and the logic of this routine
   * (a slot's own `timeout` wins); `undefined` restores the one of `@Routine({ timeout })`,
   * if any. Not a positive finite number → `INVALID_ARGUMENT`. Returns the routine.
   */
  setActivationTimeout(ms: number | undefined): this {
    if (ms !== undefined) assertActivationTimeout(ms, 'setActivationTimeout(ms)');
    this._activationTimeout = ms;
    this.invalidate();
    return this;
  }

  /** The default activation timeout of this routine's slots and logic (ms), if any. */
  getActivationTimeout(): number | undefined {
    return this._activationTimeout ?? findRoutineMetadata(this.constructor)?.timeout;
  }

  /**
   * @internal Functions given to this instance from outside its class (api.md §7): the
   * logic, if `setLogic` was called after construction, and slots with a handler or a custom
   * merge defined after construction. A document recreates only what the class defines.
   */
  _attachedFunctions(): { readonly logic: LogicFunction | undefined; readonly slots: readonly string[] } {
    return { logic: this._logicAttached ? this._logic : undefined, slots: [...(this._attachedSlots ?? [])] };
  }

  /** @internal increases whenever slots or events change. */
  get definitionRevision(): number {
    return this._revision;
  }

  private logicMetadata(): { readonly methodKey: string | symbol; readonly policy?: unknown } | undefined {
    for (let p: object | null = Object.getPrototypeOf(this) as object; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
      const meta = getOwn(LOGIC_KEY, p);
      if (meta !== undefined) return meta;
    }
    return undefined;
  }

  private hasSlot(name: string): boolean {
    return this._ownSlots?.has(name) === true || scanRoutineClass(this.constructor).slots.has(name);
  }

  private hasEvent(name: string): boolean {
    return this._ownEvents?.has(name) === true || scanRoutineClass(this.constructor).events.has(name);
  }

  private unknownEvent(eventName: string): DefinitionError {
    return new DefinitionError(
      ErrorCode.UNKNOWN_EVENT,
      `${this.constructor.name} has no event "${String(eventName)}"; declare it with defineEvent("${String(eventName)}") or @Event. Known events: ${[...this.events.keys()].join(', ') || '(none)'}.`,
      { details: { event: String(eventName) } },
    );
  }

  private requireContext(what: string): ExecutionContext {
    const ctx = currentContext();
    if (ctx === undefined) {
      throw new ExecutionError(ErrorCode.NO_EXECUTION_CONTEXT, `${this.constructor.name}.${what}() was called outside a running job; call it from a slot handler.`);
    }
    return ctx;
  }

  private configRef(): Readonly<Record<string, JsonValue>> {
    if (this._config === undefined) {
      const meta = findRoutineMetadata(this.constructor);
      this._config = deepFreeze(meta?.configClass !== undefined ? configDefaults(meta.configClass) : {});
    }
    return this._config;
  }

  private invalidate(): void {
    this._view = undefined;
    this._revision++;
  }

  private view(): View {
    if (this._view !== undefined) return this._view;
    const cls = scanRoutineClass(this.constructor);
    const slots = new Map<string, SlotDefinition>();
    const proto = Object.getPrototypeOf(this) as Record<string | symbol, unknown>;
    for (const s of cls.slots.values()) {
      const handler = s.handlerless === true ? undefined : proto[s.methodKey];
      slots.set(
        s.name,
        Object.freeze({
          name: s.name,
          handler: handler as SlotHandler<never>,
          merge: normalizeMerge(s.merge as string | undefined),
          maxQueueLength: s.maxQueueLength ?? DEFAULT_MAX_QUEUE_LENGTH,
          timeout: s.timeout,
          internal: false,
        }),
      );
    }
    for (const [k, v] of this._ownSlots ?? []) slots.set(k, v);
    const events = new Map<string, EventDefinition>();
    const self = this as unknown as Record<string | symbol, unknown>;
    for (const e of cls.events.values()) {
      events.set(e.name, Object.freeze({ name: e.name, params: e.params }));
      let port = self[e.propertyKey];
      if (port === undefined) {
        port = new EventPort();
        Object.defineProperty(this, e.propertyKey, { value: port, enumerable: true, configurable: true, writable: false });
      }
      if (!(port instanceof EventPort)) {
        throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `${this.constructor.name}.${String(e.propertyKey)} is declared with @Event but holds ${describe(port)}; initialize it with event<Payload>().`);
      }
      port.bind(this, e.name);
    }
    for (const [k, v] of this._ownEvents ?? []) events.set(k, v);
    this._view = { slots, events };
    return this._view;
  }
}
