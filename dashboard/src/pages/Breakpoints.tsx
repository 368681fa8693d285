import { useEffect, useState } from 'preact/hooks';
import type { Breakpoint } from '../api/types.js';
import { ErrorLine } from '../components/Status.js';
import { useSession } from '../session.js';

/** Breakpoints of a job: add with routine, slot and a CEL condition over `data`; remove; step once. */
export function Breakpoints({ jobId, routines, breakpoints, paused, onChange }: { jobId: string; routines: Record<string, string[]>; breakpoints: Breakpoint[]; paused: boolean; onChange: () => void }) {
  const { api } = useSession();
  const ids = Object.keys(routines);
  const [routineId, setRoutineId] = useState(ids[0] ?? '');
  const [slot, setSlot] = useState('');
  const [condition, setCondition] = useState('');
  const [error, setError] = useState<unknown>();
  const [stepped, setStepped] = useState<string | undefined>();
  useEffect(() => {
    if (!ids.includes(routineId)) setRoutineId(ids[0] ?? '');
  }, [ids.join('\u0000'), routineId]);
  const act = (p: Promise<unknown>): void => {
    setError(undefined);
    p.then(onChange, setError);
  };
  const add = (e: Event): void => {
    e.preventDefault();
    act(api.addBreakpoint(jobId, { routineId, ...(slot !== '' ? { slot } : {}), ...(condition.trim() !== '' ? { condition: condition.trim() } : {}) }));
  };
  const step = (): void => {
    setError(undefined);
    api.step(jobId).then((r) => {
      setStepped(r.taskId === null ? 'nothing was pending: the job completed' : `ran task ${r.taskId}`);
      onChange();
    }, setError);
  };
  return (
    <section class="card" aria-labelledby="bp-title">
      <h2 id="bp-title">Breakpoints and stepping</h2>
      <form class="form-row" onSubmit={add}>
        <label for="bp-routine">Routine</label>
        <select id="bp-routine" value={routineId} onChange={(e) => setRoutineId((e.currentTarget as HTMLSelectElement).value)}>
          {ids.map((id) => (
            <option value={id} key={id}>
              {id}
            </option>
          ))}
        </select>
        <label for="bp-slot">Slot</label>
        <select id="bp-slot" value={slot} onChange={(e) => setSlot((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">any slot</option>
          {(routines[routineId] ?? []).map((s) => (
            <option value={s} key={s}>
              {s}
            </option>
          ))}
        </select>
        <label for="bp-condition">CEL condition over data</label>
        <input id="bp-condition" class="mono" placeholder='e.g. data.id == "doc-2"' value={condition} onInput={(e) => setCondition((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" disabled={routineId === ''}>
          Add breakpoint
        </button>
        <button type="button" onClick={step} disabled={!paused} title="Run exactly one pending activation, then pause again">
          Step
        </button>
      </form>
      <ErrorLine error={error} />
      {stepped !== undefined ? <p role="status">Step: {stepped}</p> : null}
      {breakpoints.length === 0 ? (
        <p class="muted">No breakpoints.</p>
      ) : (
        <table class="table">
          <caption class="sr-only">Breakpoints</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Routine</th>
              <th scope="col">Slot</th>
              <th scope="col">Condition</th>
              <th scope="col" class="num">Hits</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {breakpoints.map((b) => (
              <tr key={b.id}>
                <td class="mono">{b.id}</td>
                <td>{b.routineId}</td>
                <td>{b.slot ?? 'any'}</td>
                <td class="mono">{b.condition ?? '—'}</td>
                <td class="num">{b.hits}</td>
                <td>
                  <button type="button" class="ghost" onClick={() => act(api.removeBreakpoint(jobId, b.id))} aria-label={`Remove breakpoint ${b.id}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
