import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// Every command through the BUILT bin in a child process (exit code, stdout, stderr).
const root = resolve(__dirname, '../..');
const BIN = join(root, 'dist/cli/main.js');

function cli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 60_000, env: { ...process.env, CI: '1', ...env } }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

const ROUTINES = `import { Event, Routine, RoutineBase, Slot, event } from ${JSON.stringify(join(root, 'dist/index.js'))};
@Routine({ name: 'cli.Source' })
export class Source extends RoutineBase {
  @Event('out') readonly out = event<{ i: number }>();
  @Slot('trigger')
  go(d: { n?: string }): void { for (let i = 0; i < Number(d.n ?? 3); i++) this.out.emit({ i }); }
}
@Routine({ name: 'cli.Sink' })
export class Sink extends RoutineBase {
  @Slot('in')
  take(d: { i: number }): void { if (d.i === 99) throw new Error('boom'); }
}
`;
const SLOW = `import { Event, Routine, RoutineBase, Slot, event } from ${JSON.stringify(join(root, 'dist/index.js'))};
@Routine({ name: 'cli.Ticker' })
export class Ticker extends RoutineBase {
  @Event('out') readonly out = event<{ i: number }>();
  @Slot('trigger')
  go(): void { for (let i = 0; i < 6; i++) this.out.emit({ i }); }
}
@Routine({ name: 'cli.Slow' })
export class Slow extends RoutineBase {
  @Slot('in')
  async take(): Promise<void> { await new Promise((r) => setTimeout(r, 150)); }
}
`;
const HALT = `import { Event, Routine, RoutineBase, Slot, event } from ${JSON.stringify(join(root, 'dist/index.js'))};
@Routine({ name: 'cli.Halt' })
export class Halt extends RoutineBase {
  @Event('out') readonly out = event<{ i: number }>();
  @Slot('trigger')
  async go(_d: unknown, ctx: { flow: { pause(j: unknown): Promise<void> }; jobState: unknown }): Promise<void> {
    for (let i = 0; i < 3; i++) this.out.emit({ i });
    await ctx.flow.pause(ctx.jobState);
  }
}
@Routine({ name: 'cli.Count' })
export class Count extends RoutineBase {
  @Slot('in')
  take(): void {}
}
`;
const HALT_FLOW = 'version: 1\nflowId: halt\nroutines:\n  halt: { type: cli.Halt }\n  count: { type: cli.Count }\nconnections:\n  - { from: halt.out, to: count.in }\n';
const SLOW_FLOW = 'version: 1\nflowId: slow\nroutines:\n  tick: { type: cli.Ticker }\n  slow: { type: cli.Slow }\nconnections:\n  - { from: tick.out, to: slow.in }\n';

