/**
 * The hello flow's routine types, registered by name so flow.yaml can name them:
 * `Greeter` in the decorator form, `Shouter` in the programmatic form.
 */
import { Event, Routine, RoutineBase, RoutineRegistry, Slot, event, type ExecutionContext } from 'routilux';

/** Entry: greets the name it is given. */
@Routine({ name: 'hello.greeter' })
export class Greeter extends RoutineBase {
  @Event('greeting', { params: ['message'] })
  readonly greeting = event<{ message: string }>();

  @Slot('trigger')
  onTrigger(data: { name: string }, ctx: ExecutionContext): void {
    console.log(`greeter: activation ${ctx.taskId} of job ${ctx.jobState.jobId.slice(0, 8)}…`);
    this.greeting.emit({ message: `Hello, ${data.name}` });
    console.log('greeter: emit() returned; the shouter has not run yet');
  }
}

/** Upper-cases the text and appends its `suffix` config; sends it as the `shout` output. */
export class Shouter extends RoutineBase {
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

RoutineRegistry.register('hello.shouter', Shouter);
