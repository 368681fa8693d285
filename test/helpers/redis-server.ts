import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll } from 'vitest';

// A real Redis for tests: Debian's `redis-server` on a free loopback port, in a temp dir,
// with the settings docs/distributed.md requires (appendonly yes, maxmemory-policy
// noeviction) and no persistence outside that dir. Installed with apt when missing and the
// user is root. Every server is stopped by the suite's afterAll (and killed if the test
// process exits first), so no redis-server outlives its tests.

/** A running test Redis. */
export interface TestRedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** The temp dir holding its AOF and log. */
  readonly dir: string;
  /** The server's process id (changes with {@link TestRedisServer.restart}). */
  readonly pid: () => number | undefined;
  /** SIGTERM and wait for the exit (Redis flushes its AOF on a clean shutdown). */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit: a crash, nothing flushed beyond what Redis already wrote. */
  kill9(): Promise<void>;
  /** Starts it again on the same port and dir (after stop or kill9; stops it first when running) and waits for PING. */
  restart(): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface TestRedisOptions {
  /** AOF fsync policy (default 'everysec', Redis's default). */
  readonly appendfsync?: 'always' | 'everysec' | 'no';
  /** maxmemory (default '256mb', so noeviction has a limit to enforce). */
  readonly maxmemory?: string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function findOnPath(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The redis-server binary; installs Debian's package when it is missing and we are root.
 * Test files run in parallel processes, so one of them installs (holding a lock file) and
 * the others wait for it.
 */
export function redisServerBinary(): string {
  const found = findOnPath('redis-server');
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) throw new Error('redis-server is not installed and this user is not root: run `apt-get update && apt-get install -y redis-server`.');
  const lock = join(tmpdir(), 'routilux-redis-install.lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(lock, 'wx');
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    if (fd !== undefined) {
      try {
        if (findOnPath('redis-server') === undefined) aptInstallRedis();
      } finally {
        closeSync(fd);
        unlinkSync(lock);
      }
      break;
    }
    // another test process is installing: wait for it (a lock older than 15 minutes is stale)
    if (findOnPath('redis-server') !== undefined) break;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (another process installing redis-server)`);
    try {
      if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000) unlinkSync(lock);
    } catch {
      // the lock went away meanwhile
    }
    sleepSync(200);
  }
  const installed = findOnPath('redis-server');
  if (installed === undefined) throw new Error('apt-get install redis-server finished but no redis-server binary was found.');
  return installed;
}

function aptInstallRedis(): void {
  // Keep the package's init script from starting a system-wide daemon during the install.
  const policy = '/usr/sbin/policy-rc.d';
  const madePolicy = !existsSync(policy);
  if (madePolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    execFileSync('sh', ['-c', 'apt-get update && apt-get install -y -o DPkg::Lock::Timeout=300 redis-server'], { stdio: 'ignore', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } finally {
    if (madePolicy) unlinkSync(policy);
  }
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a redis-server for tests and waits until it answers PING. */
export async function startRedisServer(options: TestRedisOptions = {}): Promise<TestRedisServer> {
  const binary = redisServerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'routilux-redis-'));
  const port = await freePort();
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--protected-mode', 'yes',
    '--daemonize', 'no',
    '--dir', dir,
    '--logfile', join(dir, 'redis.log'),
    '--pidfile', join(dir, 'redis.pid'),
    '--appendonly', 'yes',
    '--appendfsync', options.appendfsync ?? 'everysec',
    '--save', '',
    '--maxmemory', options.maxmemory ?? '256mb',
    '--maxmemory-policy', 'noeviction',
  ];
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const c = spawn(binary, args, { cwd: dir, stdio: 'ignore' });
    child = c;
    running.add(c);
    c.once('exit', () => running.delete(c));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (c.exitCode !== null || c.signalCode !== null) break;
      if (await ping(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    c.kill('SIGKILL');
    await exited(c);
    const log = existsSync(join(dir, 'redis.log')) ? readFileSync(join(dir, 'redis.log'), 'utf8').slice(-2000) : '(no log)';
    throw new Error(`redis-server on port ${port} did not answer PING:\n${log}`);
  };
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    child = undefined;
    if (c === undefined) return;
    c.kill(signal);
    await exited(c);
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    pid: () => child?.pid,
    stop: () => halt('SIGTERM'),
    kill9: () => halt('SIGKILL'),
    async restart() {
      await halt('SIGTERM');
      await launch();
    },
  };
}

/**
 * Starts one redis-server for the calling spec file and stops it (and removes its dir) in
 * afterAll. Call at the top level of a spec; await the promise in beforeAll or a test.
 */
export function redisServerForSuite(options: TestRedisOptions = {}): Promise<TestRedisServer> {
  const server = startRedisServer(options);
  server.catch(() => undefined); // the tests that await it report a failure to start
  afterAll(async () => {
    const s = await server.catch(() => undefined);
    if (s === undefined) return;
    await s.stop();
    rmSync(s.dir, { recursive: true, force: true });
  });
  return server;
}
