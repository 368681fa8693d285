// Serves the built dashboard (dist/dashboard, made by `npm run build`) at `/`: the files are
// read once at start-up into memory and served by exact name, so no request path ever
// reaches the file system. No key is needed for them (services.md §5); everything they
// fetch goes through /api/v1 with the key.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

const HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** dist/dashboard seen from dist/server (the package) or from src/server (the repository). */
function dashboardDir(): string | undefined {
  for (const rel of ['../dashboard/', '../../dist/dashboard/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

function filesOf(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const [k, v] of filesOf(path, `${prefix}${name}/`)) out.set(k, v);
    else out.set(`${prefix}${name}`, readFileSync(path));
  }
  return out;
}

/** @internal adds `GET /` and `GET /assets/*` for the built dashboard; returns false when it is not built. */
export function dashboardRoutes(app: FastifyInstance): boolean {
  const dir = dashboardDir();
  if (dir === undefined) return false;
  const files = filesOf(dir);
  const send = (name: string, immutable: boolean) => {
    const body = files.get(name)!;
    return { body, type: TYPES[extname(name)] ?? 'application/octet-stream', cache: immutable ? 'public, max-age=31536000, immutable' : 'no-cache' };
  };
  const options = { config: { public: true }, schema: { hide: true } };
  app.get('/', options, async (_request, reply) => {
    const f = send('index.html', false);
    return reply.headers({ ...HEADERS, 'cache-control': f.cache }).type(f.type).send(f.body);
  });
  app.get<{ Params: { '*': string } }>('/assets/*', options, async (request, reply) => {
    const name = `assets/${request.params['*']}`;
    if (!files.has(name)) return reply.callNotFound();
    const f = send(name, true);
    return reply.headers({ ...HEADERS, 'cache-control': f.cache }).type(f.type).send(f.body);
  });
  return true;
}
