import { ErrorHandler, Flow, RoutineBase } from 'routilux';

class Greeter extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('greeting', ['text']);
    this.defineSlot<{ name: string }>('trigger', (data) => {
      this.emit('greeting', { text: `Hello, ${data.name}!` });
    });
  }
}

class Printer extends RoutineBase {
  constructor() {
    super();
    this.defineSlot<{ text: string }>('input', (data) => console.log(data.text));
  }
}

const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 4 });
flow.addRoutine(new Greeter(), 'greeter');
flow.addRoutine(new Printer(), 'printer');
flow.connect('greeter', 'greeting', 'printer', 'input');
flow.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 100 }));

const job = await flow.execute('greeter', { name: 'routilux' }); // prints "Hello, routilux!"
console.log(job.status, job.executionHistory.length); // "completed 2"
