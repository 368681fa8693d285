import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Runtime } from '../../index.js';
import { createServer, type RoutiluxServer } from '../../server/index.js';
import { isLoopbackAddress } from './loopback.js';
import type { ResolvedHttpOptions } from './routilux-http-options.js';

/** Injection token of the checked `forRoot` options. @internal */
export const ROUTILUX_HTTP_OPTIONS = Symbol('routilux.http.options');

/** Where the routilux server keeps its routes. */
const SERVER_PREFIX = '/api/v1';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Mounts the routilux HTTP API and WebSocket on the Nest application's own HTTP server.
 * Requests under the prefix go straight to the routilux server's router (before the Nest
 * platform's body parsers and middleware, so its own limits, auth and parsers apply); every
 * other request and upgrade goes to the listeners the platform installed. Platform-agnostic:
 * it works the same on the Express and the Fastify platform.
 * @internal
 */
@Injectable()
export class RoutiluxHttpMount implements OnModuleInit, OnModuleDestroy {
  private server: RoutiluxServer | undefined;
  private restore: (() => void) | undefined;

  constructor(
    @Inject(Runtime) private readonly runtime: Runtime,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(ROUTILUX_HTTP_OPTIONS) private readonly options: ResolvedHttpOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const http = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (http === undefined) return; // an application context without HTTP: nothing to mount on
    const server = createServer({ ...this.options.rest, runtime: this.runtime, dashboard: false });
    await server.app.ready();
    this.server = server;
    const mount = `/${this.options.prefix}`;
    const auth = this.options.rest.auth !== false;
    const ours = (req: IncomingMessage): boolean => {
      const url = req.url ?? '/';
      return url === mount || url.startsWith(`${mount}/`) || url.startsWith(`${mount}?`);
    };
    const rewrite = (req: IncomingMessage): void => {
      if (mount !== SERVER_PREFIX) req.url = SERVER_PREFIX + (req.url ?? '').slice(mount.length);
    };
    const route = server.app.routing as unknown as RequestListener;
    const upgradeTarget = server.app.server;

    const previousRequest = http.listeners('request') as RequestListener[];
    const previousUpgrade = http.listeners('upgrade') as UpgradeListener[];
    const onRequest: RequestListener = (req, res) => {
      if (!ours(req)) {
        for (const l of previousRequest) l.call(http, req, res);
        return;
      }
      if (!auth && !isLoopbackAddress(req.socket.localAddress)) {
        // auth: false serves loopback clients only, wherever the app listens
        res.writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' }).end(JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'This API runs without auth and answers loopback requests only.' } }));
        return;
      }
      rewrite(req);
      route(req, res);
    };
    const onUpgrade: UpgradeListener = (req, socket, head) => {
      if (!ours(req)) {
        for (const l of previousUpgrade) l.call(http, req, socket, head);
        return;
      }
      if (!auth && !isLoopbackAddress(req.socket.localAddress)) {
        socket.destroy();
        return;
      }
      rewrite(req);
      upgradeTarget.emit('upgrade', req, socket, head);
    };
    http.removeAllListeners('request');
    http.removeAllListeners('upgrade');
    http.on('request', onRequest);
    http.on('upgrade', onUpgrade);
    this.restore = () => {
      http.removeListener('request', onRequest);
      http.removeListener('upgrade', onUpgrade);
      for (const l of previousRequest) http.on('request', l);
      for (const l of previousUpgrade) http.on('upgrade', l);
    };
  }

  /** Closes the API's WebSockets with 1001 and stops routing to it; the runtime is the RoutiluxModule's and is left to it. */
  async onModuleDestroy(): Promise<void> {
    this.restore?.();
    this.restore = undefined;
    await this.server?.close();
    this.server = undefined;
  }
}
