/**
 * 01 — hello flow: two routines, one connection, one job.
 *
 * `Greeter` uses the decorator form, `Shouter` the programmatic form; they behave the same
 * way and can be mixed in one flow. The connection renames a payload key with a
 * parameter mapping, and the job's history shows what happened.
 */
import { Event, Flow, Routine, RoutineBase, Slot, event, type ExecutionContext } from 'routilux';

@Routine({ name: 'hello.greeter' })
class Greeter extends RoutineBase {
  @Event('greeting', { params: ['message'] })
  readonly greeting = event<{ message: string }>();

  @Slot('trigger')
  onTrigger(data: { name: string }, ctx: ExecutionContext): void {
    console.log(`greeter: activation ${ctx.taskId} of job ${ctx.jobState.jobId.slice(0, 8)}…`);
    this.greeting.emit({ message: `Hello, ${data.name}` });
    console.log('greeter: emit() returned; the shouter has not run yet');
  }
}

class Shouter extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('shouted', ['text']);
    // The connection maps `message` → `text`, so this slot reads `text`.
    this.defineSlot<{ text: string }>('input', (data) => {
      const text = `${data.text.toUpperCase()}${this.getConfig('suffix', '')}`;
      console.log(`shouter: ${text}`);
      this.sendOutput('shout', text);
    });
  }
}

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
