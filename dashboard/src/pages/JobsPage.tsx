import { useEffect, useMemo, useState } from 'preact/hooks';
import type { FlowListItem, JobStatus, JobSummary, RoutiluxEvent } from '../api/types.js';
import { ErrorLine, StatusBadge, time } from '../components/Status.js';
import { VirtualList } from '../components/VirtualList.js';
import { hashParam, href } from '../router.js';
import { useLiveEvents, useSession } from '../session.js';
import { StartJobForm } from './StartJobForm.js';

const STATUSES: JobStatus[] = ['pending', 'running', 'paused', 'completed', 'failed', 'cancelled'];

/** Applies one live event to the table's rows; a job it does not know is fetched once. */
function applyToRows(rows: JobSummary[], e: RoutiluxEvent): JobSummary[] | 'unknown' {
  const i = rows.findIndex((r) => r.jobId === e.jobId);
  if (i === -1) return 'unknown';
  const row = rows[i]!;
  let next: JobSummary = row;
  if (e.type === 'job.status') next = { ...row, status: e.status, updatedAt: e.at, ...(e.error ? { error: e.error } : {}) };
  else if (e.type === 'activation.started') next = { ...row, updatedAt: e.at, counts: { ...row.counts, running: row.counts.running + 1, queued: Math.max(0, row.counts.queued - 1) } };
  else if (e.type === 'activation.finished')
    next = {
      ...row,
      updatedAt: e.at,
      counts: { ...row.counts, running: Math.max(0, row.counts.running - 1), activations: row.counts.activations + 1, failed: row.counts.failed + (e.outcome === 'failed' || e.outcome === 'retrying' ? 1 : 0) },
    };
  else if (e.type === 'event.emitted') next = { ...row, counts: { ...row.counts, queued: row.counts.queued + e.targets } };
  else return rows;
  const copy = rows.slice();
  copy[i] = next;
  return copy;
}

/** Jobs: a filterable table kept current over the WebSocket, and the start-a-job form. */
export function JobsPage() {
  const { api } = useSession();
  const [flows, setFlows] = useState<FlowListItem[]>([]);
  const [rows, setRows] = useState<JobSummary[]>([]);
  const [flow, setFlow] = useState(() => hashParam('flow') ?? '');
  const [status, setStatus] = useState<JobStatus | ''>('');
  const [search, setSearch] = useState('');
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.listFlows().then((r) => setFlows(r.items), setError);
  }, [api]);
  useEffect(() => {
    api.listJobs({ limit: 500, ...(flow !== '' ? { flow } : {}), ...(status !== '' ? { status } : {}) }).then((r) => setRows(r.items), setError);
  }, [api, flow, status]);
  useLiveEvents(
    { all: true },
    (e) => {
      setRows((current) => {
        const next = applyToRows(current, e);
        if (next !== 'unknown') return next;
        if (e.type === 'job.started' || e.type === 'job.status') {
          api.getJob(e.jobId).then((j) => setRows((rs) => (rs.some((r) => r.jobId === j.jobId) ? rs : [j, ...rs])), () => undefined);
        }
        return current;
      });
    },
    [api],
  );
  const shown = useMemo(
    () => rows.filter((r) => (flow === '' || r.flow === flow) && (status === '' || r.status === status) && (search === '' || r.jobId.includes(search.trim()))),
    [rows, flow, status, search],
  );
  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Jobs</h1>
      <ErrorLine error={error} />
      <StartJobForm flows={flows} initialFlow={flow} onStarted={(j) => setRows((rs) => (rs.some((r) => r.jobId === j.jobId) ? rs : [j, ...rs]))} />
      <div class="toolbar" role="search" aria-label="Filter jobs">
        <label for="filter-flow">Flow</label>
        <select id="filter-flow" value={flow} onChange={(e) => setFlow((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">all</option>
          {flows.map((f) => (
            <option value={f.name} key={f.name}>
              {f.name}
            </option>
          ))}
        </select>
        <label for="filter-status">Status</label>
        <select id="filter-status" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as JobStatus | '')}>
          <option value="">all</option>
          {STATUSES.map((s) => (
            <option value={s} key={s}>
              {s}
            </option>
          ))}
        </select>
        <label for="filter-id">Job id</label>
        <input id="filter-id" type="search" value={search} placeholder="contains…" onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)} />
        <span class="muted">
          {shown.length} of {rows.length} jobs
        </span>
      </div>
      <div class="jobs-head" aria-hidden="true">
        <span>Job</span>
        <span>Flow</span>
        <span>Status</span>
        <span class="num">Queued</span>
        <span class="num">Running</span>
        <span class="num">Activations</span>
        <span class="num">Failed</span>
        <span>Updated</span>
      </div>
      <VirtualList
        items={shown}
        rowHeight={34}
        height={420}
        label="Jobs"
        empty="No jobs match these filters."
        render={(j) => (
          <div class="jobs-row" data-job={j.jobId} data-status={j.status}>
            <a href={href.job(j.jobId)} class="mono" aria-label={`Job ${j.jobId}, ${j.status}`}>
              {j.jobId}
            </a>
            <span>{j.flow ?? j.flowId}</span>
            <span>
              <StatusBadge status={j.status} />
            </span>
            <span class="num">{j.counts.queued}</span>
            <span class="num">{j.counts.running}</span>
            <span class="num">{j.counts.activations}</span>
            <span class="num">{j.counts.failed}</span>
            <span class="muted">{time(j.updatedAt)}</span>
          </div>
        )}
      />
    </section>
  );
}
