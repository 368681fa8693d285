import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError, ExecutionError, InvalidArgumentError } from '../errors/routilux-error.js';
import { immediatePolicy, type PolicyDecision, type PolicyMessage, type SlotData } from '../policies/activation-policy.js';
import { DEFAULT_MAX_QUEUE_LENGTH } from '../routine/definitions.js';
import { runInContext } from './context-store.js';
import type { FlowPlan, PlanNode, PlanSlot } from './flow-plan.js';
import { Task, type ActivationSession, type TaskRun } from './task.js';
import type { JobWriter } from '../state/job-writer.js';

/** @internal what the policy engine needs from the run of its job (`JobRun` implements it). */
export interface PolicyRun extends TaskRun {
  readonly plan: FlowPlan;
  /** Enqueues a task counted as pending work. */
  enqueueTask(task: Task): void;
  /** A dispatched task failed before its activation started: the routine's error strategy applies. */
  failTask(task: Task, error: unknown): void;
  /** A delivery that could not be queued: the target routine's error strategy applies. */
  failDelivery(task: Task, error: Error): void;
  /** A dispatched task that turned out to have nothing to run. */
  finishTask(): void;
  /** Adjusts the pending count for work outside the lane. */
  addPending(delta: number): void;
  /** Completes the job if nothing is pending. */
  checkSettled(): void;
}

const IMMEDIATE = immediatePolicy();
const FIRST_ATTEMPT = Task.bitsOf(1, false, false);
const FIRST_ATTEMPT_MERGED = Task.bitsOf(1, true, false);
const NO_DATA: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
const NO_QUEUES: Queues = Object.freeze({});

type Queues = Readonly<Record<string, readonly Record<string, unknown>[]>>;

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** @internal the input of one logic activation, as carried by its task. */
export interface LogicInput {
  readonly slotData: SlotData;
  readonly message: PolicyMessage;
}

function callLogic(ctx: Task, input: Record<string, unknown>): unknown {
  const { slotData, message } = input as unknown as LogicInput;
  return ctx.node.logic!.call(ctx.node.routine, slotData, message, ctx.jobState);
}

/** @internal runs a routine's logic as one activation, with `ctx` as the ambient context. */
export function runLogic(ctx: Task, input: Record<string, unknown>): unknown {
  return runInContext(ctx, callLogic, ctx, input);
}

/**
 * @internal Activation policies of one job. Deliveries to a logic routine land in the
 * job's slot queues (plain data in the JobState); one coalesced "evaluate" task per
 * routine asks the effective policy (job override > routine policy > immediate) whether
 * to activate and what to consume. Queued data is not pending work: only queued
 * evaluations, running logic and armed interval timers keep the job running.
 */
export class PolicyEngine {
  private readonly evalQueued: boolean[] = [];
  private readonly timers = new Map<number, unknown>();
  private readonly slotNames: (readonly string[] | undefined)[] = [];

  /** The one way this engine changes its job. */
  private readonly w: JobWriter;

  constructor(private readonly run: PolicyRun) {
    this.w = run.state.writer;
  }

  /** Throws QUEUE_FULL when the slot queue cannot take one more payload (used by `post`). */
  assertRoom(slot: PlanSlot): void {
    const error = this.overflow(slot);
    if (error !== undefined) throw error;
  }

  /** A delivery to a logic routine's slot: queue it, or fail it through the routine's error strategy when the queue is full. */
  accept(task: Task): void {
    const slot = task.slot;
    const error = this.overflow(slot);
    if (error !== undefined) {
      this.run.failDelivery(task, error);
      return;
    }
    this.queuesOf(slot.node, true);
    this.w.pushSlotData(slot.node.id, slot.name, task.ownData());
    this.schedule(slot.node);
  }

  /** Enqueues one evaluation of `node` unless one is queued or an interval timer will do it. */
  schedule(node: PlanNode): void {
    const i = node.index;
    if (this.evalQueued[i] === true || this.timers.has(i) || this.w.status !== 'running') return;
    this.evalQueued[i] = true;
    this.run.enqueueTask(new Task(this.run, node.evaluateSlot!, NO_DATA, this.w.takeTaskSeq(), FIRST_ATTEMPT));
  }

  /** Runs an evaluation task: asks the policy, then runs the logic as one activation or waits. */
  evaluate(task: Task, session: ActivationSession): boolean {
    const run = this.run;
    const state = run.state;
    const node = task.slot.node;
    if (task.attempt === 1) this.evalQueued[node.index] = false;
    const queues = this.queuesOf(node, false);
    const names = this.namesOf(node);
    const w = this.w;
    const policy = state.getRoutineActivationPolicy(node.id) ?? node.policy ?? IMMEDIATE;
    let decision: PolicyDecision;
    try {
      decision = policy.decide({ queues, slotNames: names, jobState: state, routineId: node.id, now: run.clock.now(), lastActivationAt: w.lastActivationOf(node.id) });
    } catch (err) {
      run.failTask(task, err);
      return false;
    }
    if (decision.kind === 'activate') {
      const slotData = this.consume(node, queues, names, decision.take);
      w.setLastActivation(node.id, run.clock.now());
      if (this.hasData(queues, names)) this.schedule(node);
      const input: LogicInput = { slotData, message: decision.message };
      return run.runTask(new Task(run, node.logicSlot!, input as unknown as Record<string, unknown>, task.seq, FIRST_ATTEMPT_MERGED), session);
    }
    if (decision.kind === 'capture') {
      w.captureDebug(node.id, this.consume(node, queues, names, 'all'));
    } else if (decision.recheckAfter !== undefined) {
      this.arm(node, decision.recheckAfter);
    }
    run.finishTask();
    return false;
  }

