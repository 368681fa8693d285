// A Flow to and from its wire document (serialization/flow-serializer.ts holds the format).
import type { DependencyContainer } from 'tsyringe';
import { resolveClass } from '../di/container.js';
import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import type { Connection, ExecutionStrategy } from '../graph/connection.js';
import { FunctionRegistry } from '../metadata/function-registry.js';
import { RoutineRegistry } from '../metadata/routine-registry.js';
import { activationPolicyFromJSON, type LogicFunction } from '../policies/activation-policy.js';
import type { RoutineBase } from '../routine/routine-base.js';
import type { ErrorHandlerDto } from '../serialization/dto/flow.dto.js';
import { checkFlowDocument, parseFlowDocument, FLOW_FORMAT_VERSION, type SerializedErrorHandler, type SerializedFlow } from '../serialization/flow-serializer.js';
import { ErrorHandler } from './error-handler.js';
import type { FlowOptions } from './flow-options.js';
import type { FlowSpec, RoutineSpec } from './flow-loader.js';

/** @internal what `flowToDocument` reads of a flow. */
export interface FlowSource {
  readonly flowId: string;
  readonly executionStrategy: ExecutionStrategy;
  readonly maxWorkers: number;
  readonly executionTimeout: number;
  readonly routines: ReadonlyMap<string, RoutineBase>;
  readonly connections: readonly Connection[];
  getErrorHandler(): ErrorHandler | undefined;
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

/** @internal Flow → plain JSON-safe document. */
export function flowToDocument(flow: FlowSource): SerializedFlow {
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
    routines[id] = {
      type,
      config: routine.config,
      ...(rh !== undefined ? { errorHandler: handlerToPlain(rh, `Routine "${id}" error handler`) } : {}),
      ...(policy !== undefined ? { activationPolicy: policy.toJSON() as { type: string; config: Record<string, unknown> } } : {}),
      ...(logicName !== undefined ? { logic: logicName } : {}),
    };
  }
  return checkFlowDocument({
    version: FLOW_FORMAT_VERSION,
    flowId: flow.flowId,
    executionStrategy: flow.executionStrategy,
    maxWorkers: flow.maxWorkers,
    executionTimeout: Number.isFinite(flow.executionTimeout) ? flow.executionTimeout : null,
    ...(fh !== undefined ? { errorHandler: handlerToPlain(fh, `Flow ${flow.flowId} error handler`) } : {}),
    routines,
    connections: flow.connections.map((c) => ({ ...c, ...(c.paramMapping ? { paramMapping: { ...c.paramMapping } } : {}) })),
  });
}

/**
 * @internal A flow document → the Flow options and the {@link FlowSpec} to load. Only
 * registered routine types and functions are used; every problem is a typed error.
 */
export function flowSpecFromDocument(data: unknown, options: { container?: DependencyContainer } = {}): { options: FlowOptions; spec: FlowSpec } {
  const doc = parseFlowDocument(data);
  const routines: RoutineSpec[] = doc.routineList.map((r) => {
    const cls = RoutineRegistry.get(r.type);
    if (cls === undefined) {
      throw new SerializationError(
        ErrorCode.UNKNOWN_ROUTINE_TYPE,
        `Routine "${r.id}" has type "${r.type}", which is not registered; import the module that declares it (@Routine({ name: '${r.type}' })) or call RoutineRegistry.register before loading.`,
        { details: { routineId: r.id, type: r.type } },
      );
    }
    let logic: LogicFunction | undefined;
    if (r.logic !== undefined) {
      const fn = FunctionRegistry.get(r.logic);
      if (fn === undefined) {
        throw new SerializationError(ErrorCode.UNKNOWN_FUNCTION, `Routine "${r.id}" uses the logic function "${r.logic}", which is not registered; call FunctionRegistry.register("${r.logic}", fn) before loading.`, {
          details: { routineId: r.id, name: r.logic },
        });
      }
      logic = fn as LogicFunction;
    }
    return {
      id: r.id,
      create: (container) => resolveClass(container, cls as unknown as new () => RoutineBase),
      ...(Object.keys(r.config).length > 0 ? { config: r.config as RoutineSpec['config'] } : {}),
      ...(r.errorHandler !== undefined ? { errorHandler: handlerFromDto(r.errorHandler) } : {}),
      ...(logic !== undefined ? { logic } : {}),
      ...(r.activationPolicy !== undefined ? { activationPolicy: activationPolicyFromJSON(r.activationPolicy) } : {}),
    };
  });
  return {
    options: {
      flowId: doc.flowId,
      executionStrategy: doc.executionStrategy,
      maxWorkers: doc.maxWorkers,
      executionTimeout: doc.executionTimeout ?? Infinity,
      ...(options.container !== undefined ? { container: options.container } : {}),
    },
    spec: { routines, connections: doc.connections, ...(doc.errorHandler !== undefined ? { errorHandler: handlerFromDto(doc.errorHandler) } : {}) },
  };
}
