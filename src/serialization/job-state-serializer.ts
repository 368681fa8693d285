// The job-state wire format: its type, version, DTO validation and JSON safety. Converting a
// JobState to and from it is state/job-document.ts; this module knows no domain class.
import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { JobStateDto } from './dto/job-state.dto.js';
import { toDto } from './dto/validate-dto.js';
import { assertJsonSafe, assertNoForbiddenKeys } from './json-safety.js';

/** Current job-state format version. */
export const JOB_STATE_FORMAT_VERSION = 1;

/** The JSON-safe form of a JobState (`jobState.serialize()`); see docs/persistence.md. */
export type SerializedJobState = { [K in keyof JobStateDto]: JobStateDto[K] };

/** @internal Checks that a job document about to be returned by `serialize()` is JSON-safe. */
export function checkJobDocument(plain: SerializedJobState): SerializedJobState {
  assertJsonSafe(plain, `JobState ${plain.jobId}`);
  return plain;
}

/** @internal Checks a job document (forbidden keys, type, version, shape) and returns it validated. */
export function parseJobStateDocument(data: unknown): JobStateDto {
  assertNoForbiddenKeys(data, 'JobState document');
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const doc = data as { version?: unknown; type?: unknown };
    if (doc.type !== 'JobState') {
      throw new SerializationError(ErrorCode.INVALID_FORMAT, `Not a JobState document (type is ${JSON.stringify(doc.type) ?? 'missing'}); expected the output of jobState.serialize().`);
    }
    if (doc.version === undefined) throw new SerializationError(ErrorCode.INVALID_FORMAT, 'JobState document has no "version".');
    if (doc.version !== JOB_STATE_FORMAT_VERSION) {
      throw new SerializationError(ErrorCode.UNSUPPORTED_VERSION, `JobState document version ${JSON.stringify(doc.version)} is not supported; this routilux reads version ${JOB_STATE_FORMAT_VERSION}.`, {
        details: { version: String(doc.version), supported: [JOB_STATE_FORMAT_VERSION] },
      });
    }
  }
  return toDto(JobStateDto, data, 'JobState document');
}