/** Runs the built bin under a pseudo-terminal (util-linux `script`); resolves with everything the terminal showed. */
function pty(cwd: string, args: string[], env: Record<string, string | undefined>): string {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return execFileSync('script', ['-qec', command, '/dev/null'], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
}

const FLOW = 'version: 1\nflowId: cli\nroutines:\n  src: { type: cli.Source }\n  sink: { type: cli.Sink }\nconnections:\n  - { from: src.out, to: sink.in }\n';

describe('routilux CLI (built bin)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'routilux-cli-'));
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', routilux: { imports: ['./routines.ts'], flows: 'flows' } }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false, target: 'ES2022' } }));
    writeFileSync(join(dir, 'routines.ts'), ROUTINES);
    writeFileSync(join(dir, 'flow.yaml'), FLOW);
    writeFileSync(join(dir, 'halt-routines.ts'), HALT);
    writeFileSync(join(dir, 'halt.yaml'), HALT_FLOW);
    mkdirSync(join(dir, 'flows'));
    writeFileSync(join(dir, 'flows', 'first.yaml'), FLOW);
    writeFileSync(join(dir, 'flows', 'second.json'), JSON.stringify({ version: 1, routines: {} }));
    writeFileSync(join(dir, 'flows', 'notes.txt'), 'not a flow');
    writeFileSync(join(dir, 'slow-routines.ts'), SLOW);
    writeFileSync(join(dir, 'slow.yaml'), SLOW_FLOW);
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nroutines:\n  src: { type: 7 }\n');
  }, 120_000);

  it('validate: ok exits 0; schema issues exit 1 with line and column; a syntax error exits 2', async () => {
    const ok = await cli(dir, ['validate', 'flow.yaml']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('ok: flow.yaml');
    const bad = await cli(dir, ['--json', 'validate', 'bad.yaml']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ valid: false, code: 'INVALID_FORMAT', issues: [{ path: '/routines/src/type', line: 3, column: 10 }] });
    writeFileSync(join(dir, 'syntax.yaml'), 'version: 1\nroutines: {\n');
    const syntax = await cli(dir, ['validate', 'syntax.yaml']);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/^error INVALID_FORMAT: .*line/);
  });

  it('run: plain progress on stderr, summary on stdout, --save, then inspect', async () => {
    const r = await cli(dir, ['run', 'flow.yaml', '-p', 'n=4', '--save', 'job.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/completed/);
    expect(r.stderr).toContain('completed · src 1, sink 4');
    const json = await cli(dir, ['--json', 'run', 'flow.yaml', '--params', '{"n":"2"}', '--entry', 'src']);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'completed', routines: { src: { activations: 1, failed: 0 }, sink: { activations: 2, failed: 0 } } });
    const failed = await cli(dir, ['run', 'flow.yaml', '-p', 'n=100']);
    expect(failed.code).toBe(1);
    const i = await cli(dir, ['--json', 'inspect', 'job.json']);
    expect(i.code).toBe(0);
    expect(JSON.parse(i.stdout)).toMatchObject({ status: 'completed', flowId: 'cli', pendingTasks: [] });
  });

  it('the live view under a pseudo-terminal (script), CI unset', async () => {
    const out = execFileSync('script', ['-qec', `${process.execPath} ${BIN} run flow.yaml -p n=3`, '/dev/null'], { cwd: dir, env: { ...process.env, CI: '' }, encoding: 'utf8', timeout: 60_000 });
    expect(out).toContain('\u001b[?25l'); // the view took the terminal
    expect(out).toMatch(/routine\s+status\s+done\s+failed\s+queued/);
    expect(out).toMatch(/sink\s+completed\s+3\s+0\s+0/);
  });

  it('the live view redraws in place while the job runs: per-routine done / failed / queued, elapsed, status', () => {
    const out = pty(dir, ['run', 'slow.yaml', '--import', './slow-routines.ts'], { CI: undefined });
    expect(out).toContain('\u001b[?25l'); // cursor hidden while drawing…
    expect(out).toContain('\u001b[?25h'); // …and given back at the end
    expect(out).toMatch(/\u001b\[\d+A/); // the block moved the cursor up to redraw itself
    const frames = out.split(/routine\s+status\s+done\s+failed\s+queued/).slice(1);
    expect(frames.length).toBeGreaterThan(2); // several snapshots, fed while the job ran
    expect(out).toMatch(/job [0-9a-f]{8}\s+running\s+\d+\.\ds/); // status and elapsed in the title line
    expect(out).toMatch(/slow\s+\S+\s+[0-5]\s+0\s+[1-6]/); // a frame with slow's deliveries still queued
    expect(out).toMatch(/slow\s+completed\s+6\s+0\s+0/); // the last frame
    expect(out).toMatch(/queued \d+ · active \d+/);
    expect(out).not.toMatch(/\[\d+\.\ds\] (running|completed) ·/); // no plain lines on a terminal
  });

  it('the plain fallback: CI set on a terminal, or a pipe with CI unset, prints lines and no escape codes', async () => {
    const onCi = pty(dir, ['run', 'slow.yaml', '--import', './slow-routines.ts'], { CI: 'true' });
    expect(onCi).not.toContain('\u001b[');
    expect(onCi).toMatch(/\[\d+\.\ds\] running · tick \d, slow \d · queued \d+, active \d+/);
    expect(onCi).toMatch(/\[\d+\.\ds\] completed · tick 1, slow 6 · queued 0, active 0/);
    const env = { ...process.env };
    delete env['CI'];
    const piped = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, [BIN, 'run', 'slow.yaml', '--import', './slow-routines.ts'], { cwd: dir, env, timeout: 60_000 }, (error, stdout, stderr) => done({ code: error === null ? 0 : 1, stdout, stderr }));
    });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).not.toContain('\u001b[');
    expect(piped.stderr).toMatch(/completed · tick 1, slow 6 · queued 0, active 0/);
    expect(piped.stdout).toMatch(/completed/);
    // --json on a terminal: no view at all, one JSON document
    const json = pty(dir, ['--json', 'run', 'slow.yaml', '--import', './slow-routines.ts'], { CI: undefined });
    expect(json).not.toContain('\u001b[');
    expect(JSON.parse(json.trim())).toMatchObject({ status: 'completed', routines: { slow: { activations: 6, failed: 0 } } });
  });

  it('resume: a job saved paused (exit 1) is inspected, then continued to completion (exit 0)', async () => {
    const paused = await cli(dir, ['run', 'halt.yaml', '--import', './halt-routines.ts', '--save', 'halted.json']);
    expect(paused.code, paused.stderr).toBe(1);
    expect(paused.stdout).toContain('paused');
    const inspected = await cli(dir, ['--json', 'inspect', 'halted.json']);
    expect(JSON.parse(inspected.stdout)).toMatchObject({ status: 'paused', pendingTasks: [{ routineId: 'count' }, { routineId: 'count' }, { routineId: 'count' }] });
    const resumed = await cli(dir, ['--json', 'resume', 'halt.yaml', 'halted.json', '--import', './halt-routines.ts', '--save', 'resumed.json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'completed', routines: { count: { activations: 3, failed: 0 } } });
    expect(JSON.parse((await cli(dir, ['--json', 'inspect', 'resumed.json'])).stdout)).toMatchObject({ status: 'completed', pendingTasks: [] });
    const missing = await cli(dir, ['resume', 'halt.yaml', 'nope.json', '--import', './halt-routines.ts']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error FILE_NOT_FOUND: /);
  });

  it('list flows: the flow files of the package.json flows folder', async () => {
    const r = await cli(dir, ['list', 'flows']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('first.yaml');
    expect(r.stdout).toContain('second.json');
    expect(r.stdout).not.toContain('notes.txt');
    expect((await cli(dir, ['list', 'things'])).code).toBe(2);
  });

  it('list, diagram, init, and bad usage', async () => {
    const routines = await cli(dir, ['--json', 'list', 'routines']);
    expect(JSON.parse(routines.stdout).routines).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'cli.Source', slots: ['trigger'], events: ['out'] })]));
    const d = await cli(dir, ['diagram', 'flow.yaml']);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('out → in');
    const init = await cli(dir, ['init', 'app']);
    expect(init.code, init.stderr).toBe(0);
    expect((await cli(dir, ['init', 'app'])).code).toBe(2);
    const unknown = await cli(dir, ['explode']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error INVALID_ARGUMENT: /);
    const missing = await cli(dir, ['--json', 'inspect', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr).error.code).toBe('FILE_NOT_FOUND');
    expect((await cli(dir, ['run', 'flow.yaml', '--import', './nope.js'])).code).toBe(2);
    expect((await cli(dir, ['--help'])).stdout).toContain('routilux');
    expect((await cli(dir, ['run', '--help'])).code).toBe(0);
  });
});
