// A Flow to and from its wire document. serialization/flow-serializer.ts holds the wire
// types, documents/flow-document.ts the document stages (schema, version, shapes); this
// module turns a checked document into routines and connections through the one flow
// loader, and a flow back into a document. It never imports the Flow class.
import type { DependencyContainer } from 'tsyringe';
import { documentError, escapeToken, invalidDocument, tokensOf, type DocumentIssue } from '../documents/document-issues.js';
import { checkFlowDocument } from '../documents/flow-document.js';
import { ErrorCode } from '../errors/error-codes.js';
import { isRoutiluxError, SerializationError } from '../errors/routilux-error.js';
import type { Connection, ExecutionStrategy } from '../graph/connection.js';
import { FunctionRegistry } from '../metadata/function-registry.js';
import { RoutineRegistry } from '../metadata/routine-registry.js';
import type { RoutineBase } from '../routine/routine-base.js';
import { assertFlowJsonSafe, FLOW_FORMAT_VERSION, type SerializedErrorHandler, type SerializedFlow } from '../serialization/flow-serializer.js';
import { isPlainObject } from '../utils/guards.js';
import type { ErrorHandler } from './error-handler.js';
import { buildRoutines, handlerFrom } from './flow-loader-stages.js';
import { loadFlow, type ConnectionSpec, type FlowBuilder } from './flow-loader.js';
import type { FlowOptions } from './flow-options.js';

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

/** @internal an empty flow the document is loaded into (a `Flow`), and the routines it holds. */
export interface DocumentFlow extends FlowBuilder {
  readonly routines: ReadonlyMap<string, RoutineBase>;
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
    checkAttachedFunctions(routine, id, logicName);
    routines[id] = {
      type,
      config: routine.config,
      ...(rh !== undefined ? { errorHandler: handlerToPlain(rh, `Routine "${id}" error handler`) } : {}),
      ...(policy !== undefined ? { activationPolicy: policy.toJSON() as { type: string; config: Record<string, unknown> } } : {}),
      ...(logicName !== undefined ? { logic: logicName } : {}),
    };
  }
  return assertFlowJsonSafe({
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
 * @internal plain object → flow, in the stages of services.md §3 (forbidden keys, version,
 * schema and configs, routine types, connections; the first stage that fails decides the
 * code). Every error lists all the problems of its stage in `details.issues` with JSON
 * Pointer paths. Instantiates only registered routine types (through the container, so
 * constructor injection works), then fills `makeFlow(options)` through the flow loader; no
 * partly built flow escapes.
 */
export function flowFromDocument<F extends DocumentFlow>(data: unknown, options: { container?: DependencyContainer }, makeFlow: (options: FlowOptions) => F): F {
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
  const flow = makeFlow({
    ...(doc.flowId !== undefined ? { flowId: doc.flowId } : {}),
    ...(doc.executionStrategy !== undefined ? { executionStrategy: doc.executionStrategy } : {}),
    ...(doc.maxWorkers !== undefined ? { maxWorkers: doc.maxWorkers } : {}),
    ...(doc.executionTimeout !== undefined ? { executionTimeout: doc.executionTimeout ?? Infinity } : {}),
    ...(options.container !== undefined ? { container: options.container } : {}),
  });
  // Stage 7: every connection; each dangling endpoint is an issue at the field that names it.
  const problems: { code: ErrorCode; issue: DocumentIssue; details: Readonly<Record<string, unknown>> }[] = [];
  const connections = doc.connections;
  loadFlow(
    {
      routines: [...build.routines].map(([id, routine]) => ({ id, create: () => routine })),
      connections,
      ...(flowHandler !== undefined ? { errorHandler: flowHandler } : {}),
    },
    flow,
    (spec: ConnectionSpec, index: number, error: unknown) => {
      if (!isRoutiluxError(error)) throw error;
      const c = connections[index]!;
      const path =
        error.code === ErrorCode.UNKNOWN_ROUTINE
          ? error.details['routineId'] === spec.sourceRoutineId && !flow.routines.has(spec.sourceRoutineId)
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
    },
  );
  if (problems.length > 0) throw documentError(problems[0]!.code, what, problems.map((p) => p.issue), { ...problems[0]!.details });
  return flow;
}
