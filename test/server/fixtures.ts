import { Event, type ExecutionContext, Flow, FlowRegistry, Routine, RoutineBase, Runtime, Slot, event } from '../../src/index.js';
import { createServer, type RoutiluxServer, type ServerOptions } from '../../src/server/index.js';

export const KEY = 'test-key-0123456789abcdef';
export const OTHER_KEY = 'other-key-fedcba9876543210';
export const auth = { authorization: `Bearer ${KEY}` };

@Routine({ name: 'srv.source' })
export class Source extends RoutineBase {
  @Event('out', { params: ['n'] })
  readonly out = event<{ n: number }>();

  @Slot('trigger')
  trigger(data: { n?: number }): void {
    this.out.emit({ n: data.n ?? 1 });
  }
}

@Routine({ name: 'srv.double' })
export class Double extends RoutineBase {
  @Event('out', { params: ['n'] })
  readonly out = event<{ n: number }>();

  @Slot('in', { merge: 'override' })
  onIn(data: { n: number }): void {
    this.out.emit({ n: data.n * 2 });
  }
}

@Routine({ name: 'srv.sink' })
export class Sink extends RoutineBase {
  @Slot('in', { merge: 'append' })
  onIn(data: Record<string, unknown>): void {
    this.getExecutionContext()?.jobState.updateSharedData('last', data);
  }
}

/** Gates opened by tests: a `srv.gate` activation waits until its gate opens. */
export const gates = { open: new Set<string>(), waiters: [] as (() => void)[] };
export function openGates(): void {
  for (const w of gates.waiters.splice(0)) w();
}

@Routine({ name: 'srv.gate' })
export class Gate extends RoutineBase {
  @Event('out')
  readonly out = event<Record<string, unknown>>();

  @Slot('trigger')
  async trigger(data: Record<string, unknown>, ctx: ExecutionContext): Promise<void> {
    await new Promise<void>((resolve) => {
      gates.waiters.push(resolve);
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    if (!ctx.signal.aborted) this.out.emit(data);
  }

  @Slot('in')
  onIn(data: Record<string, unknown>): void {
    this.out.emit(data);
  }
}

/** A three-stage document: source → double → sink. */
export function pipelineDocument(): Record<string, unknown> {
  const flow = new Flow({ flowId: 'pipeline-doc' });
  flow.addRoutine(Source, 'src');
  flow.addRoutine(Double, 'double');
  flow.addRoutine(Sink, 'sink');
  flow.connect('src', 'out', 'double', 'in');
  flow.connect('double', 'out', 'sink', 'in');
  return flow.serialize() as unknown as Record<string, unknown>;
}

/** A gate → sink document: jobs wait in the gate until the test opens it. */
export function gateDocument(): Record<string, unknown> {
  const flow = new Flow({ flowId: 'gate-doc' });
  flow.addRoutine(Gate, 'gate');
  flow.addRoutine(Sink, 'sink');
  flow.connect('gate', 'out', 'sink', 'in');
  return flow.serialize() as unknown as Record<string, unknown>;
}

export interface TestServer {
  server: RoutiluxServer;
  runtime: Runtime;
  registry: FlowRegistry;
}

/** A server on its own runtime and registry with `pipeline` and `gate` registered. */
export function testServer(
  options: Omit<ServerOptions, 'runtime' | 'registry'> = {},
  makeRuntime: (registry: FlowRegistry) => Runtime = (registry) => new Runtime({ registry, concurrency: 10 }),
): TestServer {
  const registry = new FlowRegistry();
  const runtime = makeRuntime(registry);
  registry.registerByName('pipeline', Flow.deserialize(pipelineDocument()));
  registry.registerByName('gate', Flow.deserialize(gateDocument()));
  const server = createServer({ runtime, apiKeys: [KEY], rateLimit: false, ...options });
  return { server, runtime, registry };
}
