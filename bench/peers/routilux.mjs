// routilux adapter for the shared peer harness (../shared/bench). Uses the public,
// programmatic API of the BUILT package (run `npm run build` first); the workloads are in
// routilux-workloads.mjs. Every runner resolves when routilux itself says the job is
// complete (flow.execute / runtime job settles).
import { createRequire } from 'node:module';
import { execSync } from 'node:child_process';
import * as routilux from '../../dist/index.js';
import { routiluxWorkloads } from './routilux-workloads.mjs';

const require = createRequire(import.meta.url);
const pkg = require('../../package.json');
let rev = '';
try {
  rev = execSync('git rev-parse --short HEAD', { cwd: new URL('../..', import.meta.url), stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
} catch {
  rev = 'unknown';
}

export const meta = {
  name: 'routilux-ts',
  version: `routilux ${pkg.version} (git ${rev})`,
  notes: 'programmatic routines; one Flow per workload, one job per execution; history, job state, error policy and concurrency limit on',
};

export const { chain, fanout, io, jobs } = routiluxWorkloads(routilux);
