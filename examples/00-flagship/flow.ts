/**
 * The flagship flow in code (see main.ts, which runs it). flow.yaml is the same flow as a
 * document; the routine types it names are registered in routines.ts.
 */
import { ErrorHandler, Flow } from 'routilux';
import { Ingest, LanguageDetector, Report, WordCounter, isTransient } from './routines.js';

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

export type { DocPart } from './routines.js';