  /** Pause: interval timers stop (queued evaluations are dropped by the run; resume re-evaluates). */
  onPause(): void {
    this.clearTimers();
    this.evalQueued.length = 0;
  }

  /** Resume: every logic routine with queued data is evaluated again. */
  onResume(): void {
    for (const node of this.run.plan.nodes.values()) {
      if (node.logic !== undefined && this.hasData(this.queuesOf(node, false), this.namesOf(node))) this.schedule(node);
    }
  }

  /** The job ended: timers go (the run resets its pending count itself). */
  onTerminate(): void {
    for (const handle of this.timers.values()) this.run.clock.clearTimeout(handle);
    this.timers.clear();
  }

  /** A job override changed: check its target, then re-evaluate that routine's queued data now. */
  onPolicyOverride(routineId: string): void {
    const node = this.run.plan.nodes.get(routineId);
    if (node === undefined) {
      throw new DefinitionError(ErrorCode.UNKNOWN_ROUTINE, `setRoutineActivationPolicy: routine "${routineId}" is not in flow ${this.run.flow.flowId}.`, { details: { routineId } });
    }
    if (node.logic === undefined) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `setRoutineActivationPolicy: routine "${routineId}" has no logic, so a policy has nothing to activate; give it one with setLogic or @Logic.`, {
        details: { routineId },
      });
    }
    if (this.w.status !== 'running') return;
    const handle = this.timers.get(node.index);
    if (handle !== undefined) {
      this.run.clock.clearTimeout(handle);
      this.timers.delete(node.index);
      this.run.addPending(-1);
    }
    if (this.hasData(this.queuesOf(node, false), this.namesOf(node))) this.schedule(node);
    else this.run.checkSettled();
  }

  private overflow(slot: PlanSlot): ExecutionError | undefined {
    const limit = slot.node.routine.slots.get(slot.name)?.maxQueueLength ?? DEFAULT_MAX_QUEUE_LENGTH;
    const queue = own(this.queuesOf(slot.node, false), slot.name);
    if (queue === undefined || queue.length < limit) return undefined;
    return new ExecutionError(
      ErrorCode.QUEUE_FULL,
      `Slot queue "${slot.node.id}.${slot.name}" of job ${this.run.state.jobId} is full (${limit} payloads waiting); raise maxQueueLength, choose a policy that consumes sooner, or slow the producer.`,
      { details: { routineId: slot.node.id, slot: slot.name, maxQueueLength: limit, jobId: this.run.state.jobId } },
    );
  }

  private arm(node: PlanNode, ms: number): void {
    if (this.timers.has(node.index)) return;
    const run = this.run;
    run.addPending(1);
    const handle = run.clock.setTimeout(() => {
      this.timers.delete(node.index);
      run.addPending(-1);
      this.schedule(node);
      run.checkSettled();
    }, ms);
    this.timers.set(node.index, handle);
  }

  private clearTimers(): void {
    for (const handle of this.timers.values()) {
      this.run.clock.clearTimeout(handle);
      this.run.addPending(-1);
    }
    this.timers.clear();
  }

  private queuesOf(node: PlanNode, create: boolean): Queues {
    if (create) return this.w.ensureSlotQueues(node.id, this.namesOf(node));
    return this.w.liveSlotQueues(node.id) ?? NO_QUEUES;
  }

  private namesOf(node: PlanNode): readonly string[] {
    let names = this.slotNames[node.index];
    if (names === undefined) {
      names = Object.freeze([...node.slots.keys()]);
      this.slotNames[node.index] = names;
    }
    return names;
  }

  private hasData(queues: Queues, names: readonly string[]): boolean {
    for (const name of names) if ((own(queues, name)?.length ?? 0) > 0) return true;
    return false;
  }

  private consume(node: PlanNode, queues: Queues, names: readonly string[], take: 'all' | Readonly<Record<string, number>>): Record<string, Record<string, unknown>[]> {
    const out: Record<string, Record<string, unknown>[]> = {};
    for (const name of names) {
      const queue = own(queues, name);
      const n = queue === undefined ? 0 : take === 'all' ? queue.length : Math.min(own(take, name) ?? 0, queue.length);
      out[name] = n === 0 ? [] : this.w.takeSlotData(node.id, name, n);
    }
    return out;
  }
}
