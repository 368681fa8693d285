/**
 * The flagship's routine types, registered by name, so a flow document (flow.yaml) can
 * name them and the CLI can load them (`routilux run flow.yaml --import ./routines.ts`).
 * flow.ts builds the same flow in code from these classes.
 */
import { FunctionRegistry, RoutineBase, RoutineRegistry, type ExecutionContext, type MergeFunction } from 'routilux';

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

/** The part one document contributes to the report. */
export interface DocPart {
  id: string;
  words?: number;
  lang?: string;
}

// ------------------------------------------------------------------ routines (programmatic form)

/** Entry: fans each document of `docs` out as a `doc` event. */
export class Ingest extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('doc', ['id', 'text']);
    this.defineSlot<{ docs: string[] }>('trigger', (data, ctx) => {
      ctx.jobState.updateSharedData('expectedParts', data.docs.length * 2);
      data.docs.forEach((text, i) => this.emit('doc', { id: `doc-${i + 1}`, text }));
    });
  }
}

/** Counts the words of one document. */
export class WordCounter extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('counted', ['id', 'words']);
    this.defineSlot<{ id: string; text: string }>('input', (data) => {
      this.emit('counted', { id: data.id, words: data.text.split(/\s+/).filter(Boolean).length });
    });
  }
}

/** Detects the language of one document through the flaky remote service (async; retried). */
export class LanguageDetector extends RoutineBase {
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

/** Fan-in: folds every part into one buffer and writes the report once all parts are in. */
export class Report extends RoutineBase {
  constructor() {
    super();
    this.defineSlot<{ docs: Record<string, DocPart>; parts: number }>(
      'parts',
      (merged, ctx: ExecutionContext) => {
        if (merged.parts < ctx.jobState.getSharedData<number>('expectedParts', Infinity)!) return;
        const rows = Object.values(merged.docs).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
        ctx.jobState.updateSharedData('report', rows);
        this.sendOutput('progress', `report ready: ${rows.length} documents`);
        for (const row of rows) this.sendOutput('report', `${row.id.padEnd(6)} ${String(row.words).padStart(3)} words  ${row.lang ?? '?'}`);
      },
      { merge: foldParts },
    );
  }
}

// ------------------------------------------------------------------ registration

/** A failure is retried when the remote side said "try again". */
export const isTransient = FunctionRegistry.register('flagship.isTransient', (error: unknown) => error instanceof TransientError);
RoutineRegistry.register('flagship.Ingest', Ingest);
RoutineRegistry.register('flagship.WordCounter', WordCounter);
RoutineRegistry.register('flagship.LanguageDetector', LanguageDetector);
RoutineRegistry.register('flagship.Report', Report);
