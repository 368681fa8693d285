import { randomUUID } from 'node:crypto';
import type { DependencyContainer } from 'tsyringe';
import { assertJsonValue } from '../config/json-value.js';
import { defaultContainer, isContainer, resolveClass } from '../di/container.js';
import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError, ExecutionError, InvalidArgumentError } from '../errors/routilux-error.js';
import type { Connection, ExecutionStrategy, FlowIssue } from '../graph/connection.js';
import { RoutineRegistry } from '../metadata/routine-registry.js';
import { RoutineBase } from '../routine/routine-base.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { FlowPlan, PlanEvent, PlanNode, PlanSlot, SlotKind } from '../runtime/flow-plan.js';
import { JobRun } from '../runtime/job-run.js';
import { EventHub, type RoutiluxEvent } from '../runtime/job-events.js';
import type { Observable } from 'rxjs';
import { assertTimeout } from '../runtime/runtime-checks.js';
import { Scheduler } from '../runtime/scheduler.js';
import { DEFAULT_HISTORY_LIMIT, JobState } from '../state/job-state.js';
import { DEFAULT_CANCEL_GRACE, DEFAULT_DRAIN_TIMEOUT, DEFAULT_SHUTDOWN_GRACE } from '../host/job-defaults.js';
import { JobHost } from '../host/job-host.js';
import { addBreakpoint, addCheckedBreakpoints, assertNotFinished, checkBreakpointList, removeBreakpoint } from '../host/job-debugger.js';
import type { Breakpoint, BreakpointSpec } from '../state/breakpoint-types.js';
import { assertName, assertNumber, assertPayload, assertSafeKey, describe } from '../utils/guards.js';
import { ErrorHandler } from './error-handler.js';
import {
  DEFAULT_EXECUTION_TIMEOUT,
  DEFAULT_MAX_WORKERS,
  MAX_TIMEOUT,
  type CancelOptions,
  type ExecuteOptions,
  type FlowOptions,
  type ShutdownOptions,
} from './flow-options.js';
import { validateFlow } from './flow-validator.js';
import { cycleIssues } from './cycles.js';
import { resolveLimits, type ResolvedLimits } from './limits.js';
import { checkOptions } from '../utils/closed-options.js';
import { checkData } from '../utils/json-data.js';
import type { SerializedFlow } from '../serialization/flow-serializer.js';
import { flowFromText, flowToText, type FlowDocumentOptions } from '../documents/flow-yaml.js';
import { flowFromDocument, flowToDocument } from './flow-document.js';
import { resolveWire, type EventMember, type EventPayloadOf, type KnownKeys, type NoMapping, type PayloadCheck, type PayloadMapping, type RoutineId, type SlotMember, type SlotPayloadOf } from './typed-wiring.js';

type RoutineCtor = new (...args: never[]) => RoutineBase;

declare module '../routine/execution-context.js' {
  /** `ctx.flow` is the Flow that runs the job. */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ExecutionFlow extends Flow {}
}

function assertStrategy(value: unknown): asserts value is ExecutionStrategy {
  if (value !== 'sequential' && value !== 'concurrent') {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `executionStrategy must be 'sequential' or 'concurrent'; got ${describe(value)}.`, { details: { value: String(value) } });
  }
}

/**
 * A reusable workflow template: routines connected event → slot. One flow runs any
 * number of jobs at once; each job has its own {@link JobState}.
 *
 * @example
 * const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 4 });
 * const src = flow.addRoutine(new Source(), 'src');
 * const sink = flow.addRoutine(Sink, 'sink');        // classes are resolved through DI
 * flow.connect(src, 'output', sink, 'input');
 * const job = await flow.execute(src, { n: 3 });
 */
export class Flow {
  private readonly _flowId: string;
  private _strategy: ExecutionStrategy;
  private _maxWorkers: number;
  private _executionTimeout: number;
  private readonly _routines = new Map<string, RoutineBase>();
  private readonly _connections: Connection[] = [];
  private _errorHandler: ErrorHandler | undefined;
  private readonly _container: DependencyContainer;
  private readonly _clock: Clock;
  private readonly _historyLimit: number;
  private readonly _limits: ResolvedLimits;
  /** @internal The hub behind `events$`. */
  readonly _hub = new EventHub();

