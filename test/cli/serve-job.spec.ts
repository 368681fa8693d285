import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `routilux serve` and `routilux job submit|status|list|cancel` through the BUILT bin in
// child processes: a real server on a free loopback port, real HTTP requests.
const root = resolve(__dirname, '../..');
const BIN = join(root, 'dist/cli/main.js');
const KEY = 'serve-test-key';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 60_000, env: { ...process.env, CI: '1', ROUTILUX_API_KEY: '', ROUTILUX_API_KEYS: '', ...env } }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

const ROUTINES = `import { Event, Routine, RoutineBase, Slot, event } from ${JSON.stringify(join(root, 'dist/index.js'))};
@Routine({ name: 'serve.Source' })
export class Source extends RoutineBase {
  @Event('out') readonly out = event<{ i: number }>();
  @Slot('trigger')
  go(d: { n?: string }): void { for (let i = 0; i < Number(d.n ?? 3); i++) this.out.emit({ i }); }
}
@Routine({ name: 'serve.Sink' })
export class Sink extends RoutineBase {
  @Slot('in')
  take(_d: { i: number }): void {}
}
@Routine({ name: 'serve.Slow' })
export class Slow extends RoutineBase {
  @Slot('trigger')
  async wait(_d: unknown, ctx: { signal: AbortSignal }): Promise<void> {
    await new Promise<void>((ok, fail) => { const t = setTimeout(ok, 20_000); ctx.signal.addEventListener('abort', () => { clearTimeout(t); fail(ctx.signal.reason); }, { once: true }); });
  }
}
`;
const PIPE = 'version: 1\nflowId: pipe\nroutines:\n  src: { type: serve.Source }\n  sink: { type: serve.Sink }\nconnections:\n  - { from: src.out, to: sink.in }\n';
const SLOW = 'version: 1\nflowId: slow\nroutines:\n  wait: { type: serve.Slow }\n';

/** Starts `routilux serve` and resolves once it printed its URL. */
function serve(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd, env: { ...process.env, CI: '1', ROUTILUX_API_KEYS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not print its URL: ${stdout} ${stderr}`)), 30_000);
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m !== null) {
        clearTimeout(timer);
        done({ child, url: m[1]!, stderr: () => stderr, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited ${String(code)}: ${stdout} ${stderr}`));
    });
  });
}

