import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLedgerFlow } from '../serialization/fixtures/ledger-flow.js';

const root = resolve(__dirname, '../..');
const FIXTURE = './test/serialization/fixtures/ledger-flow.ts';

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

describe('routilux CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'routilux-cli-'));
  const flowPath = join(dir, 'flow.json');
  writeFileSync(flowPath, JSON.stringify(buildLedgerFlow().serialize()));
  const ledger = join(dir, 'ledger.txt');
  writeFileSync(ledger, '');

  it('validates a flow file, loading the routine types with --import', async () => {
    const r = await cli('validate', flowPath, '--import', FIXTURE);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ flowId: 'ledger-flow', routines: 4, connections: 3, issues: [] });
  });

  it('runs a job, saves it, and inspects the saved job', async () => {
    const jobPath = join(dir, 'job.json');
    const r = await cli('run', flowPath, '--entry', 'src', '--params', JSON.stringify({ count: 5, ledgerPath: ledger }), '--save', jobPath, '--import', FIXTURE);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'completed', sharedData: { sinkCount: 5 }, pendingTasks: 0 });
    const i = await cli('inspect', jobPath);
    expect(i.code).toBe(0);
    expect(JSON.parse(i.stdout)).toMatchObject({ status: 'completed', flowId: 'ledger-flow', pending: [] });
  });

  it('reports bad input as JSON errors with their codes and exit code 2', async () => {
    const unknownType = await cli('validate', flowPath); // no --import: the types are not registered
    expect(unknownType.code).toBe(2);
    expect(JSON.parse(unknownType.stderr).error.code).toBe('UNKNOWN_ROUTINE_TYPE');
    const missing = await cli('inspect', join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr).error.code).toBe('FILE_NOT_FOUND');
    const badParams = await cli('run', flowPath, '--entry', 'src', '--params', '{oops', '--import', FIXTURE);
    expect(badParams.code).toBe(2);
    expect(JSON.parse(badParams.stderr).error.code).toBe('INVALID_ARGUMENT');
    const unknown = await cli('explode');
    expect(unknown.code).toBe(2);
    const noEntry = await cli('run', flowPath, '--import', FIXTURE);
    expect(JSON.parse(noEntry.stderr).error.code).toBe('INVALID_ARGUMENT');
  });

  it('prints help and the version', async () => {
    expect((await cli('--help')).stdout).toContain('routilux validate <flow.json>');
    expect((await cli('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
