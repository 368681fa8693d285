import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../helpers/run-script.js';

/** A worker child process of the distributed tests. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Background errors the worker reported (their codes). */
  readonly errors: string[];
  /** Resolves once the worker takes jobs. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<string>;
}

const all = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of all) c.kill('SIGKILL');
});

/** Starts a worker process (tsx, no build) for `prefix`, writing its ledger to `ledger` ('' for none). */
export function spawnWorker(url: string, prefix: string, options: { ledger?: string; durable?: boolean; concurrency?: number; leaseMs?: number } = {}): WorkerProcess {
  const args = [url, prefix, options.ledger ?? '', options.durable === true ? '1' : '0', String(options.concurrency ?? 16), String(options.leaseMs ?? 30_000)];
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'test/bullmq/fixtures/worker.ts'), ...args], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  all.add(child);
  const errors: string[] = [];
  let stderr = '';
  let rest = '';
  let ready!: () => void;
  let failed!: (error: Error) => void;
  const readyP = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    rest += chunk;
    const lines = rest.split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      if (line === 'READY') ready();
      else if (line.startsWith('{')) errors.push((JSON.parse(line) as { error: string }).error);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => {
      all.delete(child);
      failed(new Error(`worker exited before READY (${code ?? signal}): ${stderr}`));
      resolve(String(code ?? signal));
    }),
  );
  return { child, pid: child.pid!, errors, ready: readyP, exited };
}

/** Stops workers: SIGTERM (graceful close), SIGKILL after `graceMs`. */
export async function stopWorkers(workers: readonly WorkerProcess[], graceMs = 10_000): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return;
      w.child.kill('SIGCONT');
      w.child.kill('SIGTERM');
      const timer = setTimeout(() => w.child.kill('SIGKILL'), graceMs);
      await w.exited;
      clearTimeout(timer);
    }),
  );
}

/** Waits until `check` resolves true, polling every `everyMs`, at most `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
