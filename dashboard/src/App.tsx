import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient } from './api/client.js';
import { LiveConnection } from './api/live.js';
import { FlowPage } from './pages/FlowPage.js';
import { FlowsPage } from './pages/FlowsPage.js';
import { JobPage } from './pages/JobPage.js';
import { JobsPage } from './pages/JobsPage.js';
import { SignIn } from './pages/SignIn.js';
import { href, useRoute } from './router.js';
import { keyStore, SessionContext, useLiveState, wsUrl, type Session } from './session.js';

type Theme = 'light' | 'dark';

function initialTheme(): Theme {
  const saved = localStorage.getItem('routilux.theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function LiveIndicator() {
  const state = useLiveState();
  return (
    <span class={`live live-${state}`} role="status" aria-live="polite" data-live={state}>
      <span class="dot" aria-hidden="true" />
      {state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'offline — reconnecting'}
    </span>
  );
}

function Shell({ session, theme, setTheme }: { session: Session; theme: Theme; setTheme: (t: Theme) => void }) {
  const route = useRoute();
  const section = route.page === 'flows' || route.page === 'flow' ? 'flows' : 'jobs';
  return (
    <SessionContext.Provider value={session}>
      <header class="top">
        <a class="brand" href={href.flows()}>
          routilux
        </a>
        <nav aria-label="Sections">
          <a href={href.flows()} aria-current={section === 'flows' ? 'page' : undefined}>
            Flows
          </a>
          <a href={href.jobs()} aria-current={section === 'jobs' ? 'page' : undefined}>
            Jobs
          </a>
        </nav>
        <span class="spacer" />
        <LiveIndicator />
        <button type="button" class="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
        <button type="button" class="ghost" onClick={session.signOut}>
          Sign out
        </button>
      </header>
      <main class="content">
        {route.page === 'flows' ? <FlowsPage /> : null}
        {route.page === 'flow' ? <FlowPage name={route.name} key={route.name} /> : null}
        {route.page === 'jobs' ? <JobsPage /> : null}
        {route.page === 'job' ? <JobPage id={route.id} key={route.id} /> : null}
      </main>
    </SessionContext.Provider>
  );
}

/** The dashboard: sign-in, then the flows and jobs pages over REST and one live WebSocket. */
export function App() {
  const [key, setKey] = useState<string | null>(() => keyStore.get());
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
    localStorage.setItem('routilux.theme', theme);
  }, [theme]);
  const session = useMemo((): Session | undefined => {
    if (key === null) return undefined;
    const api = new ApiClient(key);
    const live = new LiveConnection(api, { url: wsUrl() });
    return {
      api,
      live,
      signOut: () => {
        live.stop();
        keyStore.clear();
        setKey(null);
      },
    };
  }, [key]);
  useEffect(() => {
    if (session === undefined) return undefined;
    session.live.start();
    return () => session.live.stop();
  }, [session]);
  if (session === undefined) {
    return (
      <SignIn
        onSignedIn={(k) => {
          keyStore.set(k);
          setKey(k);
        }}
      />
    );
  }
  return <Shell session={session} theme={theme} setTheme={setTheme} />;
}
