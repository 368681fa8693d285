import { describe, expect, it } from 'vitest';
import {
  ErrorHandler,
  Event,
  Flow,
  FlowRegistry,
  FunctionRegistry,
  JobState,
  Logic,
  Routine,
  RoutineBase,
  Runtime,
  Slot,
  defineFlow,
  event,
} from '../../src/index.js';
import { FnRoutine, collector } from '../fixtures/routines.js';
import { codeOf, codeOfAsync } from '../helpers/errors.js';

function flowWithJob(): { flow: Flow; job: JobState } {
  const flow = new Flow();
  flow.addRoutine(new FnRoutine({ trigger: () => new Promise<void>(() => {}) }), 'hang');
  return { flow, job: flow.start('hang', {}) };
}

describe('options objects are closed (api.md §5)', () => {
  it('an unknown key is INVALID_ARGUMENT in every options parameter', async () => {
    const { flow, job } = flowWithJob();
    expect(codeOf(() => flow.start('hang', {}, { timout: 50 } as never))).toBe('INVALID_ARGUMENT');
    expect(await codeOfAsync(flow.execute('hang', {}, { timout: 50 } as never))).toBe('INVALID_ARGUMENT');
    expect(await codeOfAsync(flow.cancel(job, '', { grac: 1 } as never))).toBe('INVALID_ARGUMENT');
    expect(await codeOfAsync(flow.shutdown({ drain: 1 } as never))).toBe('INVALID_ARGUMENT');
    expect(await codeOfAsync(JobState.waitForCompletion(flow, job, { timeot: 1 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new ErrorHandler({ maxRetry: 2 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new FnRoutine().setAsCritical({ maxRetry: 2 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new FnRoutine().defineSlot('s', undefined, { mege: 'append' } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new JobState('f', { histryLimit: 1 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => Flow.deserialize({ version: 1 }, { contaner: 1 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => FunctionRegistry.register('closed.options.fn', () => 1, { overide: true } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Flow({ limits: { maxPayload: 1 } } as never))).toBe('INVALID_ARGUMENT');
    const registry = new FlowRegistry();
    registry.registerByName('f', flow);
    expect(codeOf(() => new Runtime({ registry, concurrancy: 2 } as never))).toBe('INVALID_ARGUMENT');
    const runtime = new Runtime({ registry });
    expect(codeOf(() => runtime.exec('f', { entryRoutineId: 'hang', timout: 5 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => runtime.post('f', 'hang', 'trigger', {}, { job: 'x' } as never))).toBe('INVALID_ARGUMENT');
    expect(await codeOfAsync(runtime.shutdown({ grce: 1 } as never))).toBe('INVALID_ARGUMENT');
    await runtime.shutdown({ drainTimeout: 0, grace: 0 });
    await flow.cancel(job, '', { grace: 0 });
  });

  it('a key whose value is undefined counts as absent', async () => {
    const flow = new Flow({ flowId: undefined, limits: { maxPayloadBytes: undefined } });
    flow.addRoutine(collector([]), 'sink');
    const job = await flow.execute('sink', {}, { timeout: undefined, timout: undefined } as never);
    expect(job.status).toBe('completed');
    expect(new ErrorHandler({ strategy: 'retry', maxRetry: undefined } as never).maxRetries).toBe(3);
    expect(codeOf(() => new FnRoutine().defineSlot('s', undefined, { merge: undefined, mege: undefined } as never))).toBeUndefined();
  });

  it('an unknown decorator option is INVALID_DEFINITION when the class is defined', () => {
    expect(
      codeOf(() => {
        @Routine({ nmae: 'typo' } as never)
        class R1 extends RoutineBase {}
        return R1;
      }),
    ).toBe('INVALID_DEFINITION');
    expect(
      codeOf(() => {
        class R2 extends RoutineBase {
          @Slot('in', { mege: 'append' } as never)
          onIn(): void {}
        }
        return R2;
      }),
    ).toBe('INVALID_DEFINITION');
    expect(
      codeOf(() => {
        class R3 extends RoutineBase {
          @Event('out', { param: ['x'] } as never)
          readonly out = event();
        }
        return R3;
      }),
    ).toBe('INVALID_DEFINITION');
    expect(
      codeOf(() => {
        class R4 extends RoutineBase {
          @Logic({ slot: ['a'] } as never)
          run(): void {}
        }
        return R4;
      }),
    ).toBe('INVALID_DEFINITION');
    expect(
      codeOf(() => {
        class R5 extends RoutineBase {
          @Logic({ slots: [{ name: 'a', maxQueue: 3 }] } as never)
          run(): void {}
        }
        return R5;
      }),
    ).toBe('INVALID_DEFINITION');
  });
});

describe('defineFlow checks connection endpoints at definition time', () => {
  it('a connection to or from an undeclared routine is INVALID_DEFINITION', () => {
    const routines = { a: FnRoutine, b: FnRoutine };
    expect(codeOf(() => defineFlow({ name: 'dangling-to', routines, connections: [{ from: ['a', 'out'], to: ['c', 'in'] }] }))).toBe('INVALID_DEFINITION');
    expect(codeOf(() => defineFlow({ name: 'dangling-from', routines, connections: [{ from: ['x', 'out'], to: ['b', 'in'] }] }))).toBe('INVALID_DEFINITION');
    expect(codeOf(() => defineFlow({ name: 'fine', routines, connections: [{ from: ['a', 'out'], to: ['b', 'in'] }] }))).toBeUndefined();
  });
});