  /** Every event of every job of this flow, however started: hot, no replay (services.md §2). */
  get events$(): Observable<RoutiluxEvent> {
    return this._hub.events$;
  }
  private _revision = 0;
  private _plan: FlowPlan | undefined;
  private _planRevision = -1;
  private _planRoutineRevisions = -1;
  /**
   * The host of the jobs this flow starts itself. Every job gets its own FIFO lane on the
   * flow's scheduler (created on first use), capped at its worker count; lanes share
   * round-robin turns, and there is no budget across jobs (that is what a Runtime adds).
   */
  private readonly _host: JobHost;

  constructor(options: FlowOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Flow options must be an object; got ${describe(options)}.`);
    }
    checkOptions(options, ['flowId', 'executionStrategy', 'maxWorkers', 'executionTimeout', 'container', 'clock', 'historyLimit', 'limits'], 'Flow');
    this._limits = resolveLimits(options.limits);
    if (options.flowId !== undefined) assertName(options.flowId, 'flowId');
    this._flowId = options.flowId ?? randomUUID();
    const strategy = options.executionStrategy ?? 'sequential';
    assertStrategy(strategy);
    if (options.maxWorkers !== undefined) assertNumber(options.maxWorkers, 'maxWorkers', { min: 1, max: 10_000, integer: true });
    this._strategy = strategy;
    this._maxWorkers = strategy === 'sequential' ? 1 : (options.maxWorkers ?? DEFAULT_MAX_WORKERS);
    const timeout = options.executionTimeout ?? DEFAULT_EXECUTION_TIMEOUT;
    assertTimeout(timeout, 'executionTimeout (ms)');
    this._executionTimeout = timeout;
    if (options.container !== undefined && !isContainer(options.container)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'Flow container must be a tsyringe DependencyContainer (e.g. container.createChildContainer()).');
    }
    this._container = options.container ?? defaultContainer();
    const clock = options.clock ?? systemClock;
    if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'Flow clock must implement the Clock interface (now, monotonic, setTimeout, clearTimeout).');
    }
    this._clock = clock;
    const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    assertNumber(historyLimit, 'historyLimit', { min: 0, integer: true, max: 100_000_000 });
    this._historyLimit = historyLimit;
    this._host = new JobHost({ scheduler: () => new Scheduler(Infinity, clock), clock, adoptRuns: true, keepPaused: false });
  }

  /** The flow's id. */
  get flowId(): string {
    return this._flowId;
  }
  /** `'sequential'` or `'concurrent'`. */
  get executionStrategy(): ExecutionStrategy {
    return this._strategy;
  }
  /** Concurrent activations per job (1 when sequential). */
  get maxWorkers(): number {
    return this._maxWorkers;
  }
  /** Running-time budget of each job, ms. */
  get executionTimeout(): number {
    return this._executionTimeout;
  }
  /** Routines by id. */
  get routines(): ReadonlyMap<string, RoutineBase> {
    return this._routines;
  }
  /** Connections in the order they were made. */
  get connections(): Connection[] {
    return [...this._connections];
  }
  /** The DI container routine classes are resolved through. */
  get container(): DependencyContainer {
    return this._container;
  }
  /** The clock used for timeouts and retries. */
  get clock(): Clock {
    return this._clock;
  }
  /** The execution-history cap of each job. */
  get historyLimit(): number {
    return this._historyLimit;
  }
  /** The limits of this flow's jobs (services.md §1), every one resolved. */
  get limits(): ResolvedLimits {
    return this._limits;
  }

  /**
   * Adds a routine instance, or a routine class resolved through the DI container (its
   * constructor dependencies injected). Returns the routine id (default: the type name,
   * made unique). Duplicate id → `DUPLICATE_ROUTINE_ID`.
   */
  addRoutine<R extends RoutineBase>(routineOrClass: R | (new (...args: never[]) => R), routineId?: string): RoutineId<R> {
    let routine: RoutineBase;
    if (typeof routineOrClass === 'function') {
      if (!(routineOrClass.prototype instanceof RoutineBase)) {
        throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `addRoutine: ${routineOrClass.name || 'the class'} does not extend RoutineBase.`);
      }
      routine = resolveClass(this._container, routineOrClass);
    } else if (routineOrClass instanceof RoutineBase) {
      routine = routineOrClass;
    } else {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `addRoutine expects a RoutineBase instance or subclass; got ${describe(routineOrClass)}.`);
    }
    for (const [id, r] of this._routines) {
      if (r === routine) {
        throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `This routine instance is already in the flow as "${id}"; add a new instance for a second node.`, { details: { routineId: id } });
      }
    }
    let id: string;
    if (routineId === undefined) {
      const base = RoutineRegistry.nameOf(routine.constructor as RoutineCtor) ?? routine.constructor.name ?? 'routine';
      id = base;
      for (let n = 2; this._routines.has(id); n++) id = `${base}_${n}`;
      assertName(id, 'routine id');
    } else {
      assertName(routineId, 'routine id');
      id = routineId;
      if (this._routines.has(id)) {
        throw new DefinitionError(ErrorCode.DUPLICATE_ROUTINE_ID, `Routine id "${id}" is already used in flow ${this._flowId}; pick another id.`, { details: { routineId: id } });
      }
    }
    void routine.slots; // builds and checks the definition now (binds @Event ports)
    this._routines.set(id, routine);
    this.changed();
    return id as RoutineId<R>;
  }

  /**
   * The typed form of {@link connect}: routines by the ids `addRoutine` returned, the event
   * and the slot by the members of their classes (an `event<T>()` / `defineEvent<T>()`
   * property; a `@Slot` method or a `defineSlot<T>()` property). The compiler refuses a
   * member that is not there and an event payload that, after `paramMapping`, does not fit
   * the slot's parameter. Returns the same `Connection` as `connect` with the declared
   * names. See docs/decisions/0007-typed-wiring.md.
   *
   * @example
   * const greeter = flow.addRoutine(Greeter);
   * const printer = flow.addRoutine(Printer);
   * flow.wire(greeter, 'greeting', printer, 'onInput', { message: 'text' });
   */
  wire<S, E extends EventMember<S>, T, K extends SlotMember<T>, const M extends PayloadMapping<EventPayloadOf<S, E>> = NoMapping>(
    source: RoutineId<S>,
    event: E,
    target: RoutineId<T>,
    slot: K & PayloadCheck<EventPayloadOf<S, E>, M, SlotPayloadOf<T, K>>,
    paramMapping?: KnownKeys<EventPayloadOf<S, E>, M>,
  ): Connection {
    const names = resolveWire(this.requireRoutine(source, 'Source'), source, event, this.requireRoutine(target, 'Target'), target, slot);
    return this.connect(source, names.sourceEvent, target, names.targetSlot, paramMapping === undefined ? undefined : { ...paramMapping });
  }

  /**
   * Connects `sourceRoutineId.sourceEvent` to `targetRoutineId.targetSlot`. Unknown
   * endpoints → `UNKNOWN_ROUTINE` / `UNKNOWN_EVENT` / `UNKNOWN_SLOT`.
   */
  connect(sourceRoutineId: string, sourceEvent: string, targetRoutineId: string, targetSlot: string, paramMapping?: Record<string, string>): Connection {
    const source = this.requireRoutine(sourceRoutineId, 'Source');
    const target = this.requireRoutine(targetRoutineId, 'Target');
    if (typeof sourceEvent !== 'string' || !source.events.has(sourceEvent)) {
      throw new DefinitionError(ErrorCode.UNKNOWN_EVENT, `Event ${describe(sourceEvent)} not found in routine "${sourceRoutineId}"; its events are: ${[...source.events.keys()].join(', ') || '(none)'}.`, {
        details: { routineId: sourceRoutineId, event: String(sourceEvent) },
      });
    }
    if (typeof targetSlot !== 'string' || target.slots.get(targetSlot)?.internal !== false) {
      const known = [...target.slots.values()].filter((s) => !s.internal).map((s) => s.name);
      const internal = typeof targetSlot === 'string' && target.slots.has(targetSlot);
      throw new DefinitionError(
        ErrorCode.UNKNOWN_SLOT,
        `Slot ${describe(targetSlot)} ${internal ? 'is internal to' : 'not found in'} routine "${targetRoutineId}"${internal ? ' (only the routine itself feeds it)' : ''}; the slots a connection can target are: ${known.join(', ') || '(none)'}.`,
        { details: { routineId: targetRoutineId, slot: String(targetSlot) } },
      );
    }
    let mapping: Readonly<Record<string, string>> | undefined;
    if (paramMapping !== undefined) {
      assertPayload(paramMapping, 'connect paramMapping');
      const m: Record<string, string> = {};
      for (const from of Object.keys(paramMapping)) {
        const to = paramMapping[from];
        assertSafeKey(from, 'connect paramMapping');
        if (typeof to !== 'string' || to.length === 0) {
          throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `connect paramMapping["${from}"] must be a non-empty key name; got ${describe(to)}.`);
        }
        assertSafeKey(to, 'connect paramMapping');
        m[from] = to;
      }
      mapping = Object.freeze(m);
    }
    const duplicate = this._connections.some(
      (c) => c.sourceRoutineId === sourceRoutineId && c.sourceEvent === sourceEvent && c.targetRoutineId === targetRoutineId && c.targetSlot === targetSlot,
    );
    if (duplicate) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${sourceRoutineId}.${sourceEvent} is already connected to ${targetRoutineId}.${targetSlot}; a second identical connection would deliver every payload twice.`);
    }
    const connection: Connection = Object.freeze({
      sourceRoutineId,
      sourceEvent,
      targetRoutineId,
      targetSlot,
      ...(mapping !== undefined && Object.keys(mapping).length > 0 ? { paramMapping: mapping } : {}),
    });
    this._connections.push(connection);
    this.changed();
    return connection;
  }

  /** Sets the strategy; `'sequential'` forces one worker, `'concurrent'` uses `maxWorkers` (default 5). */
  setExecutionStrategy(strategy: ExecutionStrategy, maxWorkers?: number): void {
    assertStrategy(strategy);
    if (maxWorkers !== undefined) assertNumber(maxWorkers, 'maxWorkers', { min: 1, max: 10_000, integer: true });
    this._strategy = strategy;
    this._maxWorkers = strategy === 'sequential' ? 1 : (maxWorkers ?? DEFAULT_MAX_WORKERS);
  }

  /** Sets the flow-level error handler (used when a routine has none). */
  setErrorHandler(handler: ErrorHandler | undefined): void {
    if (handler !== undefined && !(handler instanceof ErrorHandler)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `setErrorHandler expects an ErrorHandler; got ${describe(handler)}.`);
    }
    this._errorHandler = handler;
  }

  /** The flow-level error handler, if any. */
  getErrorHandler(): ErrorHandler | undefined {
    return this._errorHandler;
  }

  /** Every routine that is an instance of `cls`, as `[id, routine]` pairs. */
  findRoutinesByType<T extends RoutineBase>(cls: abstract new (...args: never[]) => T): [string, T][] {
    if (typeof cls !== 'function') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `findRoutinesByType expects a class; got ${describe(cls)}.`);
    const out: [string, T][] = [];
    for (const [id, r] of this._routines) if (r instanceof cls) out.push([id, r]);
    return out;
  }

  /** Static checks: errors (broken connections) and warnings (unconnected slots, no entry, slots without handler). */
  validate(): FlowIssue[] {
    return [...validateFlow(this._routines, this._connections), ...cycleIssues([...this._routines.keys()], this._connections)];
  }

  /**
   * Runs a new job from `entryRoutineId`'s `trigger` slot and resolves with its JobState
   * when it is no longer running. Rejects only for definition errors found before the job
   * starts; routine failures are in the returned JobState.
   */
  execute(entryRoutineId: string, entryParams: Record<string, unknown> = {}, options: ExecuteOptions = {}): Promise<JobState> {
    let state: JobState;
    try {
      state = this.start(entryRoutineId, entryParams, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return (state.liveRun as JobRun).settled().then(() => state);
  }

  /** Like `execute` but returns the running JobState at once. */
  start(entryRoutineId: string, entryParams: Record<string, unknown> = {}, options: ExecuteOptions = {}): JobState {
    if (this._host.isShutdown) {
      throw new ExecutionError(ErrorCode.INVALID_STATE, `Flow ${this._flowId} is shut down; create a new Flow to run more jobs.`);
    }
    checkOptions(options, ['timeout', 'executionStrategy', 'breakpoints'], 'execute');
    const plan = this.plan();
    const node = typeof entryRoutineId === 'string' ? plan.nodes.get(entryRoutineId) : undefined;
    if (node === undefined) {
      throw new DefinitionError(ErrorCode.UNKNOWN_ROUTINE, `Entry routine ${describe(entryRoutineId)} not found in flow ${this._flowId}; routines: ${[...this._routines.keys()].join(', ') || '(none)'}.`, {
        details: { routineId: String(entryRoutineId) },
      });
    }
    if (!node.slots.has('trigger')) {
      throw new DefinitionError(ErrorCode.MISSING_TRIGGER_SLOT, `Entry routine "${entryRoutineId}" has no "trigger" slot; define one (defineSlot('trigger', handler) or @Slot('trigger')) to start jobs there.`, {
        details: { routineId: entryRoutineId },
      });
    }
    assertPayload(entryParams, 'entryParams');
    checkData(entryParams, 'entryParams', { limits: this._limits, mode: 'entry' });
    const timeout = options.timeout ?? this._executionTimeout;
    assertTimeout(timeout, 'timeout (ms)');
    let workers = this._maxWorkers;
    if (options.executionStrategy !== undefined) {
      assertStrategy(options.executionStrategy);
      workers = options.executionStrategy === 'sequential' ? 1 : this._strategy === 'concurrent' ? this._maxWorkers : DEFAULT_MAX_WORKERS;
    }
    if (options.breakpoints === undefined) return this._host.start(this, plan, node, entryParams, { timeout, maxWorkers: workers }).state;
    const checked = checkBreakpointList(options.breakpoints, plan, this._flowId, 'execute');
    const state = new JobState(this._flowId, { historyLimit: this._historyLimit, clock: this._clock });
    addCheckedBreakpoints(state, checked);
    return this._host.start(this, plan, node, entryParams, { timeout, maxWorkers: workers, state }).state;
  }

  /** @internal a job this flow's own host drives now (running, or paused while a run holds it), by id. */
  _liveJob(jobId: string): JobState | undefined {
    return this._host.live.get(jobId);
  }

  /**
   * Adds a breakpoint to a job of this flow (a live one, or one restored with
   * `JobState.deserialize`): before an activation of `routineId` (of `slot`, if given) whose
   * `condition` holds on its input, the job pauses (pause point `reason: 'breakpoint'`).
   * Unknown routine / slot → `UNKNOWN_ROUTINE` / `UNKNOWN_SLOT`; a bad or unsafe condition →
   * `INVALID_ARGUMENT`; a finished job → `JOB_FINISHED`. See docs/observability.md.
   */
  addBreakpoint(jobState: JobState, spec: BreakpointSpec): Breakpoint {
    this.checkJob(jobState);
    return addBreakpoint(jobState, this.plan(), spec, 'flow.addBreakpoint');
  }

  /** Removes breakpoint `breakpointId` of a job of this flow. Unknown → `UNKNOWN_BREAKPOINT`; finished job → `JOB_FINISHED`. */
  removeBreakpoint(jobState: JobState, breakpointId: string): void {
    this.checkJob(jobState);
    removeBreakpoint(jobState, breakpointId);
  }

  /** The breakpoints of a job of this flow, with their hit counts. */
  listBreakpoints(jobState: JobState): Breakpoint[] {
    this.checkJob(jobState);
    return [...jobState.breakpoints];
  }

  /**
   * Runs exactly the first pending activation of a paused job of this flow (a retry waiting
   * out its delay runs at once) and resolves `{ taskId }` once the job is paused again
   * (reason `'step'`) with that activation's emits pending. A paused job with nothing pending
   * completes and resolves `{ taskId: null }`. Not paused → `NOT_PAUSED`; finished → `JOB_FINISHED`.
   */
  step(jobState: JobState): Promise<{ taskId: string | null }> {
    try {
      this.checkJob(jobState);
      assertNotFinished(jobState, 'step');
      if (this._host.isShutdown) throw new ExecutionError(ErrorCode.INVALID_STATE, `Flow ${this._flowId} is shut down; step the job with another Flow instance.`);
      return this._host.step(this, jobState);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Pauses a running job: dispatch stops, running activations finish (their emits are
   * kept), queued work becomes `pendingTasks`, one pause point is recorded. Resolves when
   * the running activations have finished. Pausing a paused job is a no-op.
   */
  pause(jobState: JobState, reason = '', checkpoint: unknown = null): Promise<void> {
    try {
      this.checkJob(jobState);
      if (typeof reason !== 'string') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `pause reason must be a string; got ${describe(reason)}.`);
      if (checkpoint !== null && checkpoint !== undefined) assertJsonValue(checkpoint, 'pause checkpoint');
      if (jobState.status === 'paused') return Promise.resolve();
      this.checkNotFinished(jobState, 'pause');
      return this._host.pause(jobState, reason, checkpoint ?? null);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Continues a paused job (also one restored with `JobState.deserialize` in another
   * process): deferred events are emitted once, then pending tasks run in order. Resolves
   * like `execute`. A finished job → `JOB_FINISHED`.
   */
  resume(jobState: JobState): Promise<JobState> {
    try {
      this.checkJob(jobState);
      this.checkNotFinished(jobState, 'resume');
      if (this._host.isShutdown) throw new ExecutionError(ErrorCode.INVALID_STATE, `Flow ${this._flowId} is shut down; resume the job with another Flow instance.`);
      const existing = jobState.liveRun;
      if (jobState.status === 'running' && existing instanceof JobRun && existing.flow === this) return existing.settled().then(() => jobState);
      return this._host.resume(this, jobState).settled().then(() => jobState);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Cancels a job: status `cancelled` at once, queued work dropped, running handlers see
   * their signal aborted. Resolves when they settle, or after `grace` ms. A finished job: no-op.
   */
  cancel(jobState: JobState, reason = '', options: CancelOptions = {}): Promise<void> {
    try {
      this.checkJob(jobState);
      if (typeof reason !== 'string') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `cancel reason must be a string; got ${describe(reason)}.`);
      checkOptions(options, ['grace'], 'cancel');
      const grace = options.grace ?? DEFAULT_CANCEL_GRACE;
      assertNumber(grace, 'cancel grace (ms)', { min: 0, max: MAX_TIMEOUT });
      if (jobState.isFinished) return Promise.resolve();
      return this._host.cancel(jobState, reason, grace);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Stops the flow: no new jobs; running jobs get `drainTimeout` ms to finish, then are
   * cancelled. Idempotent.
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    const drain = options.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT;
    if (!this._host.isShutdown) {
      try {
        checkOptions(options, ['drainTimeout'], 'flow.shutdown');
        assertNumber(drain, 'shutdown drainTimeout (ms)', { min: 0, max: MAX_TIMEOUT });
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this._host.shutdown(drain, DEFAULT_SHUTDOWN_GRACE, 'flow shutdown');
  }

  /**
   * The flow as a JSON-safe object (`{ version: 1, flowId, …, routines, connections }`).
   * A routine class without a registered type → `UNKNOWN_ROUTINE_TYPE`; an unregistered
   * function attached from outside (e.g. a retryable predicate) → `UNSERIALIZABLE_FUNCTION`.
   */
  serialize(): SerializedFlow {
    return flowToDocument(this);
  }

  /**
   * Rebuilds a flow from `serialize()` output (also after JSON.stringify/parse in another
   * process). Instantiates only registered routine types, through `container` when given.
   * Any problem is a typed error; no half-built flow is returned.
   */
  static deserialize(data: unknown, options: { container?: DependencyContainer } = {}): Flow {
    checkOptions(options, ['container'], 'Flow.deserialize');
    return flowFromDocument(data, options, (flowOptions) => new Flow(flowOptions));
  }

  /**
   * Builds a flow from a YAML (or JSON) flow document: the same checks as
   * {@link Flow.deserialize}, plus a 1 MiB size cap and the YAML core schema; every issue
   * carries its JSON Pointer, line and column (docs/documents.md).
   *
   * @example
   * const flow = Flow.fromYAML(readFileSync('flow.yaml', 'utf8'));
   */
  static fromYAML(text: string, options: FlowDocumentOptions = {}): Flow {
    return flowFromText(text, options, 'Flow document', (doc, o) => Flow.deserialize(doc, o));
  }

  /** This flow's `serialize()` document as YAML (long-form connections); `Flow.fromYAML` reads it back. */
  toYAML(): string {
    return flowToText(this.serialize());
  }

  /** @internal the compiled plan, rebuilt when the flow or a routine definition changed. */
  plan(): FlowPlan {
    // Revisions only ever increase, so the flow's revision (routines and connections added or
    // removed) and the sum of the routines' definition revisions identify the plan's inputs.
    let routineRevisions = 0;
    for (const r of this._routines.values()) routineRevisions += r.definitionRevision;
    if (this._plan !== undefined && this._revision === this._planRevision && routineRevisions === this._planRoutineRevisions) return this._plan;
    const plan = new FlowPlan();
    let index = 0;
    for (const [id, routine] of this._routines) {
      const node = new PlanNode(id, routine, index++);
      const timeout = routine.getActivationTimeout() ?? 0;
      for (const slot of routine.slots.values()) {
        node.slots.set(slot.name, new PlanSlot(node, slot.name, slot.handler, slot.merge, `${id}\u0000${slot.name}`, SlotKind.HANDLER, slot.timeout ?? timeout));
      }
      for (const name of routine.events.keys()) node.events.set(name, new PlanEvent());
      plan.nodes.set(id, node);
      plan.byRoutine.set(routine, node);
    }
    for (const c of this._connections) {
      const event = plan.nodes.get(c.sourceRoutineId)?.events.get(c.sourceEvent);
      const slot = plan.nodes.get(c.targetRoutineId)?.slots.get(c.targetSlot);
      if (event === undefined || slot === undefined) {
        throw new DefinitionError(ErrorCode.UNKNOWN_SLOT, `Connection ${c.sourceRoutineId}.${c.sourceEvent} → ${c.targetRoutineId}.${c.targetSlot} no longer matches the routines' definitions; run flow.validate() for details.`);
      }
      event.targets.push({ slot, mapping: c.paramMapping === undefined ? null : Object.entries(c.paramMapping) });
    }
    plan.seal();
    this._plan = plan;
    this._planRevision = this._revision;
    this._planRoutineRevisions = routineRevisions;
    return plan;
  }

  private changed(): void {
    this._revision++;
  }

  private requireRoutine(id: string, role: string): RoutineBase {
    const routine = typeof id === 'string' ? this._routines.get(id) : undefined;
    if (routine === undefined) {
      throw new DefinitionError(ErrorCode.UNKNOWN_ROUTINE, `${role} routine ${describe(id)} not found in flow ${this._flowId}; add it with addRoutine first.`, {
        details: { routineId: String(id) },
      });
    }
    return routine;
  }

  private checkJob(jobState: JobState): void {
    if (!(jobState instanceof JobState)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Expected a JobState; got ${describe(jobState)}.`);
    }
    if (jobState.flowId !== this._flowId) {
      throw new ExecutionError(ErrorCode.FLOW_MISMATCH, `Job ${jobState.jobId} belongs to flow ${jobState.flowId}, not ${this._flowId}; use the flow that created it (or one deserialized from it).`, {
        details: { jobId: jobState.jobId, jobFlowId: jobState.flowId, flowId: this._flowId },
      });
    }
  }

  private checkNotFinished(jobState: JobState, what: string): void {
    if (jobState.isFinished) {
      throw new ExecutionError(ErrorCode.JOB_FINISHED, `Cannot ${what} job ${jobState.jobId}: it is already ${jobState.status}.`, { details: { jobId: jobState.jobId, status: jobState.status } });
    }
  }
}
