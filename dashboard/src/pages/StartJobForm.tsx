import { useEffect, useMemo, useState } from 'preact/hooks';
import type { FlowDocument, FlowListItem, JobSummary, RoutineType } from '../api/types.js';
import { ErrorLine } from '../components/Status.js';
import { parseEntryParams } from '../lib/json-input.js';
import { href } from '../router.js';
import { useSession } from '../session.js';

/** Starts a job: flow, entry routine (those with a `trigger` slot), entry params as JSON checked before sending. */
export function StartJobForm({ flows, initialFlow, onStarted }: { flows: FlowListItem[]; initialFlow: string; onStarted: (job: JobSummary) => void }) {
  const { api } = useSession();
  const [flow, setFlow] = useState(initialFlow);
  const [doc, setDoc] = useState<FlowDocument | undefined>();
  const [catalogue, setCatalogue] = useState<RoutineType[]>([]);
  const [entry, setEntry] = useState('');
  const [params, setParams] = useState('{}');
  const [error, setError] = useState<unknown>();
  const [started, setStarted] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (flow === '' && flows.length > 0) setFlow(flows[0]!.name);
  }, [flows, flow]);
  useEffect(() => {
    api.routines().then((r) => setCatalogue(r.items), () => setCatalogue([]));
  }, [api]);
  useEffect(() => {
    setDoc(undefined);
    if (flow !== '') api.getFlow(flow).then((r) => setDoc(r.document), setError);
  }, [api, flow]);
  const entries = useMemo(() => {
    if (doc === undefined) return [];
    const types = new Map(catalogue.map((t) => [t.name, t]));
    return Object.entries(doc.routines)
      .filter(([, r]) => types.get(r.type)?.slots.some((s) => s.name === 'trigger') ?? false)
      .map(([id]) => id);
  }, [doc, catalogue]);
  useEffect(() => {
    if (!entries.includes(entry)) setEntry(entries[0] ?? '');
  }, [entries, entry]);
  const check = parseEntryParams(params);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!check.ok || flow === '') return;
    setBusy(true);
    setError(undefined);
    try {
      const job = await api.startJob(flow, { ...(entry !== '' ? { entryRoutineId: entry } : {}), entryParams: check.value });
      setStarted(job.jobId);
      onStarted(job);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card start-form" onSubmit={submit} aria-labelledby="start-title">
      <h2 id="start-title">Start a job</h2>
      <div class="form-row">
        <label for="start-flow">Flow</label>
        <select id="start-flow" value={flow} onChange={(e) => setFlow((e.currentTarget as HTMLSelectElement).value)}>
          {flows.map((f) => (
            <option value={f.name} key={f.name}>
              {f.name}
            </option>
          ))}
        </select>
        <label for="start-entry">Entry routine</label>
        <select id="start-entry" value={entry} onChange={(e) => setEntry((e.currentTarget as HTMLSelectElement).value)}>
          {entries.length === 0 ? <option value="">(the server picks the entry)</option> : null}
          {entries.map((id) => (
            <option value={id} key={id}>
              {id}
            </option>
          ))}
        </select>
      </div>
      <label for="start-params">Entry params (JSON object)</label>
      <textarea id="start-params" rows={4} spellcheck={false} value={params} aria-invalid={!check.ok} aria-describedby="start-params-help" onInput={(e) => setParams((e.currentTarget as HTMLTextAreaElement).value)} />
      <p id="start-params-help" class={check.ok ? 'muted' : 'error'} role={check.ok ? undefined : 'alert'}>
        {check.ok ? 'Valid JSON object.' : check.message}
      </p>
      <ErrorLine error={error} />
      <div class="form-row">
        <button type="submit" disabled={!check.ok || busy || flow === ''}>
          {busy ? 'Starting…' : 'Start job'}
        </button>
        {started !== undefined ? (
          <span role="status">
            Started <a href={href.job(started)}>job {started}</a>
          </span>
        ) : null}
      </div>
    </form>
  );
}
