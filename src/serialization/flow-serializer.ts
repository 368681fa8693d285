import type { DependencyContainer } from 'tsyringe';
import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { documentError, escapeToken, invalidDocument, tokensOf, type DocumentIssue } from '../documents/document-issues.js';
import { checkFlowDocument, FLOW_DOCUMENT_VERSION, type DocumentConnection } from '../documents/flow-document.js';
import { isRoutiluxError } from '../errors/routilux-error.js';
import type { ErrorHandler } from '../flow/error-handler.js';
import { Flow } from '../flow/flow.js';
import { FunctionRegistry } from '../metadata/function-registry.js';
import { RoutineRegistry } from '../metadata/routine-registry.js';
import type { RoutineBase } from '../routine/routine-base.js';
import { isPlainObject } from '../utils/guards.js';
import { buildRoutines, handlerFrom } from './flow-loader-stages.js';
import { assertJsonSafe } from './json-safety.js';

/** Current flow format version. */
export const FLOW_FORMAT_VERSION = FLOW_DOCUMENT_VERSION;

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
 * @internal plain object → Flow, in the stages of services.md §3 (forbidden keys, version,
 * schema and configs, routine types, connections; the first stage that fails decides the
 * code). Every error lists all the problems of its stage in `details.issues` with JSON
 * Pointer paths. Instantiates only registered routine types (through the container, so
 * constructor injection works); no partly built flow escapes.
 */
export function deserializeFlow(data: unknown, options: { container?: DependencyContainer } = {}): Flow {
  const what = 'Flow document';
  const { issues, doc } = checkFlowDocument(data, what);
  const entries = isPlainObject(data) && isPlainObject(data['routines']) ? data['routines'] : {};
  const broken = (id: string): boolean => {
    const base = `/routines/${escapeToken(id)}`;
    return issues.some((i) => i.path === base || i.path.startsWith(`${base}/`));
  };
  const build = buildRoutines(entries, options.container, broken);
  const flowHandler = doc?.errorHandler !== undefined ? handlerFrom(doc.errorHandler, '/errorHandler', build.functionIssues) : undefined;
  if (issues.length > 0 || build.configIssues.length > 0 || doc === undefined) throw invalidDocument(what, [...issues, ...build.configIssues]);
  if (build.typeIssues.length > 0) {
    const first = build.typeIssues[0]!;
    const id = tokensOf(first.path)[1]!;
    throw documentError(ErrorCode.UNKNOWN_ROUTINE_TYPE, what, build.typeIssues, { routineId: id, type: doc.routines[id]?.type });
  }
  if (build.functionIssues.length > 0) throw documentError(ErrorCode.UNKNOWN_FUNCTION, what, build.functionIssues);
  const flow = new Flow({
    ...(doc.flowId !== undefined ? { flowId: doc.flowId } : {}),
    ...(doc.executionStrategy !== undefined ? { executionStrategy: doc.executionStrategy } : {}),
    ...(doc.maxWorkers !== undefined ? { maxWorkers: doc.maxWorkers } : {}),
    ...(doc.executionTimeout !== undefined ? { executionTimeout: doc.executionTimeout ?? Infinity } : {}),
    ...(options.container !== undefined ? { container: options.container } : {}),
  });
  if (flowHandler !== undefined) flow.setErrorHandler(flowHandler);
  for (const [id, routine] of build.routines) flow.addRoutine(routine, id);
  connectAll(flow, doc.connections, what);
  return flow;
}

/** Stage 7: every connection; each dangling endpoint is an issue at the field that names it. */
function connectAll(flow: Flow, connections: readonly DocumentConnection[], what: string): void {
  const problems: { code: ErrorCode; issue: DocumentIssue; details: Readonly<Record<string, unknown>> }[] = [];
  for (const c of connections) {
    try {
      flow.connect(c.sourceRoutineId, c.sourceEvent, c.targetRoutineId, c.targetSlot, c.paramMapping);
    } catch (error) {
      if (!isRoutiluxError(error)) throw error;
      const path =
        error.code === ErrorCode.UNKNOWN_ROUTINE
          ? error.details['routineId'] === c.sourceRoutineId && !flow.routines.has(c.sourceRoutineId)
            ? c.paths.source
            : c.paths.target
          : error.code === ErrorCode.UNKNOWN_EVENT
            ? c.paths.event
            : error.code === ErrorCode.UNKNOWN_SLOT
              ? c.paths.slot
              : c.paths.source.replace(/\/[^/]*$/, '');
      const message =
        error.code === ErrorCode.UNKNOWN_ROUTINE
          ? `no routine "${String(error.details['routineId'])}" is declared under routines; declare it or fix the id (the shorthand splits "routineId.name" at the last ".", so ids and names containing "." need the long form)`
          : error.message.replace(/\.$/, '');
      problems.push({ code: error.code, issue: { path, message }, details: error.details });
    }
  }
  if (problems.length > 0) throw documentError(problems[0]!.code, what, problems.map((p) => p.issue), { ...problems[0]!.details });
}
