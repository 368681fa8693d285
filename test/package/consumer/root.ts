// Uses the root entry 'routilux' as a user's project does (decorators, a flow, a job).
import { Event, Flow, Routine, RoutineBase, Slot, event, type ExecutionContext } from 'routilux';

@Routine({ name: 'consumer.Greeter' })
class Greeter extends RoutineBase {
  @Event('greeted', { params: ['text'] })
  readonly greeted = event<{ text: string }>();

  @Slot('trigger')
  onTrigger(data: { name?: string }, _ctx: ExecutionContext): void {
    this.greeted.emit({ text: `Hello, ${data.name ?? 'nobody'}!` });
    this.sendOutput('greeting', { text: `Hello, ${data.name ?? 'nobody'}!` });
  }
}

const flow = new Flow({ flowId: 'consumer-root' });
flow.addRoutine(new Greeter(), 'greeter');
const job = await flow.execute('greeter', { name: 'routilux' });
const text = (job.outputLog[0]?.data as { text?: string } | undefined)?.text;
if (job.status !== 'completed' || text !== 'Hello, routilux!') throw new Error(`unexpected: ${job.status} ${String(text)}`);
console.log('OK . serialized type', JSON.stringify(flow.serialize().routines['greeter']?.type));
