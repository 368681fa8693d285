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
  type ErrorHandler,
  type JsonValue,
  type RoutineClass,
} from '../index.js';
import { FlowTestRun, assertCapturable } from './flow-test-run.js';
import { driveToEnd } from './drive.js';
import { TestClock } from './test-clock.js';

/** Options of {@link RoutineTester.create}. */
export interface RoutineTesterOptions {
  /** Services the routine class injects (stubs and fakes). Only for a class. @default [] */
  readonly providers?: readonly AppProvider[];
  /** Passed to `setConfig` before the first send. */
  readonly config?: Readonly<Record<string, JsonValue>>;
  /** The routine's error handler. */
  readonly errorHandler?: ErrorHandler;
  /** The clock of the one-routine flow. @default a new TestClock */
  readonly clock?: TestClock;
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
export class RoutineTester<R extends RoutineBase = RoutineBase> {
  /** The id of the routine in its one-routine flow (its type name or class name). */
  readonly routineId: string;

  private constructor(
    /** The routine under test. */
    readonly routine: R,
    /** The one-routine flow it runs in. */
    readonly flow: Flow,
    /** The flow's clock. */
    readonly clock: TestClock,
    private readonly app: RoutiluxApplication,
  ) {
    this.routineId = [...flow.routines.keys()][0]!;
    assertCapturable(flow);
  }

  /** A tester for a routine instance, or for a class resolved with `providers` injected. */
  static create<R extends RoutineBase>(routine: R | RoutineClass<R>, options: RoutineTesterOptions = {}): RoutineTester<R> {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutineTester options must be an object.');
    if (options.clock !== undefined && !(options.clock instanceof TestClock)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutineTester clock must be a TestClock.');
    const isClass = typeof routine === 'function';
    if (isClass ? !(routine.prototype instanceof RoutineBase) : !(routine instanceof RoutineBase)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutineTester.create expects a RoutineBase instance or subclass.');
    }
    if (!isClass && options.providers !== undefined && options.providers.length > 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutineTester: providers are injected when the tester creates the routine; pass the class instead of an instance.');
    }
    const clock = options.clock ?? new TestClock();
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

  /** Delivers `payload` to `slot` in a new job and resolves when the job stops running. Unknown slot → `UNKNOWN_SLOT`. */
  async send(slot: string, payload: Record<string, unknown> = {}, options: SendOptions = {}): Promise<FlowTestRun> {
    const job: JobState = this.app.runtime.post(FLOW_NAME, this.routineId, slot, payload);
    await driveToEnd(this.flow, job, options.advanceTime === true ? this.clock : undefined);
    return new FlowTestRun(job);
  }

  /** Stops the tester: running jobs are cancelled at once. */
  async close(): Promise<void> {
    await this.app.runtime.shutdown({ drainTimeout: 0, grace: 0 });
    await this.app.close();
  }
}
