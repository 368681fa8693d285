// Uses 'routilux/builtins': built-ins added to a flow by instance (this is what failed with TS2345).
import { Flow, RoutineBase, type ExecutionContext } from 'routilux';
import { ConditionalRouter, Filter, Mapper, type MapperOutput } from 'routilux/builtins';

class Source extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out');
    this.defineSlot('trigger', (data: Record<string, unknown>) => this.emit('out', data));
  }
}

class Sink extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('input', (data: Record<string, unknown>, ctx: ExecutionContext) => this.sendOutput(ctx.routineId, data));
  }
}

const flow = new Flow({ flowId: 'consumer-builtins' });
flow.addRoutine(new Source(), 'source');
flow.addRoutine(new Filter({ condition: 'data.score >= 0.5' }), 'filter');
flow.addRoutine(new ConditionalRouter({ routes: [{ name: 'high', when: 'data.score >= 0.9' }], defaultRoute: 'low' }), 'router');
flow.addRoutine(new Mapper({ mappings: { who: 'user.name' } }), 'mapper');
flow.addRoutine(new Sink(), 'sink');
flow.connect('source', 'out', 'filter', 'input');
flow.connect('filter', 'passed', 'router', 'input');
flow.connect('router', 'high', 'mapper', 'input');
flow.connect('mapper', 'output', 'sink', 'input');
const job = await flow.execute('source', { score: 0.95, user: { name: 'Ada' } });
const out = job.outputLog[0]?.data as MapperOutput | undefined;
if (job.status !== 'completed' || JSON.stringify(out?.data) !== '{"who":"Ada"}') throw new Error(`unexpected: ${job.status} ${JSON.stringify(out)}`);
console.log('OK ./builtins', JSON.stringify(out?.data));
