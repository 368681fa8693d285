import { RoutineBase, type ActivationPolicy, type JobState, type PolicyMessage, type SlotData, type SlotOptions } from '../../src/index.js';
import type { Gate } from '../helpers/gate.js';

/** One recorded logic activation. */
export interface LogicCall {
  readonly jobId: string;
  readonly slotData: SlotData;
  readonly message: PolicyMessage;
}

/**
 * A logic routine for tests: the given slots (no handlers), an `out` event, and a logic
 * that records each activation (the recorder is a test spy, not run-time state).
 */
export class Recorder extends RoutineBase {
  readonly calls: LogicCall[] = [];
  constructor(slots: readonly string[], policy?: ActivationPolicy, slotOptions: SlotOptions = {}, onCall?: (self: Recorder, slotData: SlotData, jobState: JobState) => unknown) {
    super();
    for (const s of slots) this.defineSlot(s, undefined, slotOptions);
    this.defineEvent('out');
    this.setLogic((slotData, message, jobState) => {
      this.calls.push({ jobId: jobState.jobId, slotData, message });
      return onCall?.(this, slotData, jobState);
    });
    if (policy !== undefined) this.setActivationPolicy(policy);
  }

  /** The calls of one job, as plain slot → payloads records. */
  of(jobId: string): Record<string, unknown[]>[] {
    return this.calls.filter((c) => c.jobId === jobId).map((c) => ({ ...c.slotData }) as Record<string, unknown[]>);
  }
}

/** A routine whose trigger waits on a gate: keeps a job running while a test feeds it. */
export class Holder extends RoutineBase {
  constructor(gate: Gate) {
    super();
    this.defineSlot('trigger', async () => {
      await gate.wait();
    });
  }
}

export { expectCode, expectRejectCode } from '../helpers/errors.js';
