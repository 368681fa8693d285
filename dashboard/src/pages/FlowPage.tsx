import { useEffect, useMemo, useState } from 'preact/hooks';
import { stringify } from 'yaml';
import type { FlowDocument, JobSummary, RoutineType, RoutiluxEvent } from '../api/types.js';
import { FlowGraph } from '../components/FlowGraph.js';
import { ErrorLine } from '../components/Status.js';
import { applyEvent, emptyCounters, type CounterTable } from '../lib/counters.js';
import { graphOf } from '../lib/graph-model.js';
import { href } from '../router.js';
import { useLiveEvents, useSession } from '../session.js';

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** One flow: its graph with live counters (all jobs or one job), its YAML document and diagram downloads. */
export function FlowPage({ name }: { name: string }) {
  const { api } = useSession();
  const [doc, setDoc] = useState<FlowDocument | undefined>();
  const [catalogue, setCatalogue] = useState<RoutineType[]>([]);
  const [jobs, setJobs] = useState<JobSummary[]>([]);
  const [scope, setScope] = useState<string>(''); // '' = all jobs of the flow
  const [counters, setCounters] = useState<CounterTable>({});
  const [since] = useState(() => new Date());
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.getFlow(name).then((r) => setDoc(r.document), setError);
    api.routines().then((r) => setCatalogue(r.items), () => setCatalogue([]));
    api.listJobs({ flow: name, limit: 50 }).then((r) => setJobs(r.items), () => setJobs([]));
  }, [api, name]);
  const graph = useMemo(() => (doc === undefined ? undefined : graphOf(doc, catalogue)), [doc, catalogue]);
  useEffect(() => {
    if (doc !== undefined) setCounters(emptyCounters(Object.keys(doc.routines)));
  }, [doc, scope]);
  useLiveEvents(
    doc === undefined ? undefined : scope === '' ? { flow: name } : { jobId: scope },
    (e: RoutiluxEvent) => {
      if (scope !== '' && e.jobId !== scope) return;
      if (scope === '' && doc !== undefined && e.flowId !== doc.flowId) return;
      if (e.type === 'job.started' && scope === '') api.getJob(e.jobId).then((j) => setJobs((js) => (js.some((x) => x.jobId === j.jobId) ? js : [j, ...js])), () => undefined);
      setCounters((c) => applyEvent(c, e, doc?.connections ?? []));
    },
    [doc, scope, name],
  );
  const get = (format: 'mermaid' | 'd2'): void => {
    api.diagram(name, format).then((text) => download(`${name}.${format === 'mermaid' ? 'mmd' : 'd2'}`, text), setError);
  };
  return (
    <section aria-labelledby="flow-title">
      <p class="crumbs">
        <a href={href.flows()}>Flows</a> / {name}
      </p>
      <div class="title-row">
        <h1 id="flow-title">{name}</h1>
        {doc !== undefined ? <span class="mono muted">flowId {doc.flowId}</span> : null}
        <span class="spacer" />
        <button type="button" onClick={() => get('mermaid')}>
          Download Mermaid
        </button>
        <button type="button" onClick={() => get('d2')}>
          Download D2
        </button>
        <a class="button" href={`${href.jobs()}?flow=${encodeURIComponent(name)}`}>
          Start a job…
        </a>
      </div>
      <ErrorLine error={error} />
      {graph !== undefined && doc !== undefined ? (
        <>
          <div class="toolbar">
            <label for="counter-scope">Counters for</label>
            <select id="counter-scope" value={scope} onChange={(e) => setScope((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">all jobs of this flow (live since {since.toLocaleTimeString(undefined, { hour12: false })})</option>
              {jobs.map((j) => (
                <option value={j.jobId} key={j.jobId}>
                  job {j.jobId} ({j.status})
                </option>
              ))}
            </select>
            <span class="legend muted">≡ queued · ▶ running · ✓ completed · ✗ failed</span>
          </div>
          <FlowGraph nodes={graph.nodes} edges={graph.edges} counters={counters} />
          <details class="card">
            <summary>YAML document</summary>
            <pre class="code" aria-label="Flow document as YAML">
              {stringify(doc)}
            </pre>
          </details>
        </>
      ) : error === undefined ? (
        <p class="muted">Loading…</p>
      ) : null}
    </section>
  );
}
