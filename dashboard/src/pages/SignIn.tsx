import { useState } from 'preact/hooks';
import { ApiClient, ApiError } from '../api/client.js';

/** Asks for the API key once; the key is checked with one REST call before it is kept. */
export function SignIn({ onSignedIn }: { onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (key.trim() === '') {
      setError('Enter the API key this server was started with.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await new ApiClient(key.trim()).listFlows();
      onSignedIn(key.trim());
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'UNAUTHENTICATED' ? 'The server rejected this API key (UNAUTHENTICATED). Check the key and try again.' : err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <form class="card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">routilux</h1>
        <p class="muted">Sign in with an API key of this server. It is kept in this tab only and sent as a header, never in a URL.</p>
        <label for="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autocomplete="current-password" value={key} onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)} autoFocus />
        {error !== undefined ? (
          <p class="error" role="alert" id="signin-error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
