import type { DependencyContainer } from 'tsyringe';
import { resolveClass } from '../di/container.js';
import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { ErrorHandler } from '../flow/error-handler.js';
import { Flow } from '../flow/flow.js';
import { FunctionRegistry } from '../metadata/function-registry.js';
import { RoutineRegistry } from '../metadata/routine-registry.js';
import { activationPolicyFromJSON, type LogicFunction } from '../policies/activation-policy.js';
import type { RoutineBase } from '../routine/routine-base.js';
import { FlowDto, RoutineDto, type ErrorHandlerDto } from './dto/flow.dto.js';
import { toDto } from './dto/validate-dto.js';
import { assertJsonSafe, assertNoForbiddenKeys } from './json-safety.js';

/** Current flow format version. */
export const FLOW_FORMAT_VERSION = 1;

/** The JSON-safe form of a flow (`flow.serialize()`). */
export interface SerializedFlow {
  version: number;
  flowId: string;
  executionStrategy: 'sequential' | 'concurrent';
  maxWorkers: number;
  /** null means no timeout. */
  executionTimeout: number | null;
  errorHandler?: SerializedErrorHandler;
  routines: Record<
    string,
    {
      type: string;
      config: Record<string, unknown>;
      errorHandler?: SerializedErrorHandler;
      /** Present when the routine has an activation policy. */
      activationPolicy?: { type: string; config: Record<string, unknown> };
      /** Present when the routine's logic is a function registered by name. */
      logic?: string;
    }
  >;
  connections: { sourceRoutineId: string; sourceEvent: string; targetRoutineId: string; targetSlot: string; paramMapping?: Record<string, string> }[];
}

/** The JSON-safe form of an ErrorHandler. */
export interface SerializedErrorHandler {
  strategy: 'stop' | 'continue' | 'retry' | 'skip';
  maxRetries: number;
  retryDelay: number;
  retryBackoff: number;
  isCritical: boolean;
  /** Registered name of the retryable predicate. */
  retryable?: string;
}

function handlerToPlain(h: ErrorHandler, where: string): SerializedErrorHandler {
  if (h.retryable !== undefined && h.retryableName === undefined) {
    throw new SerializationError(
      ErrorCode.UNSERIALIZABLE_FUNCTION,
      `${where} has a retryable predicate that is not registered; call FunctionRegistry.register('name', fn) and pass the function (or its name) to ErrorHandler before serializing.`,
      { details: { where } },
    );
  }
  return {
    strategy: h.strategy,
    maxRetries: h.maxRetries,
    retryDelay: h.retryDelay,
    retryBackoff: h.retryBackoff,
    isCritical: h.isCritical,
    ...(h.retryableName !== undefined ? { retryable: h.retryableName } : {}),
  };
}

function handlerFromDto(dto: ErrorHandlerDto): ErrorHandler {
  return new ErrorHandler({
    strategy: dto.strategy,
    maxRetries: dto.maxRetries,
    retryDelay: dto.retryDelay,
    retryBackoff: dto.retryBackoff,
    isCritical: dto.isCritical,
    ...(dto.retryable !== undefined ? { retryable: dto.retryable } : {}),
  });
}

/**
 * Functions attached to a routine from outside its class are not recreated with the class:
 * a logic serializes only by a registered name, and a slot defined from outside cannot be
 * recreated at all (api.md §7, docs/decisions/0005-attached-functions.md).
 */
function checkAttachedFunctions(routine: RoutineBase, id: string, logicName: string | undefined): void {
  const attached = routine._attachedFunctions();
  if (attached.logic !== undefined && logicName === undefined) {
    throw new SerializationError(
      ErrorCode.UNSERIALIZABLE_FUNCTION,
      `Routine "${id}" has a logic set with setLogic from outside its class, and the function is not registered; register it with FunctionRegistry.register('name', fn) (it is then saved by name), or set the logic in the class (its constructor or @Logic).`,
      { details: { routineId: id, function: 'logic' } },
    );
  }
  if (attached.slots.length > 0) {
    throw new SerializationError(
      ErrorCode.UNSERIALIZABLE_FUNCTION,
      `Routine "${id}" has slot(s) ${attached.slots.map((s) => `"${s}"`).join(', ')} defined with a handler or a custom merge from outside its class; a document recreates routines from their class, so define the slot in the class (its constructor or @Slot).`,
      { details: { routineId: id, slots: [...attached.slots] } },
    );
  }
}

