import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectRoot as root, runScript as runExample } from '../helpers/run-script.js';
import { type TestRedisServer, redisServerForSuite } from '../helpers/redis-server.js';

// Runs every example the way a user would (through tsx, without a build) and checks its
// exit code and lines of output that only appear when the example did its job.

/** Lines each example must print on success. */
const expected: Record<string, readonly string[]> = {
  'examples/00-flagship/main.ts': ['status: completed', 'doc-4: language en (succeeded on attempt 2)', 'flagship: OK'],
  'examples/01-hello-flow/main.ts': ['shouter: HELLO, ROUTILUX!', 'job status: completed'],
  'examples/02-fan-out-fan-in/main.ts': ['#4 {"sensor":["roof","roof","cellar","cellar"],"unit":["C","K","C","K"],"value":[10,283.2,15,288.2]}', '#4 {"count":4,'],
  'examples/03-error-strategies/main.ts': ['all scenarios ended as expected'],
  'examples/04-concurrency/main.ts': ['sequential order: src → src (after emit) → a → a (after emit) → b → b (after emit) → a1', 'peak concurrency 4'],
  'examples/05-di-injection/main.ts': ['coffee   3.78 USD', 'coffee   3.50 EUR'],
  'examples/06-llm-postprocess/main.ts': ['page_oncall    {"category":"bug","severity":9,"summary":"Crash on save"}', "invalid        /: must have required property 'summary'"],
  'examples/07-pause-resume/main.ts': ['status after pause: paused', 'status after resume: completed; total 2870 (expected 2870); pause points: 1'],
  'examples/08-runtime/main.ts': [
    'all jobs finished: true (6 completed)',
    'cy: completed, batches [], not booked ["bread"]',
    'alert job: {"value":71,"max":60,"over":true}',
    'runtime example: OK',
  ],
  'examples/10-typed-wiring/main.ts': ['connection: intake.accepted → ledger.record {"id":"orderId"}', 'ledger: total 7.50 EUR', 'job: completed', 'definition builds the same connections: true', 'definition job: completed, ledger: total 5.00 EUR'],
  'examples/13-distributed/main.ts': ['started 6 jobs: pending, pending, pending, pending, pending, pending', 'order 6: completed, total 15.00', 'completed jobs in the store: 6', 'events received from the workers: yes'],
  'examples/11-schedules/main.ts': [
    'nightly ran at 30/03/2024, 02:30 CET  (2024-03-30T01:30:00.000Z)',
    'nightly ran at 31/03/2024, 03:00 CEST  (2024-03-31T01:00:00.000Z)',
    'nightly ran at 01/04/2024, 02:30 CEST  (2024-04-01T00:30:00.000Z)',
    'slow: {"runs":2,"skipped":2}',
    'schedules: nightly (active, runs 3)',
    'after shutdown: 0 schedules',
  ],
  'examples/12-observe/main.ts': [
    'breakpoint bp1 hit before price.in',
    'status: paused (breakpoint); next: {"sku":"rice","qty":40}',
    'status: paused; pending: price, report, report',
    'restored breakpoints: [{"id":"bp1","routineId":"price","condition":"data.qty > 10","hits":1}]',
    'status: completed; outputs: {"sku":"tea","total":5} {"sku":"rice","total":100} {"sku":"salt","total":2.5}',
    'spans: 3 job runs (paused → paused → completed), 7 activations, one trace: true',
  ],
  'examples/readme/decorators.ts': ['Hello, routilux!', 'completed'],
  'examples/readme/programmatic.ts': ['Hello, routilux!', 'completed 2'],
};

const redisServer: Promise<TestRedisServer> = redisServerForSuite();

describe('examples', () => {
  // 09-nest-orders is run by its own e2e test (test/nest/orders-example.e2e.spec.ts).
  it('should list a check for every numbered example (but the Nest app) and README snippet', () => {
    const numbered = readdirSync(`${root}/examples`, { withFileTypes: true })
      .filter((d) => d.isDirectory() && /^\d\d-/.test(d.name) && d.name !== '09-nest-orders')
      .map((d) => `examples/${d.name}/main.ts`);
    const snippets = readdirSync(`${root}/examples/readme`)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `examples/readme/${f}`);
    expect(Object.keys(expected).sort()).toEqual([...numbered, ...snippets].sort());
  });

  for (const [file, lines] of Object.entries(expected)) {
    it.concurrent(`${file} should exit 0 and print its result`, async () => {
      // the distributed example runs against a test redis-server (it starts its own only when REDIS_URL is unset)
      const run = await runExample(file, [], file === 'examples/13-distributed/main.ts' ? { REDIS_URL: (await redisServer).url } : undefined);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      for (const line of lines) expect(run.stdout).toContain(line);
    });
  }

  it.concurrent('the flagship should exit non-zero when its job fails (retries off)', async () => {
    const run = await runExample('examples/00-flagship/main.ts', ['--max-retries', '0']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('status: failed (ROUTINE_FAILED in language');
    expect(run.stdout).toContain('flagship: FAILED');
  });
});
