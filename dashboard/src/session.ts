import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { ApiClient } from './api/client.js';
import { LiveConnection, type LiveState } from './api/live.js';
import type { RoutiluxEvent, Subscription } from './api/types.js';

/** The signed-in session: the REST client (key in a header) and the one live connection. */
export interface Session {
  api: ApiClient;
  live: LiveConnection;
  signOut(): void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

/** The current session (inside the signed-in part of the app). */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (s === undefined) throw new Error('useSession outside a signed-in view');
  return s;
}

/** The WebSocket URL of the page's own server. */
export function wsUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/ws`;
}

/** Events of one subscription while the component is mounted. */
export function useLiveEvents(sub: Subscription | undefined, onEvent: (e: RoutiluxEvent) => void, deps: unknown[]): void {
  const { live } = useSession();
  useEffect(() => {
    if (sub === undefined) return undefined;
    const off = live.onEvent(onEvent);
    const unsub = live.subscribe(sub);
    return () => {
      off();
      unsub();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
}

/** The connection's live / offline state. */
export function useLiveState(): LiveState {
  const { live } = useSession();
  const [state, setState] = useState<LiveState>(live.state);
  useEffect(() => live.onState(setState), [live]);
  return state;
}

/** The key kept for this browser tab only (sessionStorage): asked once per tab, gone when it closes. */
export const keyStore = {
  get(): string | null {
    return sessionStorage.getItem('routilux.apiKey');
  },
  set(key: string): void {
    sessionStorage.setItem('routilux.apiKey', key);
  },
  clear(): void {
    sessionStorage.removeItem('routilux.apiKey');
  },
};
