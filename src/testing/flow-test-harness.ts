import {
  ErrorCode,
  Flow,
  InvalidArgumentError,
  RoutiluxApplication,
  defineFlow,
  defineModule,
  resolveRoutineType,
  type AppProvider,
  type AppToken,
  type ExecuteOptions,
  type FlowDefinition,
  type JobState,
  type RoutineBase,
  type RoutineClass,
} from '../index.js';
import { FlowTestRun, assertCapturable } from './flow-test-run.js';
import { driveToEnd } from './drive.js';
import { TestClock } from './test-clock.js';

/** Options of {@link FlowTestHarness.fromDefinition}. */
export interface FlowTestHarnessOptions {
  /** Services for the routines: stubs and fakes, registered like application providers. @default [] */
  readonly providers?: readonly AppProvider[];
  /** The flow's clock (unless the definition sets one). @default a new TestClock */
  readonly clock?: TestClock;
}

/** Options of {@link FlowTestHarness.run}. */
export interface HarnessRunOptions extends ExecuteOptions {
  /**
   * Skip time: whenever an event-loop turn passes with the job still running, the next
   * timer of the harness clock fires (retry backoffs, time-interval policies, the job
   * timeout). Stubs should then resolve without real I/O. @default false
   */
  readonly advanceTime?: boolean;
}

/** A started run: the job now, and the run once the job stops running. */
export interface StartedRun {
  readonly job: JobState;
  readonly finished: Promise<FlowTestRun>;
}

/**
 * Runs a flow in a test with stubbed services and reads back what happened: emits,
 * history, outputs and failures ({@link FlowTestRun}). Build it from a
 * {@link FlowDefinition} (routines are resolved with your stubs injected and the flow runs
 * on a {@link TestClock}) or wrap a flow you built.
 *
 * @example
 * const harness = FlowTestHarness.fromDefinition(ordersFlow, {
 *   providers: [{ provide: OrderRepository, useValue: fakeRepo }],
 * });
 * const run = await harness.run('intake', { orderId: 'o-1' }, { advanceTime: true });
 * expect(run.status).toBe('completed');
 * expect(run.emitsOf('pricing', 'priced')).toEqual([{ orderId: 'o-1', total: 42 }]);
 */
export class FlowTestHarness {
  private constructor(
    /** The flow under test. */
    readonly flow: Flow,
    /** The clock the flow runs on, when it is a TestClock. */
    readonly clock: TestClock | undefined,
    private readonly app: RoutiluxApplication | undefined,
  ) {
    assertCapturable(flow);
  }

  /** Builds the defined flow with `providers` injected into its routines, on `clock` (default: a new TestClock). */
  static fromDefinition(definition: FlowDefinition, options: FlowTestHarnessOptions = {}): FlowTestHarness {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'FlowTestHarness options must be an object { providers?, clock? }.');
    if (options.clock !== undefined && !(options.clock instanceof TestClock)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'FlowTestHarness clock must be a TestClock.');
    const def = defineFlow(definition);
    const given = def.options?.clock;
    const clock = given === undefined ? (options.clock ?? new TestClock()) : given instanceof TestClock ? given : undefined;
    const routines = new Set<RoutineClass<RoutineBase>>();
    for (const node of Object.values(def.routines)) routines.add(resolveRoutineType(typeof node === 'object' ? node.type : node));
    const withClock = clock === undefined || given !== undefined ? def : { ...def, options: { ...def.options, clock } };
    const app = RoutiluxApplication.create({
      modules: [defineModule({ name: 'flow-test-harness', providers: options.providers ?? [], routines: [...routines], flows: [withClock] })],
    });
    return new FlowTestHarness(app.getFlow(def.name), clock, app);
  }

  /** Wraps a flow you built (it keeps its own clock; time can be skipped only when that is a TestClock). */
  static forFlow(flow: Flow): FlowTestHarness {
    if (!(flow instanceof Flow)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'FlowTestHarness.forFlow expects a Flow.');
    return new FlowTestHarness(flow, flow.clock instanceof TestClock ? flow.clock : undefined, undefined);
  }

  /** A provider of the harness (e.g. the stub a test registered), for assertions. Only for harnesses built from a definition. */
  resolve<T>(token: AppToken<T>): T {
    if (this.app === undefined) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'This harness wraps a flow built by hand; it has no providers to resolve.');
    return this.app.resolve(token);
  }

  /** Runs one job from `entryRoutineId`'s trigger slot and resolves when it stops running. */
  run(entryRoutineId: string, entryParams: Record<string, unknown> = {}, options: HarnessRunOptions = {}): Promise<FlowTestRun> {
    try {
      return this.start(entryRoutineId, entryParams, options).finished;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Starts one job and returns at once, for tests that act while it runs (pause, cancel, advance the clock). */
  start(entryRoutineId: string, entryParams: Record<string, unknown> = {}, options: HarnessRunOptions = {}): StartedRun {
    const { advanceTime = false, ...execute } = options;
    if (advanceTime && this.clock === undefined) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'advanceTime needs the flow to run on a TestClock; build the harness with fromDefinition, or the flow with new Flow({ clock: new TestClock() }).');
    }
    const job = this.flow.start(entryRoutineId, entryParams, execute);
    const finished = driveToEnd(this.flow, job, advanceTime ? this.clock : undefined).then(() => new FlowTestRun(job));
    return { job, finished };
  }

  /** Shuts the flow (and the harness's container) down; running jobs are cancelled at once. */
  async close(): Promise<void> {
    await this.flow.shutdown({ drainTimeout: 0 });
    await this.app?.close();
  }
}
