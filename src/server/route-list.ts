import type { FastifyInstance } from 'fastify';

/** A route as registered with the router. @internal */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  readonly public: boolean;
}

const lists = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Records every route the app registers from now on (call before any route). @internal */
export function trackRoutes(app: FastifyInstance): void {
  const list: RegisteredRoute[] = [];
  lists.set(app, list);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) list.push({ method, url: route.url, public: (route.config as { public?: boolean } | undefined)?.public === true });
  });
}

/** Every route the router holds (after `ready()`). @internal */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return lists.get(app) ?? [];
}
