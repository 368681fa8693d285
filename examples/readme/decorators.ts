import { Event, Flow, Routine, RoutineBase, Slot, event } from 'routilux';

@Routine({ name: 'quickstart.greeter' })
class Greeter extends RoutineBase {
  @Event('greeting', { params: ['text'] })
  readonly greeting = event<{ text: string }>();

  @Slot('trigger')
  onTrigger(data: { name: string }): void {
    this.greeting.emit({ text: `Hello, ${data.name}!` });
  }
}

@Routine({ name: 'quickstart.printer' })
class Printer extends RoutineBase {
  @Slot('input')
  onInput(data: { text: string }): void {
    console.log(data.text);
  }
}

const flow = new Flow();
const greeter = flow.addRoutine(Greeter); // id defaults to the type name
const printer = flow.addRoutine(Printer);
flow.connect(greeter, 'greeting', printer, 'input');

const job = await flow.execute(greeter, { name: 'routilux' }); // prints "Hello, routilux!"
console.log(job.status); // "completed"
