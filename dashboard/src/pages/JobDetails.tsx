import type { SerializedJob } from '../api/types.js';
import { time } from '../components/Status.js';

/** Routine states, pending tasks, pause points and shared data of a job's state. */
export function JobDetails({ state }: { state: SerializedJob }) {
  return (
    <div class="grid2">
      <section class="card" aria-labelledby="rs-title">
        <h2 id="rs-title">Routine states</h2>
        <table class="table">
          <caption class="sr-only">Routine states</caption>
          <thead>
            <tr>
              <th scope="col">Routine</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">Retries</th>
              <th scope="col">Other</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(state.routineStates).map(([id, s]) => {
              const { status, retryCount, ...rest } = s;
              return (
                <tr key={id}>
                  <td>{id}</td>
                  <td>{String(status ?? '')}</td>
                  <td class="num">{retryCount ?? 0}</td>
                  <td class="mono small">{Object.keys(rest).length > 0 ? JSON.stringify(rest) : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section class="card" aria-labelledby="sd-title">
        <h2 id="sd-title">Shared data</h2>
        <pre class="code" tabIndex={0} aria-label="Shared data as JSON">
          {JSON.stringify(state.sharedData, null, 2)}
        </pre>
      </section>
      <section class="card" aria-labelledby="pt-title">
        <h2 id="pt-title">Pending tasks ({state.pendingTasks.length})</h2>
        {state.pendingTasks.length === 0 ? (
          <p class="muted">None.</p>
        ) : (
          <table class="table">
            <caption class="sr-only">Pending tasks</caption>
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Routine.slot</th>
                <th scope="col" class="num">Attempt</th>
                <th scope="col">Data</th>
              </tr>
            </thead>
            <tbody>
              {state.pendingTasks.slice(0, 200).map((t) => (
                <tr key={t.taskId}>
                  <td class="mono">{t.taskId}</td>
                  <td>
                    {t.routineId}.{t.slotName}
                  </td>
                  <td class="num">{t.attempt}</td>
                  <td class="mono small">{JSON.stringify(t.data).slice(0, 120)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="pp-title">
        <h2 id="pp-title">Pause points ({state.pausePoints.length})</h2>
        {state.pausePoints.length === 0 ? (
          <p class="muted">None.</p>
        ) : (
          <ul class="plain">
            {state.pausePoints.map((p, i) => (
              <li key={i}>
                <span class="muted">{time(p.timestamp)}</span> <strong>{p.reason || '(no reason)'}</strong> · {p.pendingTaskCount} pending
                {p.checkpoint !== null && p.checkpoint !== undefined ? <span class="mono small"> · {JSON.stringify(p.checkpoint)}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
