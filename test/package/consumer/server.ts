// Uses 'routilux/server': a job started over HTTP (Fastify's inject) and waited for.
import { Flow, FlowRegistry, Routine, RoutineBase, Runtime } from 'routilux';
import { createServer } from 'routilux/server';

@Routine({ name: 'consumer.done' })
class Done extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger', () => undefined);
  }
}

const registry = new FlowRegistry();
const flow = new Flow();
flow.addRoutine(new Done(), 'done');
registry.registerByName('hello', flow);
const runtime = new Runtime({ registry });
const server = createServer({ runtime, apiKeys: ['consumer-key'], rateLimit: false });
const response = await server.inject({
  method: 'POST',
  url: '/api/v1/flows/hello/jobs',
  headers: { authorization: 'Bearer consumer-key', 'content-type': 'application/json' },
  payload: { entryParams: { n: 1 }, wait: 10_000 },
});
await server.close();
await runtime.shutdown();
const body = response.json() as { status?: string };
if (response.statusCode !== 200 || body.status !== 'completed') throw new Error(`unexpected: ${response.statusCode} ${response.body}`);
console.log('OK ./server', body.status);
