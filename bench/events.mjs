// W6 of ../shared/spec/benchmarks.md: what the event stream costs. W1 (the chain) on an
// older build of routilux from before the stream (A), on the current build with no
// subscriber on `events$` (B), and on the current build with one subscriber that counts the
// events (C), in one process, in interleaved rounds (the order alternates every round).
// Machines here are shared and noisy, so the per-round ratios B/A and C/A are what counts
// (targets: B/A ≤ 1.03, C/A ≤ 1.5). A is measured against B, then against C, in two phases.
//
//   git worktree add /tmp/routilux-base <commit before the stream> && (cd /tmp/routilux-base && npm ci && npx tsc -p tsconfig.build.json)
//   npx tsc -p tsconfig.build.json && node bench/events.mjs --base /tmp/routilux-base/dist [--reps 10] [--rounds 15]
import { makeSampler } from './lib/sampler.mjs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { routiluxWorkloads } from './peers/routilux-workloads.mjs';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    workload: { type: 'string', default: 'chain' },
    reps: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '15' },
  },
});
if (values.base === undefined) {
  console.error("usage: node bench/events.mjs --base <dir of a build's dist from before the event stream> [--workload chain] [--reps N] [--rounds N]");
  process.exit(2);
}
// the harness of shared/ beside the checkout (ROUTILUX_SHARED_BENCH: another place, e.g. for a worktree)
const shared = process.env.ROUTILUX_SHARED_BENCH !== undefined ? pathToFileURL(`${resolve(process.env.ROUTILUX_SHARED_BENCH)}/`) : new URL('../../shared/bench/', import.meta.url);
const workloads = await import(new URL('lib/workloads.mjs', shared).href);
const W = workloads.byKey[values.workload];
if (W === undefined) {
  console.error(`unknown workload "${values.workload}"; one of: ${Object.keys(workloads.byKey).join(', ')}`);
  process.exit(2);
}
const reps = Number(values.reps);
const rounds = Number(values.rounds);
const p = W.params;

const current = await import(new URL('../dist/index.js', import.meta.url).href);
let counted = 0;
/** The current build whose every Flow has one subscriber counting its events. */
class CountedFlow extends current.Flow {
  constructor(options) {
    super(options);
    this.events$.subscribe(() => {
      counted++;
    });
  }
}

const systems = {
  A: routiluxWorkloads(await import(pathToFileURL(resolve(values.base, 'index.js')).href)),
  B: routiluxWorkloads(current),
  C: routiluxWorkloads({ ...current, Flow: CountedFlow }),
};
const runners = {};
for (const [name, system] of Object.entries(systems)) runners[name] = await system[W.key](p);

const sample = makeSampler(runners, W, p, reps);

// Two phases, A against B and then A against C, so the garbage C leaves behind is never
// collected during a sample of B.
const names = Object.keys(runners);
for (let w = 0; w < 3; w++) for (const name of names) await sample(name); // warm-up
const times = Object.fromEntries(names.map((n) => [n, []]));
const baseline = { B: [], C: [] };
for (const other of ['B', 'C']) {
  const pair = ['A', other];
  if (other === 'C') counted = 0;
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? pair : [...pair].reverse()) {
      const t = await sample(name);
      (name === 'A' ? baseline[other] : times[other]).push(t);
    }
  }
}
times.A = [...baseline.B, ...baseline.C];
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ratio = (a) => times[a].map((t, i) => t / baseline[a][i]);
const hops = p.messages * p.stages;
console.log(`${W.id} ${W.title}: ${rounds} rounds × ${reps} executions, node ${process.version}`);
const label = { A: 'before the stream', B: 'no subscriber', C: 'one counting subscriber' };
for (const name of names) console.log(`  ${name} ${label[name].padEnd(24)} median ${median(times[name]).toFixed(2)} ms per execution (${((median(times[name]) * 1000) / hops).toFixed(3)} µs per hop)`);
const events = counted / (rounds * reps); // C's phase only
for (const [b, target] of [['B', 1.03], ['C', 1.5]]) {
  const rs = ratio(b);
  const m = median(rs);
  console.log(`  ${b}/A per-round median ${m.toFixed(3)} (range ${Math.min(...rs).toFixed(3)}–${Math.max(...rs).toFixed(3)}; target ≤ ${target}) ${m <= target ? 'met' : 'NOT met'}`);
}
console.log(`  C counted ${events} events per execution`);
