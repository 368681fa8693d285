import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadFlowFile } from '../../src/index.js';
import { schemaValidator } from '../documents/support.js';
import { projectRoot as root } from '../helpers/run-script.js';

// Every flow document of the examples (examples/**/flow.yaml) is checked the way an editor
// and the CLI see it: against the shipped JSON Schema, then loaded with the routine types
// of the routines.ts beside it.

function flowDocuments(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : flowDocuments(path);
    return d.name === 'flow.yaml' ? [path] : [];
  });
}

const documents = flowDocuments(join(root, 'examples'));

describe('example flow documents', () => {
  it('the flagship and the hello flow have one', () => {
    expect(documents.map((f) => relative(root, f)).sort()).toEqual(expect.arrayContaining(['examples/00-flagship/flow.yaml', 'examples/01-hello-flow/flow.yaml']));
  });

  for (const file of documents) {
    it(`${relative(root, file)} validates against the schema and loads`, async () => {
      const validate = schemaValidator();
      const ok = validate(parse(readFileSync(file, 'utf8')) as unknown);
      expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
      expect(ok).toBe(true);
      await import(pathToFileURL(join(dirname(file), 'routines.ts')).href);
      const flow = await loadFlowFile(file);
      expect(flow.validate().filter((i) => i.severity === 'error')).toEqual([]);
    });
  }

  it('the flagship document is the flow flow.ts builds in code', async () => {
    const { createFlagshipFlow } = await import('../../examples/00-flagship/flow.js');
    const fromDocument = await loadFlowFile(join(root, 'examples/00-flagship/flow.yaml'));
    expect(fromDocument.serialize()).toEqual(createFlagshipFlow().serialize());
  });

  it('npm start runs the flagship through the CLI from flow.yaml, prints the result and exits 0', async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn('npm', ['start', '--silent'], { cwd: root, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^job \S+ completed in \d+ ms/m);
    expect(run.stdout).toMatch(/language\s+8 activations\s+2 failed/);
    expect(run.stderr).toContain('[language] doc-4: language en (succeeded on attempt 2)');
    expect(run.stderr).toContain('[report] doc-2    6 words  de');
  }, 60_000);
});
