// routilux — public entry. Named exports grouped by concept; optional parts live in subpaths.
import 'reflect-metadata';

// errors
export { ErrorCode } from './errors/error-codes.js';
export {
  RoutiluxError,
  isRoutiluxError,
  InvalidArgumentError,
  DefinitionError,
  ConfigValidationError,
  ExecutionError,
  SerializationError,
  RegistryError,
} from './errors/routilux-error.js';
export type { RoutiluxErrorOptions } from './errors/routilux-error.js';

// routines and decorators
export { RoutineBase } from './routine/routine-base.js';
export { EventPort, event } from './routine/event-port.js';
export type { SlotDefinition, EventDefinition, SlotHandler, SlotOptions } from './routine/definitions.js';
export { DEFAULT_MAX_QUEUE_LENGTH } from './routine/definitions.js';
export type { ExecutionContext } from './routine/execution-context.js';
export { Routine } from './decorators/routine.decorator.js';
export type { RoutineOptions } from './decorators/routine.decorator.js';
export { Slot } from './decorators/slot.decorator.js';
export { Event } from './decorators/event.decorator.js';
export type { EventOptions } from './decorators/event.decorator.js';

// metadata and registries
export { RoutineRegistry } from './metadata/routine-registry.js';
export type { RoutineClass } from './metadata/routine-registry.js';
export { FunctionRegistry } from './metadata/function-registry.js';
export { scanRoutineClass } from './metadata/metadata-scanner.js';
export type { RoutineClassDefinition } from './metadata/metadata-scanner.js';
export type { RoutineMetadata, SlotMetadata, EventMetadata } from './metadata/metadata-keys.js';

// flows
export { Flow } from './flow/flow.js';
export type { RoutineId, EventMember, SlotMember, EventPayload, SlotPayload, MappedPayload, PayloadMapping } from './flow/typed-wiring.js';
export type { FlowOptions, ExecuteOptions, CancelOptions, ShutdownOptions } from './flow/flow-options.js';
export type { Connection, FlowIssue, ExecutionStrategy } from './graph/connection.js';
export type { MergeStrategy, MergeFunction } from './graph/merge-strategy.js';
export { ErrorHandler, ErrorStrategy } from './flow/error-handler.js';
export type { ErrorHandlerOptions, RetryablePredicate } from './flow/error-handler.js';

// job state
export { JobState, DEFAULT_HISTORY_LIMIT } from './state/job-state.js';
export type { JobStateOptions, WaitOptions } from './state/job-state.js';
export { JobStatus } from './state/job-types.js';
export type {
  RoutineStatus,
  RoutineStateRecord,
  ExecutionRecord,
  PausePoint,
  PendingTask,
  DeferredEvent,
  OutputRecord,
  JobError,
  SharedLogEntry,
} from './state/job-types.js';
export { ExecutionTracker } from './state/execution-tracker.js';
export type { RoutinePerformance, FlowPerformance } from './state/execution-tracker.js';
export { CallbackOutputHandler, QueueOutputHandler, NullOutputHandler } from './state/output-handlers.js';
export type { OutputHandler } from './state/output-handlers.js';

// time
export { systemClock } from './runtime/clock.js';
export type { Clock } from './runtime/clock.js';

// configuration
export type { JsonValue } from './config/json-value.js';
export type { ConfigClass } from './config/validate-config.js';

// serialization
export { FLOW_FORMAT_VERSION } from './serialization/flow-serializer.js';
export type { SerializedFlow, SerializedErrorHandler } from './serialization/flow-serializer.js';
export { JOB_STATE_FORMAT_VERSION } from './serialization/job-state-serializer.js';
export type { SerializedJobState } from './serialization/job-state-serializer.js';

// runtime and activation policies
export { Runtime } from './runtime/runtime.js';
export type { StoreHealthReport } from './runtime/store-health.js';
export type { RuntimeOptions, RuntimeExecOptions, RuntimePostOptions, RuntimeShutdownOptions } from './runtime/runtime-options.js';
export { FlowRegistry } from './runtime/flow-registry.js';
export { Schedule } from './schedules/schedule.js';
export type { ScheduleInfo, ScheduleStatus } from './schedules/schedule.js';
export { Schedules } from './schedules/schedules.js';
export type { ScheduleHost, ScheduleStart, StartedJob } from './schedules/schedule-host.js';
export { MISFIRE_GRACE_MS, DEFAULT_MAX_QUEUED } from './schedules/schedule-options.js';
export type { ScheduleOptions, ScheduleOverlap, ScheduleCatchUp } from './schedules/schedule-options.js';
export type { RegisteredFlow } from './runtime/flow-registry.js';
export {
  ActivationPolicy,
  immediatePolicy,
  batchSizePolicy,
  allSlotsReadyPolicy,
  timeIntervalPolicy,
  customPolicy,
  breakpointPolicy,
  isActivationPolicy,
  activationPolicyFromJSON,
} from './policies/activation-policy.js';
export type {
  ActivationPolicyType,
  ActivationPolicyDescriptor,
  LogicFunction,
  SlotData,
  SlotQueues,
  PolicyMessage,
  CustomPolicyCheck,
} from './policies/activation-policy.js';
export { Logic } from './decorators/logic.decorator.js';
export type { LogicOptions, LogicSlotDeclaration } from './decorators/logic.decorator.js';

