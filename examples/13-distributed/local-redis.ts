/**
 * A throwaway Redis for trying the example: Debian's `redis-server` from the PATH on a free
 * loopback port, in a temp dir, with the settings routilux/bullmq requires (appendonly yes,
 * maxmemory-policy noeviction). Used only when REDIS_URL is not set.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts redis-server; resolves its URL and a stop function. */
export async function startLocalRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'routilux-example-redis-'));
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--maxmemory', '128mb', '--maxmemory-policy', 'noeviction', '--save', ''], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => child.once('error', () => reject(new Error('redis-server not found: install it (apt-get install redis-server) or set REDIS_URL'))));
  const deadline = Date.now() + 10_000;
  while (!(await Promise.race([reachable(port), failed]))) {
    if (Date.now() > deadline) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
