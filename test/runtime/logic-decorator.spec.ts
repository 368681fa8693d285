import { describe, expect, it } from 'vitest';
import {
  Event,
  Flow,
  Logic,
  Routine,
  RoutineBase,
  Slot,
  allSlotsReadyPolicy,
  batchSizePolicy,
  event,
  type JobState,
  type PolicyMessage,
  type SlotData,
} from '../../src/index.js';
import { FnRoutine } from '../fixtures/routines.js';
import { codeOf as definitionError } from '../helpers/errors.js';

@Routine({ name: 'test.runtime.pair' })
class Pair extends RoutineBase {
  @Event('pair')
  readonly pair = event<{ left: unknown; right: unknown }>();

  @Slot('trigger')
  onTrigger(data: { n: number }): void {
    for (let i = 0; i < data.n; i++) this.emit('pair', { left: i, right: -i });
  }
}

@Routine({ name: 'test.runtime.joiner' })
class Joiner extends RoutineBase {
  @Event('joined')
  readonly joined = event<{ sum: number; reason: unknown }>();

  @Logic({ slots: ['left', { name: 'right', maxQueueLength: 50 }], policy: allSlotsReadyPolicy() })
  join(slotData: SlotData, message: PolicyMessage, jobState: JobState): void {
    const l = slotData['left']![0]!['v'] as number;
    const r = slotData['right']![0]!['v'] as number;
    jobState.appendToSharedLog({ l, r });
    this.joined.emit({ sum: l + r, reason: message['reason'] });
  }
}

class Splitter extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('l');
    this.defineEvent('r');
    this.defineSlot('trigger', (d: { n: number }) => {
      for (let i = 1; i <= d.n; i++) this.emit('l', { v: i });
      for (let i = 1; i <= d.n; i++) this.emit('r', { v: 10 * i });
    });
  }
}

describe('@Logic', () => {
  it('declares handlerless slots, the logic method and its policy', () => {
    const j = new Joiner();
    expect([...j.slots.keys()]).toEqual(['left', 'right']);
    expect(j.slots.get('left')!.handler).toBeUndefined();
    expect(j.slots.get('right')!.maxQueueLength).toBe(50);
    expect(j.slots.get('left')!.maxQueueLength).toBe(1000);
    expect(j.getLogic()).toBe(Joiner.prototype.join);
    expect(j.getActivationPolicy()?.type).toBe('all_slots_ready');
    expect(new Pair().getLogic()).toBeUndefined();
  });

  it('runs the decorated logic as a join in a flow', async () => {
    const flow = new Flow();
    const sums: unknown[] = [];
    flow.addRoutine(new Splitter(), 'split');
    flow.addRoutine(Joiner, 'join');
    flow.addRoutine(new FnRoutine({ in: (d) => void sums.push(d) }), 'sink');
    flow.connect('split', 'l', 'join', 'left');
    flow.connect('split', 'r', 'join', 'right');
    flow.connect('join', 'joined', 'sink', 'in');
    expect(flow.validate().filter((i) => i.code === 'SLOT_WITHOUT_HANDLER')).toEqual([]); // logic slots need no handler
    const job = await flow.execute('split', { n: 3 });
    expect(job.status).toBe('completed');
    expect(sums).toEqual([
      { sum: 11, reason: 'all_slots_ready' },
      { sum: 22, reason: 'all_slots_ready' },
      { sum: 33, reason: 'all_slots_ready' },
    ]);
  });

  it('setLogic / setActivationPolicy on an instance win over the decorated ones', () => {
    const j = new Joiner();
    const logic = (): void => undefined;
    expect(j.setLogic(logic).setActivationPolicy(batchSizePolicy(2))).toBe(j);
    expect(j.getLogic()).toBe(logic);
    expect(j.getActivationPolicy()?.type).toBe('batch_size');
    j.setActivationPolicy(undefined);
    expect(j.getActivationPolicy()?.type).toBe('all_slots_ready');
  });

  it('misuse is a definition error at class definition', () => {
    expect(
      definitionError(() => {
        class Two extends RoutineBase {
          @Logic() a(): void {}
          @Logic() b(): void {}
        }
        return Two;
      }),
    ).toBe('INVALID_DEFINITION');
    expect(
      definitionError(() => {
        class Dup extends RoutineBase {
          @Slot('in') onIn(): void {}
          @Logic({ slots: ['in'] }) run(): void {}
        }
        return Dup;
      }),
    ).toBe('DUPLICATE_SLOT');
    expect(definitionError(() => Logic({ slots: ['a', 'a'] }))).toBe('DUPLICATE_SLOT');
    expect(definitionError(() => Logic({ policy: 'batch' as never }))).toBe('INVALID_DEFINITION');
    expect(definitionError(() => Logic({ slots: 'in' as never }))).toBe('INVALID_DEFINITION');
    expect(definitionError(() => Logic({ slots: [{ name: 'in', maxQueueLength: 0 }] }))).toBe('INVALID_DEFINITION');
    expect(definitionError(() => Logic({ slots: ['bad name'] }))).toBe('INVALID_ARGUMENT');
  });

  it('a defineSlot in the constructor may not reuse a slot name declared by @Logic', () => {
    class Clash extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('in');
      }
      @Logic({ slots: ['in'] }) run(): void {}
    }
    expect(definitionError(() => new Clash())).toBe('DUPLICATE_SLOT');
  });
});
