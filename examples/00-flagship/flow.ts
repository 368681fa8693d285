/**
 * The flagship flow's routines and wiring (see main.ts, which runs it). The routine types
 * and the retry predicate are registered, so the flow serializes and can be served,
 * diagrammed and loaded from its document.
 */
import {
  ErrorHandler,
  Flow,
  FunctionRegistry,
  RoutineBase,
  RoutineRegistry,
  type ExecutionContext,
  type MergeFunction,
} from 'routilux';

// ------------------------------------------------------------------ domain helpers

/** A failure worth retrying (the remote side said "try again"). */
class TransientError extends Error {
  override readonly name = 'TransientError';
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** A stand-in for a remote language-detection API. It is stateless: whether a call fails depends only on the document and the attempt number. */
const remoteDetector = {
  async detect(text: string, attempt: number, signal: AbortSignal): Promise<string> {
    await sleep(5, signal);
    // The service is "overloaded" on the first call for every document whose text mentions a number.
    if (attempt === 1 && /\d/.test(text)) throw new TransientError('503 Service Unavailable');
    return /\b(der|die|und)\b/i.test(text) ? 'de' : /\b(le|la|et)\b/i.test(text) ? 'fr' : 'en';
  },
};

interface DocPart {
  id: string;
  words?: number;
  lang?: string;
}

// ------------------------------------------------------------------ routines (programmatic form)

class Ingest extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('doc', ['id', 'text']);
    this.defineSlot<{ docs: string[] }>('trigger', (data, ctx) => {
      ctx.jobState.updateSharedData('expectedParts', data.docs.length * 2);
      data.docs.forEach((text, i) => this.emit('doc', { id: `doc-${i + 1}`, text }));
    });
  }
}

class WordCounter extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('counted', ['id', 'words']);
    this.defineSlot<{ id: string; text: string }>('input', (data) => {
      this.emit('counted', { id: data.id, words: data.text.split(/\s+/).filter(Boolean).length });
    });
  }
}

class LanguageDetector extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('detected', ['id', 'lang']);
    this.defineSlot<{ id: string; text: string }>('input', async (data, ctx) => {
      const lang = await remoteDetector.detect(data.text, ctx.attempt, ctx.signal);
      this.sendOutput('progress', `${data.id}: language ${lang}${ctx.attempt > 1 ? ` (succeeded on attempt ${ctx.attempt})` : ''}`);
      this.emit('detected', { id: data.id, lang });
    });
  }
}

/** Custom merge: folds each part into `{ docs: { [id]: DocPart }, parts }` (a new object each time). */
const foldParts: MergeFunction = (buffer, incoming) => {
  const docs = { ...(buffer['docs'] as Record<string, DocPart> | undefined) };
  const id = String(incoming['id']);
  docs[id] = { ...docs[id], ...(incoming as unknown as DocPart) };
  return { docs, parts: Number(buffer['parts'] ?? 0) + 1 };
};

class Report extends RoutineBase {
  constructor() {
    super();
    this.defineSlot<{ docs: Record<string, DocPart>; parts: number }>(
      'parts',
      (merged, ctx: ExecutionContext) => {
        if (merged.parts < ctx.jobState.getSharedData<number>('expectedParts', Infinity)!) return;
        const rows = Object.values(merged.docs).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
        ctx.jobState.updateSharedData('report', rows);
        this.sendOutput('progress', `report ready: ${rows.length} documents`);
      },
      { merge: foldParts },
    );
  }
}

// ------------------------------------------------------------------ wiring

/** A failure is retried when the remote side said "try again". */
const isTransient = FunctionRegistry.register('flagship.isTransient', (error: unknown) => error instanceof TransientError);
RoutineRegistry.register('flagship.Ingest', Ingest);
RoutineRegistry.register('flagship.WordCounter', WordCounter);
RoutineRegistry.register('flagship.LanguageDetector', LanguageDetector);
RoutineRegistry.register('flagship.Report', Report);

/** The document-analysis flow; `maxRetries` is the language detector's retry budget. */
export function createFlagshipFlow(options: { maxRetries?: number } = {}): Flow {
  const flow = new Flow({ flowId: 'flagship', executionStrategy: 'concurrent', maxWorkers: 4, executionTimeout: 10_000 });
  flow.addRoutine(new Ingest(), 'ingest');
  flow.addRoutine(new WordCounter(), 'words');
  flow.addRoutine(new LanguageDetector(), 'language');
  flow.addRoutine(new Report(), 'report');
  flow.connect('ingest', 'doc', 'words', 'input'); // fan-out …
  flow.connect('ingest', 'doc', 'language', 'input'); // … to two routines
  flow.connect('words', 'counted', 'report', 'parts'); // fan-in …
  flow.connect('language', 'detected', 'report', 'parts'); // … into one slot
  flow.routines.get('language')!.setErrorHandler(
    new ErrorHandler({ strategy: 'retry', maxRetries: options.maxRetries ?? 3, retryDelay: 10, retryBackoff: 2, retryable: isTransient }),
  );
  return flow;
}

/** The part one document contributes to the report. */
export type { DocPart };
