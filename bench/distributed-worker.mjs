// A worker process of bench/distributed.mjs. argv: mode ('routilux' | 'raw'), redis url,
// prefix, concurrency. Prints READY once it takes jobs; SIGTERM closes it.
import { pathToFileURL } from 'node:url';
import { Worker } from 'bullmq';
import { Flow, FlowRegistry, RoutineBase } from '../src/index.js';
import { startWorker } from '../src/bullmq/index.js';

const [mode, url, prefix, concurrency] = process.argv.slice(2);
const STAGES = 10;

class Stage extends RoutineBase {
  constructor(first, last) {
    super();
    this.defineEvent('out', ['n']);
    this.defineSlot(first ? 'trigger' : 'in', (d) => {
      if (!last) this.emit('out', { n: d.n });
    });
  }
}

/** The benchmark's flow: a chain of 10 no-op stages. */
export function benchRegistry() {
  const registry = new FlowRegistry();
  const flow = new Flow({ flowId: 'chain' });
  for (let i = 0; i < STAGES; i++) flow.addRoutine(new Stage(i === 0, i === STAGES - 1), `s${i}`);
  for (let i = 1; i < STAGES; i++) flow.connect(`s${i - 1}`, 'out', `s${i}`, 'in');
  registry.registerByName('chain', flow);
  return registry;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let close;
  if (mode === 'raw') {
    const u = new URL(url);
    const worker = new Worker('raw', async () => undefined, { connection: { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null }, prefix, concurrency: Number(concurrency) });
    await worker.waitUntilReady();
    close = () => worker.close();
  } else {
    const worker = await startWorker({ connection: url, prefix, registry: benchRegistry(), concurrency: Number(concurrency), events: process.env.BENCH_EVENTS !== '0' });
    close = () => worker.close();
  }
  process.stdout.write('READY\n');
  process.once('SIGTERM', () => void close().then(() => process.exit(0)));
}
