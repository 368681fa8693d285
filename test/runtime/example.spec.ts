import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples/08-runtime', () => {
  it('runs two flows and several concurrent jobs through one Runtime', async () => {
    const { code, stdout, stderr } = await run('examples/08-runtime/main.ts');
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain('all jobs finished: true (6 completed)');
    expect(stdout).toContain('cy: completed, batches [], not booked ["bread"]');
    expect(stdout).toContain('alert job: {"value":71,"max":60,"over":true}');
    expect(stdout).toContain('runtime example: OK');
  });
});
