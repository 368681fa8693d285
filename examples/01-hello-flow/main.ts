/**
 * 01 — hello flow: two routines, one connection, one job.
 *
 * `Greeter` uses the decorator form, `Shouter` the programmatic form; they behave the same
 * way and can be mixed in one flow. The connection renames a payload key with a
 * parameter mapping, and the job's history shows what happened. The routines are in
 * routines.ts; flow.yaml is the same flow as a document
 * (`npx tsx src/cli/main.ts run examples/01-hello-flow/flow.yaml --import ./examples/01-hello-flow/routines.ts -p name=routilux`).
 */
import { Flow } from 'routilux';
import { Greeter, Shouter } from './routines.js';

const flow = new Flow({ flowId: 'hello' });
const greeter = flow.addRoutine(Greeter); // a class is resolved through the DI container; id defaults to the type name
const shouter = new Shouter();
shouter.setConfig({ suffix: '!' });
flow.addRoutine(shouter, 'shouter');
flow.connect(greeter, 'greeting', 'shouter', 'input', { message: 'text' });

for (const issue of flow.validate()) console.log(`validate: ${issue.severity} ${issue.code}: ${issue.message}`);

const job = await flow.execute(greeter, { name: 'routilux' });

console.log(`\nroutine ids: ${[...flow.routines.keys()].join(', ')}`);
console.log(`job status: ${job.status}`);
console.log(`outputs: ${job.outputLog.map((o) => `${o.routineId}/${o.outputType}=${String(o.data)}`).join(', ')}`);
console.log('history:');
for (const h of job.executionHistory) console.log(`  ${h.routineId}.${h.eventName} ${JSON.stringify(h.data)}`);

process.exitCode = job.status === 'completed' ? 0 : 1;
