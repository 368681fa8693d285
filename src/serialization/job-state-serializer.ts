// The job-state wire format: its type, version, DTO validation and JSON safety. Converting a
// JobState to and from it is state/job-document.ts; this module knows no domain class.
import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { invalidDocument, type DocumentIssue } from '../documents/document-issues.js';
import type { ResolvedLimits } from '../flow/limits.js';
import { isPlainObject } from '../utils/guards.js';
import { JobStateDto } from './dto/job-state.dto.js';
import { toDto } from './dto/validate-dto.js';
import { checkDocumentIds } from './job-ids.js';
import { checkStoredPayloads, restorePayloads, withoutPayloads } from './job-payloads.js';
import { assertJsonSafe, assertNoForbiddenKeys } from './json-safety.js';

/** Current job-state format version. */
export const JOB_STATE_FORMAT_VERSION = 1;

/** The JSON-safe form of a JobState (`jobState.serialize()`); see docs/persistence.md. */
export type SerializedJobState = { [K in keyof JobStateDto]: JobStateDto[K] };

/** @internal Checks that a job document about to be returned by `serialize()` is JSON-safe and within `limits`. */
export function checkJobDocument(plain: SerializedJobState, limits: ResolvedLimits): SerializedJobState {
  checkStoredPayloads(plain as unknown as Record<string, unknown>, limits, `JobState ${plain.jobId}`);
  assertJsonSafe(plain, `JobState ${plain.jobId}`);
  return plain;
}

/**
 * @internal Checks a job document in the stages of services.md §3 (forbidden keys, ids,
 * type and version, then every shape problem listed in `details.issues` with JSON Pointer
 * paths) and hands the validated DTO to `restore`, whose own issues join the DTO's in one
 * INVALID_FORMAT error. Payloads may keep reserved keys as own data keys (api.md §5): the
 * document's structure is checked without them, and they are restored before `restore`.
 */
export function parseJobStateDocument<T>(data: unknown, restore: (dto: JobStateDto, issues: DocumentIssue[]) => T): T {
  const what = 'JobState document';
  const shell = withoutPayloads(data);
  assertNoForbiddenKeys(shell, what);
  checkDocumentIds(data);
  if (isPlainObject(data)) {
    if (data['type'] !== 'JobState') {
      throw invalidDocument(what, [{ path: '/type', message: `must be "JobState" (got ${JSON.stringify(data['type']) ?? 'nothing'}); expected the output of jobState.serialize()` }]);
    }
    const version = data['version'];
    if (typeof version === 'number' && Number.isInteger(version) && version > JOB_STATE_FORMAT_VERSION) {
      throw new SerializationError(ErrorCode.UNSUPPORTED_VERSION, `JobState document version ${version} is not supported; this routilux reads version ${JOB_STATE_FORMAT_VERSION}.`, {
        details: { version: String(version), supported: [JOB_STATE_FORMAT_VERSION], path: '/version', issues: [{ path: '/version', message: `version ${version} is newer than ${JOB_STATE_FORMAT_VERSION}` }] },
      });
    }
  }
  let result: { value: T } | undefined;
  toDto(JobStateDto, shell, what, (d) => {
    restorePayloads(data as Record<string, unknown>, d as unknown as Record<string, unknown>);
    const issues: DocumentIssue[] = [];
    if (d.version !== JOB_STATE_FORMAT_VERSION) issues.push({ path: '/version', message: `must be ${JOB_STATE_FORMAT_VERSION}` });
    result = { value: restore(d, issues) };
    return issues;
  });
  return result!.value;
}
