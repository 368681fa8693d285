/**
 * Flagship example in code — `npm start` runs the same flow through the CLI from flow.yaml;
 * this file runs it with the library API: `node --import tsx examples/00-flagship/main.ts`.
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
import { readFileSync } from 'node:fs';
import { CallbackOutputHandler, JobState } from 'routilux';
import { createFlagshipFlow, type DocPart } from './flow.js';

// The routines are in routines.ts, the wiring in flow.ts (and flow.yaml).

function parseMaxRetries(argv: readonly string[]): number {
  const i = argv.indexOf('--max-retries');
  if (i === -1) return 3;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--max-retries needs an integer >= 0; got ${String(argv[i + 1])}`);
  return n;
}

const maxRetries = parseMaxRetries(process.argv.slice(2));
const flow = createFlagshipFlow({ maxRetries });

// The same documents `npm start` gives the CLI (--params @examples/00-flagship/params.json).
const { docs } = JSON.parse(readFileSync(new URL('./params.json', import.meta.url), 'utf8')) as { docs: string[] };

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