/** @internal Flow → plain JSON-safe object. */
export function serializeFlow(flow: Flow): SerializedFlow {
  const fh = flow.getErrorHandler();
  const routines: SerializedFlow['routines'] = {};
  for (const [id, routine] of flow.routines) {
    const type = RoutineRegistry.nameOf(routine.constructor as new () => RoutineBase);
    if (type === undefined) {
      throw new SerializationError(
        ErrorCode.UNKNOWN_ROUTINE_TYPE,
        `Routine "${id}" (class ${routine.constructor.name}) has no registered type name; decorate the class with @Routine({ name }) or call RoutineRegistry.register(name, ${routine.constructor.name}).`,
        { details: { routineId: id, class: routine.constructor.name } },
      );
    }
    const rh = routine.getErrorHandler();
    const policy = routine.getActivationPolicy();
    const logic = routine.getLogic();
    const logicName = logic === undefined ? undefined : FunctionRegistry.nameOf(logic as never);
    checkAttachedFunctions(routine, id, logicName);
    routines[id] = {
      type,
      config: routine.config,
      ...(rh !== undefined ? { errorHandler: handlerToPlain(rh, `Routine "${id}" error handler`) } : {}),
      ...(policy !== undefined ? { activationPolicy: policy.toJSON() as { type: string; config: Record<string, unknown> } } : {}),
      ...(logicName !== undefined ? { logic: logicName } : {}),
    };
  }
  const plain: SerializedFlow = {
    version: FLOW_FORMAT_VERSION,
    flowId: flow.flowId,
    executionStrategy: flow.executionStrategy,
    maxWorkers: flow.maxWorkers,
    executionTimeout: Number.isFinite(flow.executionTimeout) ? flow.executionTimeout : null,
    ...(fh !== undefined ? { errorHandler: handlerToPlain(fh, `Flow ${flow.flowId} error handler`) } : {}),
    routines,
    connections: flow.connections.map((c) => ({ ...c, ...(c.paramMapping ? { paramMapping: { ...c.paramMapping } } : {}) })),
  };
  assertJsonSafe(plain, `Flow ${flow.flowId}`);
  return plain;
}

/**
 * @internal plain object → Flow. Instantiates only registered routine types (through the
 * container, so constructor injection works); every problem is a typed error and no
 * partly built flow escapes.
 */
export function deserializeFlow(data: unknown, options: { container?: DependencyContainer } = {}): Flow {
  assertNoForbiddenKeys(data, 'Flow document');
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const version = (data as { version?: unknown }).version;
    if (version === undefined) {
      throw new SerializationError(ErrorCode.INVALID_FORMAT, 'Flow document has no "version"; it is not a routilux flow (expected { version: 1, flowId, routines, connections, … }).');
    }
    if (version !== FLOW_FORMAT_VERSION) {
      throw new SerializationError(ErrorCode.UNSUPPORTED_VERSION, `Flow document version ${JSON.stringify(version)} is not supported; this routilux reads version ${FLOW_FORMAT_VERSION}.`, {
        details: { version: String(version), supported: [FLOW_FORMAT_VERSION] },
      });
    }
  }
  const dto = toDto(FlowDto, data, 'Flow document');
  const flow = new Flow({
    flowId: dto.flowId,
    executionStrategy: dto.executionStrategy,
    maxWorkers: dto.maxWorkers,
    executionTimeout: dto.executionTimeout ?? Infinity,
    ...(options.container !== undefined ? { container: options.container } : {}),
  });
  if (dto.errorHandler !== undefined) flow.setErrorHandler(handlerFromDto(dto.errorHandler));
  for (const [id, raw] of Object.entries(dto.routines)) {
    const r = toDto(RoutineDto, raw, `Flow document routine "${id}"`);
    const cls = RoutineRegistry.get(r.type);
    if (cls === undefined) {
      throw new SerializationError(
        ErrorCode.UNKNOWN_ROUTINE_TYPE,
        `Routine "${id}" has type "${r.type}", which is not registered; import the module that declares it (@Routine({ name: '${r.type}' })) or call RoutineRegistry.register before loading.`,
        { details: { routineId: id, type: r.type } },
      );
    }
    const routine = resolveClass(flow.container, cls as unknown as new () => RoutineBase);
    if (Object.keys(r.config).length > 0) routine.setConfig(r.config);
    if (r.errorHandler !== undefined) routine.setErrorHandler(handlerFromDto(r.errorHandler));
    if (r.logic !== undefined) {
      const fn = FunctionRegistry.get(r.logic);
      if (fn === undefined) {
        throw new SerializationError(ErrorCode.UNKNOWN_FUNCTION, `Routine "${id}" uses the logic function "${r.logic}", which is not registered; call FunctionRegistry.register("${r.logic}", fn) before loading.`, {
          details: { routineId: id, name: r.logic },
        });
      }
      routine.setLogic(fn as LogicFunction);
    }
    if (r.activationPolicy !== undefined) routine.setActivationPolicy(activationPolicyFromJSON(r.activationPolicy));
    flow.addRoutine(routine, id);
  }
  for (const c of dto.connections) flow.connect(c.sourceRoutineId, c.sourceEvent, c.targetRoutineId, c.targetSlot, c.paramMapping);
  return flow;
}
