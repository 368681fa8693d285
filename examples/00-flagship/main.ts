/**
 * Flagship example — run with `npm start`.
 *
 * A small document-analysis pipeline:
 *
 *   ingest ──doc──▶ words ──────counted──▶ report.parts   (fan-in: custom merge)
 *          └─doc─▶ language ───detected──▶ report.parts
 *                  (async, flaky remote call, RETRY with backoff)
 *
 * - fan-out: `ingest.doc` is connected to two routines; each gets its own copy.
 * - fan-in: `report.parts` receives from both and folds every part into one per-job buffer
 *   with a custom merge function.
 * - retry: the language detector's fake remote service answers "503" on the first call for
 *   some documents; a RETRY error handler runs the same activation again after a short delay.
 *
 * Options: `npm start -- --max-retries 0` turns retries off, so the flaky step fails the job
 * (the process then exits with code 1).
 */
import {
  CallbackOutputHandler,
  ErrorHandler,
  Flow,
  JobState,
  RoutineBase,
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

function parseMaxRetries(argv: readonly string[]): number {
  const i = argv.indexOf('--max-retries');
  if (i === -1) return 3;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--max-retries needs an integer >= 0; got ${String(argv[i + 1])}`);
  return n;
}

const maxRetries = parseMaxRetries(process.argv.slice(2));

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
  new ErrorHandler({
    strategy: 'retry',
    maxRetries,
    retryDelay: 10,
    retryBackoff: 2,
    retryable: (error) => error instanceof TransientError,
  }),
);

const docs = [
  'The quick brown fox jumps over the lazy dog',
  'Der Hund und die Katze schlafen',
  'Le chat et la souris jouent ensemble',
  'Release 2 ships on day 14 with 3 fixes',
  'Routines talk through slots and events',
  'Version 7 of the parser handles 12 edge cases',
];

// ------------------------------------------------------------------ run

console.log(`flagship: ${docs.length} documents, maxWorkers ${flow.maxWorkers}, maxRetries ${maxRetries}`);
const started = performance.now();
const job = flow.start('ingest', { docs });
job.setOutputHandler(new CallbackOutputHandler((record) => console.log(`  [${record.routineId}] ${String(record.data)}`)));

await JobState.waitForCompletion(flow, job, {
  progressInterval: 15,
  onProgress: ({ queueSize, active, status }) => console.log(`  progress: status=${status} queued=${queueSize} active=${active}`),
});
const wallMs = performance.now() - started;

// ------------------------------------------------------------------ summary

console.log('\nsummary');
console.log(`  status: ${job.status}${job.error ? ` (${job.error.code} in ${job.error.routineId ?? '?'}: ${job.error.message})` : ''}`);
console.log(`  wall time: ${wallMs.toFixed(0)} ms`);
console.log('  routine      runs  ok  failed  avg ms  retries  status');
for (const id of flow.routines.keys()) {
  const perf = job.tracker.getRoutinePerformance(id);
  const state = job.getRoutineState(id);
  if (perf === undefined || state === undefined) {
    console.log(`  ${id.padEnd(11)}  (did not run)`);
    continue;
  }
  console.log(
    `  ${id.padEnd(11)} ${String(perf.totalExecutions).padStart(5)} ${String(perf.completed).padStart(3)} ${String(perf.failed).padStart(7)} ${perf.avgExecutionTime.toFixed(2).padStart(7)} ${String(state.retryCount ?? 0).padStart(8)}  ${state.status}`,
  );
}
const flowPerf = job.tracker.getFlowPerformance();
console.log(`  events emitted: ${flowPerf.totalEvents}; history entries: ${job.executionHistory.length} (dropped ${job.historyDropped})`);

const report = job.getSharedData<DocPart[]>('report');
if (report !== undefined) {
  console.log('\nreport');
  for (const row of report) console.log(`  ${row.id.padEnd(6)} ${String(row.words).padStart(3)} words  ${row.lang ?? '?'}`);
}

await flow.shutdown();
const ok = job.status === 'completed' && report !== undefined && report.length === docs.length;
console.log(ok ? '\nflagship: OK' : '\nflagship: FAILED');
process.exitCode = ok ? 0 : 1;
