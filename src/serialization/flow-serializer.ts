// The flow wire format: its types, version, DTO validation and JSON safety. Converting a
// Flow to and from it is flow/flow-document.ts; this module knows no domain class.
import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { FlowDto, RoutineDto } from './dto/flow.dto.js';
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

/** @internal a flow document whose shape, version and routines passed validation. */
export interface ParsedFlowDocument extends Omit<FlowDto, 'routines'> {
  /** The routines in document order, each validated. */
  readonly routineList: readonly (RoutineDto & { readonly id: string })[];
}

/**
 * @internal Checks a flow document (forbidden keys, version, shape, every routine) and
 * returns it validated; every problem is a typed error.
 */
export function parseFlowDocument(data: unknown): ParsedFlowDocument {
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
  const routineList = Object.entries(dto.routines).map(([id, raw]) => Object.assign(toDto(RoutineDto, raw, `Flow document routine "${id}"`), { id }));
  const { routines: _routines, ...rest } = dto;
  return { ...rest, routineList };
}

/** @internal Checks that a flow document about to be returned by `serialize()` is JSON-safe. */
export function checkFlowDocument(plain: SerializedFlow): SerializedFlow {
  assertJsonSafe(plain, `Flow ${plain.flowId}`);
  return plain;
}
