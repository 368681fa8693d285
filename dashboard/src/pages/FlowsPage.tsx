import { useEffect, useState } from 'preact/hooks';
import type { FlowListItem } from '../api/types.js';
import { ErrorLine } from '../components/Status.js';
import { href } from '../router.js';
import { useSession } from '../session.js';

/** Every registered flow, with links to its page. */
export function FlowsPage() {
  const { api } = useSession();
  const [flows, setFlows] = useState<FlowListItem[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.listFlows().then((r) => setFlows(r.items), setError);
  }, [api]);
  return (
    <section aria-labelledby="flows-title">
      <h1 id="flows-title">Flows</h1>
      <ErrorLine error={error} />
      {flows === undefined && error === undefined ? <p class="muted">Loading…</p> : null}
      {flows !== undefined && flows.length === 0 ? <p class="muted">No flows are registered on this server.</p> : null}
      {flows !== undefined && flows.length > 0 ? (
        <table class="table">
          <caption class="sr-only">Registered flows</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Flow id</th>
              <th scope="col" class="num">Routines</th>
              <th scope="col" class="num">Connections</th>
            </tr>
          </thead>
          <tbody>
            {flows.map((f) => (
              <tr key={f.name}>
                <td>
                  <a href={href.flow(f.name)}>{f.name}</a>
                </td>
                <td class="mono">{f.flowId}</td>
                <td class="num">{f.routines}</td>
                <td class="num">{f.connections}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
