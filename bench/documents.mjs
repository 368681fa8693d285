// B2 of the reliability plan: YAML attacks are refused fast and cheaply. Run after `npm run build`:
//   node --expose-gc bench/documents.mjs
// Prints, per attack, the error code, the time to refuse it and the heap it cost.
import { Flow } from '../dist/index.js';

const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
const attacks = {
  'alias bomb (9 levels, 72 aliases)': `version: 1\nroutines: {}\n${levels.join('\n')}\n`,
  '1,000 aliases': `version: 1\nroutines: {}\nx: &x [1]\ny: [${Array(1000).fill('*x').join(',')}]\n`,
  '!!js/function tag': 'version: 1\nroutines: {}\nx: !!js/function "function () { return process }"\n',
  '10 MB document': `version: 1\nroutines: {}\npad: "${'x'.repeat(10 * 1024 * 1024)}"\n`,
  '1 MB of nesting': `version: 1\nroutines: {}\nx: ${'['.repeat(500_000)}${']'.repeat(500_000)}\n`,
};

Flow.fromYAML('version: 1\nroutines: {}\n'); // load the parser and the schema first: attacks are measured warm
for (const [name, text] of Object.entries(attacks)) {
  globalThis.gc?.();
  const heap = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  let code = 'accepted!';
  let peak = heap;
  try {
    Flow.fromYAML(text);
  } catch (error) {
    code = error.code ?? `not a routilux error: ${error}`;
  }
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${name.padEnd(36)} ${code.padEnd(18)} ${ms.toFixed(1).padStart(7)} ms  ${((peak - heap) / 1024 / 1024).toFixed(1).padStart(6)} MB heap`);
}
