import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { instrument } from '../../src/otel/index.js';
import { runScript } from '../helpers/run-script.js';
import { memoryTracing, tracedFlow, viewOf, type SpanView } from '../fixtures/observe/traced-flow.js';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('a job paused at a breakpoint, resumed in a second process', () => {
  it('keeps its breakpoints and hits, and continues the same trace with the emit → activation links', async () => {
    const flow = tracedFlow();
    const { exporter, tracerProvider } = memoryTracing();
    const otel = instrument(flow, { tracerProvider });
    const job = await flow.execute('src', {}, { breakpoints: [{ routineId: 'end', condition: 'data.v == 20' }] });
    otel.stop();
    expect(job.status).toBe('paused');
    expect(job.outputLog.map((o) => o.data)).toEqual([{ v: 10 }]);
    dir = mkdtempSync(join(tmpdir(), 'routilux-observe-'));
    const file = join(dir, 'job.json');
    await job.save(file);

    const run = await runScript('test/fixtures/observe/resume-in-child.ts', [file]);
    expect(run.code, run.stderr).toBe(0);
    const child = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { status: string; breakpointsBefore: unknown; outputs: unknown[]; spans: SpanView[] };
    expect(child.status).toBe('completed');
    expect(child.breakpointsBefore).toEqual([{ id: 'bp1', routineId: 'end', condition: 'data.v == 20', hits: 1 }]);
    expect(child.outputs).toEqual([{ v: 10 }, { v: 20 }]); // the hit activation ran once, in the child

    const first = viewOf(exporter.getFinishedSpans());
    const run1 = first.find((s) => s.name === 'routilux.job')!;
    const mids = first.filter((s) => s.name === 'routilux.activation' && s.attributes['routilux.routine_id'] === 'mid');
    expect(mids).toHaveLength(2);
    const mid2 = mids[1]; // mid(2), which emitted end(20)
    expect(mid2).toBeDefined();
    const run2 = child.spans.find((s) => s.name === 'routilux.job')!;
    expect(run2.traceId).toBe(run1.traceId);
    expect(run2.links).toEqual([run1.spanId]);
    expect(run2.parentSpanId).toBe(run1.spanId);
    const end20 = child.spans.find((s) => s.name === 'routilux.activation')!;
    expect(end20.attributes).toMatchObject({ 'routilux.routine_id': 'end', 'routilux.job_id': job.jobId });
    expect(end20.traceId).toBe(run1.traceId);
    expect(end20.parentSpanId).toBe(run2.spanId);
    expect(end20.links).toEqual([mid2!.spanId]); // delivered by mid's second activation, in the first process
  });
});
