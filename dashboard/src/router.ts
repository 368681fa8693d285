import { useEffect, useState } from 'preact/hooks';

/** A page of the dashboard, from the URL hash (which never holds anything secret). */
export type Route = { page: 'flows' } | { page: 'flow'; name: string } | { page: 'jobs' } | { page: 'job'; id: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('?')[0]!.split('/').map(decodeURIComponent);
  if (parts[0] === 'flows' && parts[1]) return { page: 'flow', name: parts[1] };
  if (parts[0] === 'jobs' && parts[1]) return { page: 'job', id: parts[1] };
  if (parts[0] === 'jobs') return { page: 'jobs' };
  return { page: 'flows' };
}

export const href = {
  flows: (): string => '#/flows',
  flow: (name: string): string => `#/flows/${encodeURIComponent(name)}`,
  jobs: (): string => '#/jobs',
  job: (id: string): string => `#/jobs/${encodeURIComponent(id)}`,
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** A query parameter of the hash (`#/jobs?flow=x`). */
export function hashParam(name: string): string | null {
  const q = location.hash.split('?')[1];
  return q === undefined ? null : new URLSearchParams(q).get(name);
}
