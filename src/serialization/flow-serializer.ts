// The flow wire format: its types, version and JSON safety. Converting a Flow to and from
// it is flow/flow-document.ts (with the document stages of documents/flow-document.ts); this
// module knows no domain class.
import { FLOW_DOCUMENT_VERSION } from '../documents/flow-document.js';
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

/** @internal Checks that a flow document about to be returned by `serialize()` is JSON-safe. */
export function assertFlowJsonSafe(plain: SerializedFlow): SerializedFlow {
  assertJsonSafe(plain, `Flow ${plain.flowId}`);
  return plain;
}