describe('routilux serve and job … (built bin)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'routilux-serve-'));
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', routilux: { imports: ['./routines.ts'], flows: 'flows' } }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false, target: 'ES2022' } }));
    writeFileSync(join(dir, 'routines.ts'), ROUTINES);
    mkdirSync(join(dir, 'flows'));
    writeFileSync(join(dir, 'flows/pipe.yaml'), PIPE);
    writeFileSync(join(dir, 'flows/slow.yml'), SLOW);
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken/good.yaml'), PIPE);
    writeFileSync(join(dir, 'broken/typo.yaml'), 'version: 1\nroutines:\n  a: { type: serve.Nope }\n');
    writeFileSync(join(dir, 'broken/syntax.json'), '{ "version": 1, ');
  }, 120_000);

  it('serves the flows folder; job submit / status / list / cancel talk to it; SIGTERM drains and exits 0', async () => {
    const server = await serve(dir, ['--api-key', KEY]);
    try {
      expect(server.stderr()).toContain('flow pipe (flows/pipe.yaml)');
      expect(server.stderr()).toContain('flow slow (flows/slow.yml)');
      const target = ['--server', server.url, '--api-key', KEY];

      const waited = await cli(dir, ['job', 'submit', 'pipe', '-p', 'n=4', '--wait', '10000', ...target]);
      expect(waited.code, waited.stderr).toBe(0);
      const summary = JSON.parse(waited.stdout) as { jobId: string; status: string; flow: string; counts: { activations: number } };
      expect(summary).toMatchObject({ flow: 'pipe', status: 'completed', counts: { activations: 5 } });

      const status = await cli(dir, ['job', 'status', summary.jobId], { ROUTILUX_SERVER: server.url, ROUTILUX_API_KEY: KEY });
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ jobId: summary.jobId, status: 'completed' });

      const slow = await cli(dir, ['job', 'submit', 'slow', ...target]);
      expect(slow.code, slow.stderr).toBe(0);
      const running = JSON.parse(slow.stdout) as { jobId: string; status: string };
      expect(['pending', 'running']).toContain(running.status);
      const slowWait = await cli(dir, ['job', 'submit', 'slow', '--wait', '50', ...target]);
      expect(slowWait.code).toBe(1); // the wait elapsed before the job completed

      const list = await cli(dir, ['--json', 'job', 'list', '--flow', 'pipe', '--status', 'completed', ...target]);
      expect(list.code, list.stderr).toBe(0);
      expect((JSON.parse(list.stdout) as { items: { jobId: string }[] }).items.map((i) => i.jobId)).toEqual([summary.jobId]);

      const cancelled = await cli(dir, ['job', 'cancel', running.jobId, ...target]);
      expect(cancelled.code, cancelled.stderr).toBe(0);
      expect(JSON.parse(cancelled.stdout)).toMatchObject({ jobId: running.jobId, status: 'cancelled' });

      const finished = await cli(dir, ['job', 'cancel', summary.jobId, ...target]);
      expect(finished.code).toBe(2);
      expect(finished.stderr).toMatch(/^error JOB_FINISHED: /);
      const unknownFlow = await cli(dir, ['--json', 'job', 'submit', 'nope', ...target]);
      expect(unknownFlow.code).toBe(2);
      expect(JSON.parse(unknownFlow.stderr)).toMatchObject({ error: { code: 'UNKNOWN_FLOW' } });
      const wrongKey = await cli(dir, ['job', 'status', summary.jobId, '--server', server.url, '--api-key', 'wrong']);
      expect(wrongKey.code).toBe(2);
      expect(wrongKey.stderr).toMatch(/^error UNAUTHENTICATED: /);
      const noKey = await cli(dir, ['job', 'list', '--server', server.url]);
      expect(noKey.code).toBe(2);
      expect((await cli(dir, ['job', 'submit', 'pipe', '--wait', '300001', ...target])).code).toBe(2);

      // a slow job still running when SIGTERM arrives is drained (cancelled after the drain timeout at worst)
      expect((await cli(dir, ['job', 'submit', 'slow', ...target])).code).toBe(0);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain('SIGTERM: closing the server and draining running jobs');
    expect(server.stderr()).toContain('stopped');
    expect((await cli(dir, ['job', 'list', '--server', server.url, '--api-key', KEY])).code).toBe(3); // gone
  }, 90_000);

  it('serve refuses to start: a folder with failing files lists every one (exit 2); no key (exit 2); bad --store, --port', async () => {
    const broken = await cli(dir, ['serve', '--flows', 'broken', '--port', '0', '--api-key', KEY]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^error \w+: 2 flow files did not load/);
    expect(broken.stderr).toContain('broken/syntax.json (INVALID_FORMAT');
    expect(broken.stderr).toContain('broken/typo.yaml (UNKNOWN_ROUTINE_TYPE');
    expect(broken.stderr).not.toContain('good.yaml');
    const json = await cli(dir, ['--json', 'serve', '--flows', 'broken', '--port', '0', '--api-key', KEY]);
    expect((JSON.parse(json.stderr) as { error: { details: { files: { file: string }[] } } }).error.details.files.map((f) => f.file)).toEqual(['broken/syntax.json', 'broken/typo.yaml']);

    const noKey = await cli(dir, ['serve', '--port', '0']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/^error INVALID_ARGUMENT: routilux serve needs at least one API key/);
    expect((await cli(dir, ['serve', '--port', '0', '--flows', 'missing', '--api-key', KEY])).stderr).toMatch(/^error FILE_NOT_FOUND: /);
    expect((await cli(dir, ['serve', '--port', '70000', '--api-key', KEY])).code).toBe(2);
    expect((await cli(dir, ['serve', '--port', '0', '--api-key', KEY, '--store', 'mongo://x'])).code).toBe(2);
  }, 60_000);

  it('serve takes keys from ROUTILUX_API_KEYS and keeps flow documents in a SQLite --store', async () => {
    const server = await serve(dir, ['--store', `sqlite:${join(dir, 'flows.db')}`], { ROUTILUX_API_KEYS: ` a-key , ${KEY} ,` });
    try {
      const submitted = await cli(dir, ['job', 'submit', 'pipe', '--wait', '10000', '--server', server.url, '--api-key', 'a-key']);
      expect(submitted.code, submitted.stderr).toBe(0);
      const health = await fetch(`${server.url}/api/v1/health/ready`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(await health.json()).toMatchObject({ status: 'ok' });
      const registered = await fetch(`${server.url}/api/v1/flows?name=extra`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/yaml' }, body: PIPE.replace('flowId: pipe', 'flowId: extra') });
      expect(registered.status).toBe(201);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    // the document registered over HTTP comes back from the store on the next start
    const again = await serve(dir, ['--store', `sqlite:${join(dir, 'flows.db')}`, '--api-key', KEY]);
    try {
      const flows = (await (await fetch(`${again.url}/api/v1/flows`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { items: { name: string }[] };
      expect(flows.items.map((f) => f.name)).toEqual(['extra', 'pipe', 'slow']);
      const run = await cli(dir, ['job', 'submit', 'extra', '--wait', '10000', '--server', again.url, '--api-key', KEY]);
      expect(run.code, run.stderr).toBe(0);
    } finally {
      again.child.kill('SIGTERM');
    }
    expect(await again.exited).toBe(0);
  }, 60_000);

  describe('job … against a server that is not there or fails', () => {
    let failing: Server;
    let failingUrl: string;
    beforeAll(async () => {
      failing = createHttpServer((req, res) => {
        if (req.url?.includes('/jobs/html')) {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
          return;
        }
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'Something failed inside the server.' } }));
      });
      await new Promise<void>((ok) => failing.listen(0, '127.0.0.1', ok));
      failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((ok) => failing.close(() => ok())));

    it('5xx and answers that are not the API exit 3; a closed port exits 3 with SERVER_UNREACHABLE', async () => {
      const five = await cli(dir, ['job', 'status', 'j1', '--server', failingUrl]);
      expect(five.code).toBe(3);
      expect(five.stderr).toMatch(/^error INTERNAL_ERROR: Something failed/);
      const html = await cli(dir, ['job', 'status', 'html', '--server', failingUrl]);
      expect(html.code).toBe(3);
      expect(html.stderr).toMatch(/^error SERVER_UNREACHABLE: .*not JSON/);
      const closed = await new Promise<number>((ok) => {
        const probe = createHttpServer();
        probe.listen(0, '127.0.0.1', () => {
          const port = (probe.address() as AddressInfo).port;
          probe.close(() => ok(port));
        });
      });
      const gone = await cli(dir, ['--json', 'job', 'list', '--server', `http://127.0.0.1:${closed}`]);
      expect(gone.code).toBe(3);
      expect(JSON.parse(gone.stderr)).toMatchObject({ error: { code: 'SERVER_UNREACHABLE', details: { url: `http://127.0.0.1:${closed}` } } });
      expect((await cli(dir, ['job', 'list', '--server', 'ftp://x'])).code).toBe(2);
      expect((await cli(dir, ['job'])).code).toBe(2); // a group without its subcommand is bad usage
      expect((await cli(dir, ['job', 'submit', '--help'])).stdout).toContain('--wait <ms>');
    }, 60_000);
  });
});