// application wiring: flows as definitions, plain (tsyringe) application container
export { findRoutineMetadata } from './metadata/metadata-scanner.js';
export { defineFlow, assembleFlow, resolveRoutineType } from './app/flow-definition.js';
export type { FlowDefinition, FlowDefinitionOptions, RoutineRef, RoutineNodeDefinition, ConnectionDefinition, FlowRoutines, NodeRoutine, WireDefinition, WireFunction, FlowDefinitionInput } from './app/flow-definition.js';
export { defineModule } from './app/app-module.js';
export type { AppModule, AppModuleDefinition, AppProvider, AppResolver, AppToken } from './app/app-module.js';
export { RoutiluxApplication } from './app/application.js';
export type { RoutiluxApplicationOptions } from './app/application.js';

// durable-store port (adapters: routilux/store-sqlite, routilux/bullmq)
export type {
  JobStore,
  ActivationCommit,
  JobChanges,
  StoredJson,
  StoredTask,
  CommitOutcome,
  StoredJobSummary,
  ListJobsQuery,
  JobPage,
  RetentionOptions,
  JobLease,
} from './ports/job-store.js';

// limits that protect a job (services.md §1)
export { DEFAULT_LIMITS } from './flow/limits.js';
export type { Limits, ResolvedLimits } from './flow/limits.js';
// job stores: the in-memory store (the default) and the toolkit store adapters share
export { MemoryJobStore } from './stores/memory-job-store.js';
export type { MemoryJobStoreOptions } from './stores/memory-job-store.js';
export { StoreError } from './errors/store-error.js';
export { checkActivationCommit, commitKey } from './stores/activation-commit.js';
export type { CheckedCommit } from './stores/activation-commit.js';
export { applyActivationCommit } from './stores/apply-commit.js';
export { checkStoredJob, checkStoredTask, isFinishedStatus, MAP_FIELDS, LIST_FIELDS, SLOT_KEY_SEPARATOR } from './stores/job-document.js';
export { checkListQuery, checkRetention, compareNewestFirst, encodeJobCursor, decodeJobCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './stores/job-listing.js';
export type { CheckedListQuery, JobPosition } from './stores/job-listing.js';
export { checkName as checkStoreName, checkOptionalFlow, checkLeaseRequest } from './stores/store-arguments.js';
export { copyStoredJson, isJsonObject } from './stores/stored-json.js';

// flow documents: YAML/JSON files, the JSON Schema (routilux/flow.schema.json), issues with JSON Pointers
export { loadFlowFile, FLOW_FILE_EXTENSIONS } from './documents/load-flow-file.js';
export type { FlowDocumentOptions } from './documents/flow-yaml.js';
export type { DocumentIssue } from './documents/document-issues.js';

// diagrams (services.md §9): Mermaid and D2 text for a flow or a flow document
export { flowToMermaid } from './diagrams/mermaid.js';
export { flowToD2 } from './diagrams/d2.js';
export type { DiagramSource } from './diagrams/diagram-model.js';

// sandboxed CEL expressions (breakpoint conditions; the built-ins' conditions)
export { compileExpression, ExpressionCompileError, ExpressionEvaluationError, EXPRESSION_LIMITS, regexProblem } from './expressions/index.js';
export type { CompiledExpression, ExpressionFailure } from './expressions/index.js';

// ---------------------------------------------------------------- event stream (services.md §2)
export type { Breakpoint, BreakpointSpec } from './state/breakpoint-types.js';
export type {
  RoutiluxEvent,
  RoutiluxEventBase,
  JobStartedEvent,
  JobStatusEvent,
  ActivationStartedEvent,
  ActivationFinishedEvent,
  ActivationOutcome,
  EventEmittedEvent,
  OutputEvent,
  BreakpointHitEvent,
} from './runtime/job-events.js';

// engine seams: the flow and job views handlers and policies see, the file store, commit semantics
export type { ExecutionFlow } from './routine/execution-context.js';
export type { PolicyJobView } from './policies/activation-policy.js';
export { FileJobStore } from './stores/file-job-store.js';
export type { FileJobStoreOptions } from './stores/file-job-store.js';
