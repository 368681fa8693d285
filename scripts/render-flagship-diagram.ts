/**
 * Renders the flagship flow's Mermaid diagram (flowToMermaid) with Mermaid itself in headless
 * Chromium, into docs/images/flagship-flow.svg and .png. Run: `npm run docs:diagram`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flowToMermaid } from '../src/index.js';
import { createFlagshipFlow } from '../examples/00-flagship/flow.js';
import { launchChromium } from './chromium.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs', 'images');
const mermaidScript = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');
const text = flowToMermaid(createFlagshipFlow());

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 420 }, deviceScaleFactor: 2 });
  await page.setContent('<!doctype html><html><body style="margin:0;background:#fff"><div id="d"></div></body></html>');
  await page.addScriptTag({ path: mermaidScript });
  const svg = await page.evaluate(async (source) => {
    // runs in the page: its window and document are the browser's
    const page = globalThis as unknown as {
      mermaid: { initialize(o: object): void; render(id: string, t: string): Promise<{ svg: string }> };
      document: { getElementById(id: string): { innerHTML: string } };
    };
    page.mermaid.initialize({ startOnLoad: false, theme: 'neutral' });
    const { svg } = await page.mermaid.render('flagship', source);
    page.document.getElementById('d').innerHTML = svg;
    return svg;
  }, text);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'flagship-flow.svg'), `${svg}\n`);
  await page.locator('#d svg').screenshot({ path: join(out, 'flagship-flow.png') });
  console.log(`wrote docs/images/flagship-flow.svg and .png (${text.split('\n').length - 1} lines of Mermaid)`);
} finally {
  await browser.close();
}
