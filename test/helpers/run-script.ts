import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The project root (scripts are run from here, as a user would run them). */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** How a script run ended. */
export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript file of the project in a fresh Node process through tsx (no build), as a user would. */
export function runScript(file: string, args: readonly string[] = [], env?: Readonly<Record<string, string>>): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], ...(env !== undefined ? { env: { ...process.env, ...env } } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
