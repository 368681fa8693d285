import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Breakpoint, FlowDocument, JobSummary, OutputRecord, RoutineType, RoutiluxEvent, SerializedJob } from '../api/types.js';
import { ErrorLine, StatusBadge, time } from '../components/Status.js';
import { Timeline } from '../components/Timeline.js';
import { VirtualList } from '../components/VirtualList.js';
import { applyTimelineEvent, marksFromHistory, type Timeline as TimelineData } from '../lib/timeline.js';
import { href } from '../router.js';
import { useLiveEvents, useSession } from '../session.js';
import { Breakpoints } from './Breakpoints.js';
import { JobDetails } from './JobDetails.js';

/** One job: status and controls, timeline, routine states, shared data, output log, pending tasks, pause points, breakpoints. */
export function JobPage({ id }: { id: string }) {
  const { api } = useSession();
  const [summary, setSummary] = useState<JobSummary | undefined>();
  const [state, setState] = useState<SerializedJob | undefined>();
  const [doc, setDoc] = useState<FlowDocument | undefined>();
  const [catalogue, setCatalogue] = useState<RoutineType[]>([]);
  const [breakpoints, setBreakpoints] = useState<Breakpoint[]>([]);
  const [timeline, setTimeline] = useState<TimelineData>({ bars: [], marks: [] });
  const [outputs, setOutputs] = useState<OutputRecord[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(Date.now());
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refresh = useCallback(() => {
    api.getJob(id).then(setSummary, setError);
    api.jobState(id).then((s) => {
      setState(s);
      setOutputs(s.outputLog);
      setTimeline((t) => ({ ...t, marks: t.bars.length === 0 ? marksFromHistory(s.executionHistory) : t.marks }));
      setNow(Date.now());
    }, setError);
    api.listBreakpoints(id).then((r) => setBreakpoints(r.items), () => setBreakpoints([]));
  }, [api, id]);
  /** Refreshes at most once per 300 ms, driven by events (there is no polling loop). */
  const refreshSoon = useCallback(() => {
    if (refreshTimer.current !== undefined) return;
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = undefined;
      refresh();
    }, 300);
  }, [refresh]);
  useEffect(() => {
    refresh();
    api.routines().then((r) => setCatalogue(r.items), () => setCatalogue([]));
    return () => clearTimeout(refreshTimer.current);
  }, [api, id, refresh]);
  useEffect(() => {
    if (summary?.flow) api.getFlow(summary.flow).then((r) => setDoc(r.document), () => undefined);
  }, [api, summary?.flow]);
  useLiveEvents(
    { jobId: id },
    (e: RoutiluxEvent) => {
      if (e.jobId !== id) return;
      setTimeline((t) => applyTimelineEvent(t, e));
      setNow(Date.parse(e.at));
      if (e.type === 'output') setOutputs((o) => [...o, { routineId: e.routineId, outputType: e.outputType, data: e.data, timestamp: e.at }]);
      if (e.type === 'job.status') setSummary((s) => (s === undefined ? s : { ...s, status: e.status, ...(e.error ? { error: e.error } : {}) }));
      if (e.type === 'job.status' || e.type === 'breakpoint.hit' || e.type === 'activation.finished') refreshSoon();
    },
    [id, refreshSoon],
  );
  const control = (action: 'pause' | 'resume' | 'cancel'): void => {
    setBusy(true);
    setError(undefined);
    api
      .control(id, action)
      .then(setSummary, setError)
      .finally(() => {
        setBusy(false);
        refresh();
      });
  };
  const status = summary?.status;
  const finished = status === 'completed' || status === 'failed' || status === 'cancelled';
  const types = new Map(catalogue.map((t) => [t.name, t]));
  const routineSlots: Record<string, string[]> = {};
  if (doc !== undefined) for (const [rid, r] of Object.entries(doc.routines)) routineSlots[rid] = types.get(r.type)?.slots.map((s) => s.name) ?? [];
  const routineIds = doc !== undefined ? Object.keys(doc.routines) : Object.keys(state?.routineStates ?? {});
  return (
    <section aria-labelledby="job-title">
      <p class="crumbs">
        <a href={href.jobs()}>Jobs</a> / <span class="mono">{id}</span>
      </p>
      <div class="title-row">
        <h1 id="job-title">
          Job <span class="mono">{id}</span>
        </h1>
        {status !== undefined ? <StatusBadge status={status} /> : null}
        {summary?.flow ? (
          <a href={href.flow(summary.flow)} class="muted">
            flow {summary.flow}
          </a>
        ) : null}
        <span class="spacer" />
        <button type="button" onClick={() => control('pause')} disabled={busy || status !== 'running'}>
          Pause
        </button>
        <button type="button" onClick={() => control('resume')} disabled={busy || status !== 'paused'}>
          Resume
        </button>
        <button type="button" class="danger" onClick={() => control('cancel')} disabled={busy || finished || status === undefined}>
          Cancel
        </button>
      </div>
      <ErrorLine error={error} />
      {summary?.error ? (
        <p class="error" role="alert">
          Job error <strong>{summary.error.code}</strong>
          {summary.error.routineId ? ` in ${summary.error.routineId}` : ''}: {summary.error.message}
        </p>
      ) : null}
      {summary !== undefined ? (
        <p class="muted" aria-label="Counts">
          {summary.counts.queued} queued · {summary.counts.running} running · {summary.counts.activations} activations · {summary.counts.failed} failed attempts · created {time(summary.createdAt)} · updated {time(summary.updatedAt)}
        </p>
      ) : null}
      <section class="card" aria-labelledby="tl-title">
        <h2 id="tl-title">Activation timeline</h2>
        <Timeline data={timeline} routineIds={routineIds} now={now} />
      </section>
      {!finished && status !== undefined ? <Breakpoints jobId={id} routines={routineSlots} breakpoints={breakpoints} paused={status === 'paused'} onChange={refresh} /> : null}
      {state !== undefined ? <JobDetails state={state} /> : null}
      <section class="card" aria-labelledby="out-title">
        <h2 id="out-title">Output log ({outputs.length})</h2>
        <VirtualList
          items={outputs}
          rowHeight={26}
          height={220}
          label="Output log"
          empty="No output yet."
          render={(o) => (
            <div class="log-row">
              <span class="muted">{time(o.timestamp)}</span>
              <span>{o.routineId}</span>
              <span class="muted">{o.outputType}</span>
              <span class="mono">{typeof o.data === 'string' ? o.data : JSON.stringify(o.data)}</span>
            </div>
          )}
        />
      </section>
    </section>
  );
}
