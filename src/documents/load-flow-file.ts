import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError, isRoutiluxError, SerializationError } from '../errors/routilux-error.js';
import { Flow } from '../flow/flow.js';
import { flowFromText, type FlowDocumentOptions } from './flow-yaml.js';
import { assertTextSize } from './yaml-text.js';

/** The file extensions `loadFlowFile` reads. */
export const FLOW_FILE_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/**
 * Loads a flow document from a `.yaml`, `.yml` or `.json` file, through the same stages as
 * `Flow.fromYAML` (every issue with its JSON Pointer, line and column). A missing file →
 * `FILE_NOT_FOUND`; another extension → `INVALID_ARGUMENT`; over 1 MiB → `PAYLOAD_TOO_LARGE`
 * (checked before the file is read).
 *
 * @example
 * const flow = await loadFlowFile('flows/orders.yaml');
 * const job = await flow.execute('intake', { orderId: 'o-1' });
 */
export async function loadFlowFile(path: string, options: FlowDocumentOptions = {}): Promise<Flow> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `loadFlowFile(path) needs a file path; got ${typeof path}.`);
  }
  const ext = extname(path).toLowerCase();
  if (!FLOW_FILE_EXTENSIONS.includes(ext)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `loadFlowFile reads ${FLOW_FILE_EXTENSIONS.join(', ')} files; ${path} has ${ext === '' ? 'no extension' : `the extension ${ext}`}.`, {
      details: { path, extension: ext },
    });
  }
  const what = `Flow file ${path}`;
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${path} is not a file; give the path of a flow document.`, { details: { path } });
    assertTextSize(info.size, what);
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as { code?: unknown }).code === 'ENOENT') {
      throw new SerializationError(ErrorCode.FILE_NOT_FOUND, `No flow file at ${path}; check the path.`, { cause, details: { path } });
    }
    if (isRoutiluxError(cause)) throw cause;
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Cannot read the flow file ${path}: ${cause instanceof Error ? cause.message : String(cause)}.`, { cause, details: { path } });
  }
  return flowFromText(text, options, what, (doc, o) => Flow.deserialize(doc, o));
}
