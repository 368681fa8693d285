import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RoutiluxServer } from '../../src/server/index.js';
import type { Runtime } from '../../src/index.js';
import { launchChromium } from '../../scripts/chromium.js';
import { e2eRuntime, KEY } from './e2e-fixtures.js';

// The dashboard end to end: built by Vite, served by a real server on loopback, driven in
// Debian's headless Chromium. Screenshots of each page go to docs/images (docs/dashboard.md).

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = join(root, 'docs', 'images');

let server: RoutiluxServer;
let runtime: Runtime;
let url: string;
let browser: Browser;
let page: Page;

/** Whether the engine streams events (services.md §2): then the pages must update without a reload. */
const engineStreams = (): boolean => typeof (runtime as unknown as { events$?: { subscribe?: unknown } }).events$?.subscribe === 'function';

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `dashboard-${name}.png`), fullPage: false });
}

/** Goes to a page and, where the engine cannot push updates yet, reloads until `check` holds. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await check()) return;
    if (!engineStreams() && i % 10 === 9) await page.reload();
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  await build({ root: join(root, 'dashboard'), configFile: join(root, 'dashboard', 'vite.config.ts'), logLevel: 'warn' });
  expect(existsSync(join(root, 'dist', 'dashboard', 'index.html'))).toBe(true);
  ({ runtime } = e2eRuntime());
  server = createServer({ runtime, apiKeys: [KEY], port: 0, rateLimit: false, dashboard: true });
  ({ url } = await server.listen());
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  page.setDefaultTimeout(8000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await runtime?.shutdown({ drainTimeout: 0 }).catch(() => undefined);
});

describe('dashboard in headless Chromium against a real server', () => {
  it('serves the built files without a key, and the API still needs one', async () => {
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    const html = await index.text();
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${url}/${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${url}/api/v1/flows`)).status).toBe(401);
    expect((await fetch(`${url}/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it('serves nothing at / with dashboard: false', async () => {
    const off = createServer({ runtime, apiKeys: [KEY], rateLimit: false, dashboard: false });
    expect((await off.inject({ method: 'GET', url: '/' })).statusCode).toBe(401); // not public: just an unknown route
    const res = await off.inject({ method: 'GET', url: '/', headers: { authorization: `Bearer ${KEY}` } });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).error.code).toBe('UNKNOWN_ROUTE');
    await off.close();
  });

  it('a rejected sign-in shows an error', async () => {
    await page.goto(`${url}/`);
    await page.getByLabel('API key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#signin-error').textContent()).toContain('rejected');
    expect(page.url()).not.toContain('not-the-key');
    await shot('signin-rejected');
  });

  it('signs in once, goes live, lists the flows', async () => {
    await page.getByLabel('API key').fill(KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
    await expect.poll(() => page.locator('[data-live]').getAttribute('data-live')).toBe('live');
    expect(await page.getByRole('link', { name: 'flagship' }).count()).toBe(1);
    expect(page.url()).not.toContain(KEY);
    await shot('flows');
  });

  it('opens a flow and sees its nodes, ports and labelled edges', async () => {
    await page.getByRole('link', { name: 'batch' }).click();
    await page.locator('svg.graph').waitFor();
    expect(await page.locator('svg.graph [data-routine]').count()).toBe(3);
    expect(await page.locator('svg.graph .edge').count()).toBe(2);
    expect(await page.locator('svg.graph .edge-label').allTextContents()).toEqual(['item → input', 'done → results (square→value)']);
    await page.goto(`${url}/#/flows/flagship`);
    await page.locator('svg.graph [data-routine="report"]').waitFor();
    expect(await page.locator('svg.graph [data-routine]').count()).toBe(4);
    expect(await page.locator('svg.graph .edge').count()).toBe(4);
    expect(await page.locator('svg.graph [data-routine="report"]').textContent()).toContain('parts');
    await page.getByText('YAML document').click();
    expect(await page.getByLabel('Flow document as YAML').textContent()).toContain('flowId: flagship');
    await shot('flow');
  });

  it('starts a job from the form (JSON checked first) and sees it complete', async () => {
    await page.goto(`${url}/#/jobs`);
    await page.getByLabel('Flow', { exact: true }).first().selectOption('batch');
    const params = page.getByLabel('Entry params (JSON object)');
    await params.fill('{"count": ');
    await expect.poll(() => page.locator('#start-params-help').textContent()).toContain('Not valid JSON');
    expect(await page.getByRole('button', { name: 'Start job' }).isDisabled()).toBe(true);
    await params.fill('{"count": 3}');
    await page.getByRole('button', { name: 'Start job' }).click();
    const link = page.getByRole('status').getByRole('link');
    await link.waitFor();
    const jobId = (await link.textContent())!.replace(/^job /, '');
    await page.locator(`[data-job="${jobId}"]`).waitFor();
    await until(async () => (await page.locator(`[data-job="${jobId}"][data-status="completed"]`).count()) === 1, 'the job row to say completed');
    await shot('jobs');
    await page.getByRole('link', { name: `Job ${jobId}, completed` }).click();
    await page.getByRole('heading', { name: `Job ${jobId}` }).waitFor();
    await until(async () => (await page.locator('.title-row .badge', { hasText: /^completed$/ }).count()) === 1, 'the job page to say completed');
    await expect.poll(() => page.getByRole('heading', { name: /Output log/ }).textContent()).toBe('Output log (3)');
  });

  it('pauses and resumes a running job from its page', async () => {
    const job = runtime.exec('batch', { entryParams: { count: 25 } });
    await page.goto(`${url}/#/jobs/${job.jobId}`);
    await page.getByRole('button', { name: 'Pause' }).click();
    await until(async () => (await page.locator('.title-row .badge', { hasText: /^paused$/ }).count()) === 1, 'the paused status');
    expect(job.status).toBe('paused');
    await expect.poll(() => page.getByRole('heading', { name: /Pending tasks/ }).textContent()).not.toBe('Pending tasks (0)');
    await page.getByRole('heading', { name: /Pause points \(1\)/ }).waitFor();
    await shot('job-paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await until(async () => (await page.locator('.title-row .badge', { hasText: /^completed$/ }).count()) === 1, 'the job to complete after resume');
    expect(job.status).toBe('completed');
    await shot('job');
  });

  it('stops at breakpoints (one set at start, one added on the page), steps once, and runs to the end', async () => {
    const job = runtime.exec('batch', { entryParams: { count: 3 }, breakpoints: [{ routineId: 'work', condition: 'data.n == 1' }] });
    await expect.poll(() => job.status).toBe('paused');
    await page.goto(`${url}/#/jobs/${job.jobId}`);
    await until(async () => (await page.locator('.title-row .badge', { hasText: /^paused$/ }).count()) === 1, 'the job paused at its breakpoint');
    const table = page.getByRole('table', { name: 'Breakpoints' });
    await expect.poll(() => table.locator('tbody tr').first().textContent()).toContain('data.n == 1');
    expect(await table.locator('tbody tr').first().locator('td.num').textContent()).toBe('1'); // hits
    // a second breakpoint from the form: before collect merges its second result
    await page.getByLabel('Routine', { exact: true }).selectOption('collect');
    await page.getByLabel('Slot', { exact: true }).selectOption('results');
    await page.getByLabel('CEL condition over data').fill('size(data.value) == 2');
    await page.getByRole('button', { name: 'Add breakpoint' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => job.breakpoints.map((b) => b.hits).join(','), { timeout: 8000 }).toBe('1,1');
    expect(job.status).toBe('paused');
    expect(job.pausePoints.at(-1)!.checkpoint).toMatchObject({ breakpointId: 'bp2' });
    await expect.poll(() => table.locator('tbody tr').nth(1).locator('td.num').textContent()).toBe('1');
    await shot('job-breakpoint');
    const next = job.pendingTasks[0]!.taskId;
    await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Step:' }).textContent()).toBe(`Step: ran task ${next}`);
    expect(job.status).toBe('paused');
    expect(job.pausePoints.at(-1)).toMatchObject({ reason: 'step', checkpoint: { taskId: next } });
    expect(job.sharedData['collected']).toBe(2);
    await page.getByRole('button', { name: 'Remove breakpoint bp2' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: 'Resume' }).click();
    await until(async () => (await page.locator('.title-row .badge', { hasText: /^completed$/ }).count()) === 1, 'the job to complete');
    expect(job.sharedData['collected']).toBe(3);
  });

  it('reads well in the dark theme too', async () => {
    await page.goto(`${url}/#/flows/flagship`);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.locator('svg.graph [data-routine="report"]').waitFor();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await shot('flow-dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
  });
});
