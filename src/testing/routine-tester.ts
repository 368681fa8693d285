import {
  ErrorCode,
  Flow,
  InvalidArgumentError,
  JobState,
  RoutineBase,
  RoutiluxApplication,
  defineModule,
  findRoutineMetadata,
  type AppProvider,
  type AppToken,
  type Clock,
  type ErrorHandler,
  type JsonValue,
  type RoutineClass,
} from '../index.js';
import { FlowTestRun, assertCapturable } from './flow-test-run.js';
import { driveToEnd } from './drive.js';
import { TestClock } from './test-clock.js';

/** Options of {@link RoutineTester.create}. */
export interface RoutineTesterOptions<C extends Clock = TestClock> {
  /** Services the routine class injects (stubs and fakes). Only for a class. @default [] */
  readonly providers?: readonly AppProvider[];
  /** Passed to `setConfig` before the first send. */
  readonly config?: Readonly<Record<string, JsonValue>>;
  /** The routine's error handler. */
  readonly errorHandler?: ErrorHandler;
  /**
   * The clock of the one-routine flow: a {@link TestClock} (time moves only when the test
   * moves it, or with `send(…, { advanceTime: true })`), or any other `Clock`, such as
   * `systemClock` from `routilux`, for a routine that retries or waits on real time.
   * @default a new TestClock
   */
  readonly clock?: C;
}

/** Options of {@link RoutineTester.send}. */
export interface SendOptions {
  /** Skip time on the tester's clock while the job runs (see FlowTestHarness). @default false */
  readonly advanceTime?: boolean;
}

const FLOW_NAME = 'routine-under-test';

/**
 * Tests one routine's slots in isolation: each `send(slot, payload)` runs a new job of a
 * one-routine flow that delivers `payload` to that slot (any slot, not only `trigger`), and
 * resolves with what happened ({@link FlowTestRun}: the routine's emits, outputs, failures).
 * Events go nowhere, so only the routine under test runs.
 *
 * @example
 * const tester = RoutineTester.create(PriceOrder, { providers: [{ provide: RATES, useValue: { EUR: 1 } }] });
 * const run = await tester.send('input', { amount: 10, currency: 'EUR' });
 * expect(run.emitsOf(tester.routineId, 'priced')).toEqual([{ total: 10 }]);
 */
export class RoutineTester<R extends RoutineBase = RoutineBase, C extends Clock = TestClock> {
  /** The id of the routine in its one-routine flow (its type name or class name). */
  readonly routineId: string;

  private constructor(
    /** The routine under test. */
    readonly routine: R,
    /** The one-routine flow it runs in. */
    readonly flow: Flow,
    /** The flow's clock (the one given in the options, else a new TestClock). */
    readonly clock: C,
    private readonly app: RoutiluxApplication,
  ) {
    this.routineId = [...flow.routines.keys()][0]!;
    assertCapturable(flow);
  }

  /** A tester for a routine instance, or for a class resolved with `providers` injected. */
  static create<R extends RoutineBase, C extends Clock = TestClock>(routine: R | RoutineClass<R>, options: RoutineTesterOptions<C> = {}): RoutineTester<R, C> {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutineTester options must be an object.');
    if (options.clock !== undefined && !isClock(options.clock)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutineTester clock must be a Clock ({ now, monotonic, setTimeout, clearTimeout }): a TestClock, or systemClock from routilux for real time.');
    }
    const isClass = typeof routine === 'function';
    if (isClass ? !(routine.prototype instanceof RoutineBase) : !(routine instanceof RoutineBase)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutineTester.create expects a RoutineBase instance or subclass.');
    }
    if (!isClass && options.providers !== undefined && options.providers.length > 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutineTester: providers are injected when the tester creates the routine; pass the class instead of an instance.');
    }
    const clock = (options.clock ?? new TestClock()) as C;
    const app = RoutiluxApplication.create({ modules: [defineModule({ name: 'routine-tester', providers: options.providers ?? [] })], concurrency: 1 });
    const instance = isClass ? app.resolve(routine as unknown as AppToken<R>) : routine;
    const flow = new Flow({ flowId: FLOW_NAME, clock, container: app.container, historyLimit: 100_000 });
    const ctor = instance.constructor as RoutineClass<RoutineBase>;
    flow.addRoutine(instance, findRoutineMetadata(ctor)?.name ?? (ctor.name || 'routine'));
    if (options.config !== undefined) instance.setConfig(options.config);
    if (options.errorHandler !== undefined) instance.setErrorHandler(options.errorHandler);
    app.registry.registerByName(FLOW_NAME, flow);
    return new RoutineTester(instance, flow, clock, app);
  }

  /**
   * Delivers `payload` to `slot` in a new job and resolves when the job stops running.
   * Unknown slot → `UNKNOWN_SLOT`; `advanceTime` with a clock that is not a TestClock →
   * `INVALID_ARGUMENT` (real time cannot be skipped).
   */
  async send(slot: string, payload: Record<string, unknown> = {}, options: SendOptions = {}): Promise<FlowTestRun> {
    const advance = options.advanceTime === true;
    const clock: Clock = this.clock;
    if (advance && !(clock instanceof TestClock)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutineTester.send: advanceTime skips time on a TestClock; this tester runs on another clock, so leave advanceTime off (real timers fire by themselves).');
    }
    const job: JobState = this.app.runtime.post(FLOW_NAME, this.routineId, slot, payload);
    await driveToEnd(this.flow, job, advance ? (clock as TestClock) : undefined);
    return new FlowTestRun(job);
  }

  /** Stops the tester: running jobs are cancelled at once. */
  async close(): Promise<void> {
    await this.app.runtime.shutdown({ drainTimeout: 0, grace: 0 });
    await this.app.close();
  }
}

function isClock(value: unknown): value is Clock {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return ['now', 'monotonic', 'setTimeout', 'clearTimeout'].every((m) => typeof c[m] === 'function');
}
