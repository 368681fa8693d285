// Reading and writing one JSON document on disk: the file adapter and JobState.save/load
// share it. Knows nothing of jobs beyond the document being JSON.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { parseJson } from '../serialization/json-safety.js';

/** @internal writes `document` as JSON to `path`: directories are created, the file is replaced atomically. */
export async function saveJobDocument(path: string, document: unknown, where: string): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new SerializationError(ErrorCode.INVALID_ARGUMENT, `${where} needs a file path; got ${typeof path}.`);
  }
  const text = JSON.stringify(document, null, 2);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}

/** @internal reads a JSON document written by `saveJobDocument`. Missing file → `FILE_NOT_FOUND`; unreadable → `INVALID_FORMAT`. */
export async function loadJobDocument(path: string, where: string): Promise<unknown> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new SerializationError(ErrorCode.INVALID_ARGUMENT, `${where} needs a file path; got ${typeof path}.`);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === 'ENOENT') throw new SerializationError(ErrorCode.FILE_NOT_FOUND, `No JobState file at ${path}; check the path (save it with jobState.save(path)).`, { cause, details: { path } });
    throw new SerializationError(ErrorCode.INVALID_FORMAT, `Could not read JobState file ${path}: ${(cause as Error).message}.`, { cause, details: { path } });
  }
  return parseJson(text, `JobState file ${path}`);
}
