// A against B: an older build of routilux beside the current one, on one harness workload,
// in one process, in interleaved rounds (the order alternates every round). Machines here
// are shared and noisy, so compare the per-round ratio, not the times.
//
//   node bench/ab.mjs --base <dir of an older build's dist> [--workload fanout] [--reps 10] [--rounds 13] [--rxjs]
//
// An older build, e.g. of the previous commit:
//   git worktree add /tmp/routilux-base HEAD~1 && (cd /tmp/routilux-base && npm ci && npm run build)
//   npm run build && node bench/ab.mjs --base /tmp/routilux-base/dist --workload fanout
import { makeSampler } from './lib/sampler.mjs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { routiluxWorkloads } from './peers/routilux-workloads.mjs';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    workload: { type: 'string', default: 'fanout' },
    reps: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '13' },
    rxjs: { type: 'boolean', default: false },
  },
});
if (values.base === undefined) {
  console.error('usage: node bench/ab.mjs --base <dir of an older build\'s dist> [--workload chain|fanout|io|jobs] [--reps N] [--rounds N] [--rxjs]');
  process.exit(2);
}
const shared = new URL('../../shared/bench/', import.meta.url);
const workloads = await import(new URL('lib/workloads.mjs', shared).href);
const W = workloads.byKey[values.workload];
if (W === undefined) {
  console.error(`unknown workload "${values.workload}"; one of: ${Object.keys(workloads.byKey).join(', ')}`);
  process.exit(2);
}
const reps = Number(values.reps);
const rounds = Number(values.rounds);
const p = W.params;

const systems = {
  A: routiluxWorkloads(await import(pathToFileURL(resolve(values.base, 'index.js')).href)),
  B: routiluxWorkloads(await import(new URL('../dist/index.js', import.meta.url).href)),
};
if (values.rxjs) systems.rxjs = await import(new URL('systems/baseline-rxjs.mjs', shared).href);
const runners = {};
for (const [name, system] of Object.entries(systems)) runners[name] = await system[W.key](p);

const sample = makeSampler(runners, W, p, reps);

const names = Object.keys(runners);
for (let w = 0; w < 3; w++) for (const name of names) await sample(name); // warm-up
const times = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 === 0 ? names : [...names].reverse()) times[name].push(await sample(name));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ratio = (a, b) => median(times[a].map((t, i) => t / times[b][i]));
console.log(`${W.id} ${W.title}: ${rounds} rounds × ${reps} executions, node ${process.version}`);
for (const name of names) console.log(`  ${name.padEnd(5)} median ${median(times[name]).toFixed(2)} ms per execution`);
console.log(`  B/A per-round median: ${ratio('B', 'A').toFixed(3)} (below 1: B is faster)`);
if (values.rxjs) console.log(`  A/rxjs ${ratio('A', 'rxjs').toFixed(3)}, B/rxjs ${ratio('B', 'rxjs').toFixed(3)}`);
