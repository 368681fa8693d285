import { Inject, Injectable, Module, Scope, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, FlowRegistry, Routine, RoutineBase, Runtime, Slot, type ExecutionContext, type FlowDefinition } from '../../src/index.js';
import { InjectFlow, InjectRuntime, JOB_REQUEST, JobScope, RoutiluxExplorer, RoutiluxModule, getFlowToken, type JobRequest } from '../../src/nest/index.js';
import { Gate } from '../helpers/gate.js';
import { GreetRoutine, GreetRoutineModule, Greeter, HOLD_GATE, HoldRoutine, ShoutRoutine, ShoutRoutineModule, TagRoutine } from './fixtures.js';
import { codeOfError as codeOf } from '../helpers/errors.js';

const apps: INestApplicationContext[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function boot(imports: NonNullable<Parameters<typeof Module>[0]['imports']>, providers: NonNullable<Parameters<typeof Module>[0]['providers']> = []): Promise<INestApplicationContext> {
  const app = await Test.createTestingModule({ imports, providers }).compile();
  await app.init();
  apps.push(app);
  return app;
}

const greetFlow: FlowDefinition = {
  name: 'greetings',
  routines: { greet: GreetRoutine, shout: 'nest-test.shout' }, // by class and by registered type name
  connections: [{ from: ['greet', 'greeted'], to: ['shout', 'input'] }],
};

@Injectable()
class GreetingService {
  constructor(
    @InjectFlow('greetings') readonly flow: Flow,
    @InjectRuntime() readonly runtime: Runtime,
    readonly sameRuntime: Runtime,
  ) {}
}

@Module({ imports: [RoutiluxModule.forFeature({ flows: [greetFlow] })], providers: [GreetingService], exports: [GreetingService] })
class GreetingFeatureModule {}

describe('RoutiluxModule', () => {
  it('should inject Nest providers into routine constructors, discover routines across modules and inject flows by name', async () => {
    const app = await boot([RoutiluxModule.forRoot({ concurrency: 4 }), GreetRoutineModule, ShoutRoutineModule, GreetingFeatureModule]);
    const service = app.get(GreetingService);
    expect(service.runtime).toBeInstanceOf(Runtime);
    expect(service.sameRuntime).toBe(service.runtime);
    expect(service.runtime.concurrency).toBe(4);

    const flow = service.flow;
    expect(flow.flowId).toBe('greetings'); // defaults to the definition name
    expect([...flow.routines.keys()]).toEqual(['greet', 'shout']);
    const greet = flow.routines.get('greet');
    expect(greet).toBeInstanceOf(GreetRoutine);
    expect(greet).toBe(app.get(GreetRoutine, { strict: false })); // the singleton provider itself
    expect((greet as GreetRoutine).greeter).toBe(app.get(Greeter, { strict: false })); // constructor injection by type

    const job = service.runtime.exec('greetings', { entryParams: { name: 'nest' } });
    expect(await service.runtime.waitUntilAllJobsFinished()).toBe(true);
    expect(job.status).toBe('completed');
    expect(job.sharedLog.map((e) => e['line'])).toEqual(['HELLO NEST']);
    expect(app.get(Greeter, { strict: false }).calls).toEqual(['nest']);

    const direct = await flow.execute('greet', { name: 'again' });
    expect(direct.sharedLog.map((e) => e['line'])).toEqual(['HELLO AGAIN']);
    expect(app.get<Flow>(getFlowToken('greetings'), { strict: false })).toBe(flow);
    expect(app.get(FlowRegistry).getByName('greetings')).toBe(flow);
  });

  it('should list discovered routines with their module, scope and declared endpoints', async () => {
    const app = await boot([RoutiluxModule.forRoot(), GreetRoutineModule, ShoutRoutineModule], [TagRoutine]);
    const routines = app.get(RoutiluxExplorer).getRoutines();
    const byName = new Map(routines.map((r) => [r.name, r]));
    expect([...byName.keys()].sort()).toEqual(['nest-test.greet', 'nest-test.shout', 'nest-test.tag']);
    expect(byName.get('nest-test.greet')).toMatchObject({ type: GreetRoutine, moduleName: 'GreetRoutineModule', scope: 'singleton', slots: ['trigger'], events: ['greeted'] });
    expect(byName.get('nest-test.shout')).toMatchObject({ moduleName: 'ShoutRoutineModule', slots: ['input'], events: [] });
    expect(byName.get('nest-test.tag')?.scope).toBe('transient');
  });

  it('should give each flow node its own instance of a transient routine, configured per node', async () => {
    const tags: FlowDefinition = {
      name: 'tags',
      routines: {
        first: { type: TagRoutine, config: { tag: 'a' } },
        second: { type: 'nest-test.tag', config: { tag: 'b' } },
        sink: ShoutRoutine,
      },
      connections: [{ from: ['first', 'out'], to: ['second', 'input'] }],
      setup: (flow) => flow.setExecutionStrategy('concurrent', 2),
    };
    const app = await boot([RoutiluxModule.forRoot({ flows: [tags] }), ShoutRoutineModule], [TagRoutine]);
    const flow = app.get<Flow>(getFlowToken('tags'));
    const first = flow.routines.get('first') as TagRoutine;
    const second = flow.routines.get('second') as TagRoutine;
    expect(first).toBeInstanceOf(TagRoutine);
    expect(second).toBeInstanceOf(TagRoutine);
    expect(first).not.toBe(second);
    expect([first.getConfig('tag'), second.getConfig('tag')]).toEqual(['a', 'b']);
    expect(flow.executionStrategy).toBe('concurrent');
    const job = await flow.execute('first', { n: 1 });
    expect(job.status).toBe('completed');
    expect(job.getExecutionHistory('second').find((r) => r.eventName === 'out')?.data).toEqual({ n: 1, a: true, b: true });
  });

  it('should refuse a singleton routine backing two flow nodes, and a routine no module provides', async () => {
    const twice: FlowDefinition = { name: 'twice', routines: { a: ShoutRoutine, b: ShoutRoutine } };
    const init = Test.createTestingModule({ imports: [RoutiluxModule.forRoot({ flows: [twice] }), ShoutRoutineModule] }).compile().then((m) => m.init());
    await expect(init).rejects.toMatchObject({ code: 'INVALID_DEFINITION' });

    const missing: FlowDefinition = { name: 'missing', routines: { greet: GreetRoutine } };
    const init2 = Test.createTestingModule({ imports: [RoutiluxModule.forRoot({ flows: [missing] })] }).compile().then((m) => m.init());
    await expect(init2).rejects.toMatchObject({ code: 'INVALID_DEFINITION' });

    const unknown: FlowDefinition = { name: 'unknown', routines: { x: 'nest-test.no-such-type' } };
    const init3 = Test.createTestingModule({ imports: [RoutiluxModule.forRoot({ flows: [unknown] })] }).compile().then((m) => m.init());
    await expect(init3).rejects.toMatchObject({ code: 'UNKNOWN_ROUTINE_TYPE' });
  });

  it('should configure the runtime from forRootAsync with injected providers', async () => {
    const SETTINGS = Symbol('SETTINGS');
    @Module({ providers: [{ provide: SETTINGS, useValue: { workers: 3 } }], exports: [SETTINGS] })
    class SettingsModule {}
    const registry = new FlowRegistry();
    const app = await boot([
      RoutiluxModule.forRootAsync({
        imports: [SettingsModule],
        inject: [SETTINGS],
        useFactory: async (settings: { workers: number }) => ({ concurrency: settings.workers, registry }),
        flows: [greetFlow],
      }),
      GreetRoutineModule,
      ShoutRoutineModule,
    ]);
    expect(app.get(Runtime).concurrency).toBe(3);
    expect(app.get(FlowRegistry)).toBe(registry);
    expect(registry.getByName('greetings')).toBe(app.get(getFlowToken('greetings')));
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    expect(registry.getByName('greetings')).toBeUndefined(); // a shared registry is left clean
  });

  it('should reject bad options with typed errors', async () => {
    expect(codeOf(catchSync(() => RoutiluxModule.forRoot({ concurency: 2 } as never)))).toBe('INVALID_ARGUMENT');
    expect(codeOf(catchSync(() => RoutiluxModule.forRoot({ shutdown: { drainTimeout: -1 } })))).toBe('INVALID_ARGUMENT');
    expect(codeOf(catchSync(() => RoutiluxModule.forRoot({ flows: [{ name: 'x', routines: {} }] })))).toBe('INVALID_DEFINITION');
    expect(codeOf(catchSync(() => RoutiluxModule.forFeature({ flows: [] })))).toBe('INVALID_ARGUMENT');
    expect(codeOf(catchSync(() => RoutiluxModule.forFeature({ flows: [greetFlow, greetFlow] })))).toBe('INVALID_ARGUMENT');
    expect(codeOf(catchSync(() => InjectFlow('')))).toBe('INVALID_ARGUMENT');
    const init = Test.createTestingModule({ imports: [RoutiluxModule.forRootAsync({ useFactory: () => ({ registry: {} }) as never })] }).compile();
    await expect(init).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const init2 = Test.createTestingModule({ imports: [RoutiluxModule.forRoot({ concurrency: 0 })] }).compile();
    await expect(init2).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('RoutiluxModule shutdown', () => {
  const holdFlow: FlowDefinition = { name: 'hold', routines: { hold: HoldRoutine } };

  async function holdApp(gate: Gate, drainTimeout: number): Promise<INestApplicationContext> {
    const moduleRef = await Test.createTestingModule({
      imports: [RoutiluxModule.forRoot({ flows: [holdFlow], shutdown: { drainTimeout, grace: 0 } })],
      providers: [HoldRoutine, { provide: HOLD_GATE, useValue: gate }],
    }).compile();
    moduleRef.enableShutdownHooks();
    await moduleRef.init();
    return moduleRef;
  }

  it('should let running jobs finish while the application closes', async () => {
    const gate = new Gate();
    const app = await holdApp(gate, 60_000);
    const runtime = app.get(Runtime);
    const viaRuntime = runtime.exec('hold');
    const viaFlow = app.get<Flow>(getFlowToken('hold')).start('hold', {});
    await gate.whenWaiting(2);
    const closed = app.close();
    let done = false;
    void closed.then(() => (done = true));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(done).toBe(false); // the close waits for the held jobs
    expect(() => runtime.exec('hold')).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    gate.open();
    await closed;
    expect([viaRuntime.status, viaFlow.status]).toEqual(['completed', 'completed']);
    expect([viaRuntime.getSharedData('released'), viaFlow.getSharedData('released')]).toEqual([true, true]);
    expect(app.get(FlowRegistry).getByName('hold')).toBeUndefined();
  });

  it('should cancel jobs still running after the drain timeout, leaving none running', async () => {
    const gate = new Gate();
    const app = await holdApp(gate, 0);
    const runtime = app.get(Runtime);
    const jobs = [runtime.exec('hold'), runtime.exec('hold'), app.get<Flow>(getFlowToken('hold')).start('hold', {})];
    await gate.whenWaiting(3);
    await app.close();
    expect(jobs.map((j) => j.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(jobs.map((j) => j.getSharedData('released'))).toEqual([false, false, false]);
    expect(runtime.listJobs('running')).toEqual([]);
  });
});

describe('JobScope', () => {
  let created = 0;

  @Injectable({ scope: Scope.REQUEST })
  class AuditTrail {
    readonly id = ++created;
    readonly entries: string[] = [];
    constructor(@Inject(JOB_REQUEST) readonly job: JobRequest) {}
  }

  @Routine({ name: 'nest-test.audited' })
  class AuditedRoutine extends RoutineBase {
    constructor(private readonly scope: JobScope) {
      super();
    }

    @Slot('trigger')
    async onTrigger(data: { step: string }, ctx: ExecutionContext): Promise<void> {
      const first = await this.scope.resolve(AuditTrail, ctx);
      const again = await this.scope.resolve(AuditTrail, ctx.jobState);
      first.entries.push(data.step);
      ctx.jobState.updateSharedData('audit', { id: first.id, same: first === again, jobId: first.job.jobId, flowId: first.job.flowId, entries: again.entries });
    }
  }

  it('should resolve request-scoped providers once per job, bound to that job', async () => {
    const flows: FlowDefinition[] = [{ name: 'audited', routines: { audited: AuditedRoutine } }];
    const app = await boot([RoutiluxModule.forRoot({ flows })], [AuditedRoutine, AuditTrail]);
    const runtime = app.get(Runtime);
    const a = runtime.exec('audited', { entryParams: { step: 'a' } });
    const b = runtime.exec('audited', { entryParams: { step: 'b' } });
    await runtime.waitUntilAllJobsFinished();
    const auditA = a.getSharedData<{ id: number; same: boolean; jobId: string; flowId: string; entries: string[] }>('audit')!;
    const auditB = b.getSharedData<{ id: number; same: boolean; jobId: string; entries: string[] }>('audit')!;
    expect(auditA).toMatchObject({ same: true, jobId: a.jobId, flowId: 'audited', entries: ['a'] });
    expect(auditB).toMatchObject({ same: true, jobId: b.jobId, entries: ['b'] });
    expect(auditA.id).not.toBe(auditB.id);
    await expect(app.get(JobScope).resolve(AuditTrail, {} as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('should refuse a routine that injects a request-scoped provider, pointing at JobScope', async () => {
    @Routine({ name: 'nest-test.request-bound' })
    class RequestBound extends RoutineBase {
      constructor(readonly audit: AuditTrail) {
        super();
      }
    }
    const init = Test.createTestingModule({ imports: [RoutiluxModule.forRoot()], providers: [RequestBound, AuditTrail] }).compile().then((m) => m.init());
    await expect(init).rejects.toMatchObject({ code: 'INVALID_DEFINITION' });
    await expect(init).rejects.toThrow(/JobScope/);
  });
});

describe('RoutiluxExplorer.createRoutine', () => {
  it('should create routine instances from Nest for flows built by hand', async () => {
    const app = await boot([RoutiluxModule.forRoot(), GreetRoutineModule, ShoutRoutineModule], [TagRoutine]);
    const explorer = app.get(RoutiluxExplorer);
    const flow = new Flow();
    flow.addRoutine(await explorer.createRoutine(GreetRoutine), 'greet');
    flow.addRoutine(await explorer.createRoutine('nest-test.shout'), 'shout');
    const t1 = await explorer.createRoutine(TagRoutine);
    const t2 = await explorer.createRoutine(TagRoutine);
    expect(t1).not.toBe(t2);
    flow.connect('greet', 'greeted', 'shout', 'input');
    flow.setErrorHandler(new ErrorHandler({ strategy: 'continue' }));
    const job = await flow.execute('greet', { name: 'by hand' });
    expect(job.sharedLog.map((e) => e['line'])).toEqual(['HELLO BY HAND']);
    await expect(explorer.createRoutine(GreetRoutine)).rejects.toMatchObject({ code: 'INVALID_DEFINITION' }); // the singleton is taken
  });
});

function catchSync(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
