import { describe, expect, it } from 'vitest';
import {
  ConfigValidationError,
  DefinitionError,
  ErrorCode,
  ErrorHandler,
  ExecutionError,
  Flow,
  InvalidArgumentError,
  JobState,
  RegistryError,
  RoutineBase,
  RoutineRegistry,
  RoutiluxError,
  SerializationError,
  isRoutiluxError,
} from '../../../src/index.js';
import { FnRoutine } from '../../fixtures/routines.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('RoutiluxError', () => {
  it('should carry name, code, message, details and cause', () => {
    const cause = new Error('root');
    const e = new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'fix this', { cause, details: { what: 'x' } });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(RoutiluxError);
    expect(e.name).toBe('InvalidArgumentError');
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe('fix this');
    expect(e.details).toEqual({ what: 'x' });
    expect(e.cause).toBe(cause);
    expect(e.toJSON()).toEqual({ name: 'InvalidArgumentError', code: 'INVALID_ARGUMENT', message: 'fix this', details: { what: 'x' } });
    expect(new RoutiluxError(ErrorCode.QUEUE_FULL, 'm').details).toEqual({});
    expect('cause' in new RoutiluxError(ErrorCode.QUEUE_FULL, 'm')).toBe(false);
  });

  it('isRoutiluxError should recognise every subclass and nothing else', () => {
    for (const C of [InvalidArgumentError, DefinitionError, ConfigValidationError, ExecutionError, SerializationError, RegistryError]) {
      expect(isRoutiluxError(new C(ErrorCode.INVALID_STATE, 'x'))).toBe(true);
    }
    expect(isRoutiluxError(new Error('x'))).toBe(false);
    expect(isRoutiluxError({ code: 'INVALID_ARGUMENT' })).toBe(false);
    expect(isRoutiluxError(null)).toBe(false);
    expect(isRoutiluxError('INVALID_ARGUMENT')).toBe(false);
  });

  it('should list every code named by the contract', () => {
    const named = [
      'INVALID_ARGUMENT', 'DUPLICATE_ROUTINE_ID', 'DUPLICATE_SLOT', 'DUPLICATE_EVENT', 'UNKNOWN_ROUTINE', 'UNKNOWN_EVENT', 'UNKNOWN_SLOT',
      'MISSING_TRIGGER_SLOT', 'AMBIGUOUS_ENTRY', 'NO_EXECUTION_CONTEXT', 'FLOW_MISMATCH', 'EXECUTION_TIMEOUT', 'UNKNOWN_ROUTINE_TYPE',
      'UNSUPPORTED_VERSION', 'FORBIDDEN_KEY', 'INVALID_FORMAT', 'FILE_NOT_FOUND', 'DUPLICATE_FLOW_NAME', 'UNKNOWN_FLOW', 'QUEUE_FULL',
      'JOB_FINISHED', 'UNSERIALIZABLE_FUNCTION',
    ];
    for (const code of named) expect((ErrorCode as Record<string, string>)[code]).toBe(code);
  });

  it('errors thrown at public entry points should be routilux errors with a message', () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger() {} }, ['out']), 'a');
    const samples = [
      thrown(() => new Flow({ maxWorkers: 0 })),
      thrown(() => flow.addRoutine(new FnRoutine(), 'a')),
      thrown(() => flow.connect('a', 'out', 'zzz', 'in')),
      thrown(() => flow.start('zzz')),
      thrown(() => new ErrorHandler({ retryDelay: -1 })),
      thrown(() => new FnRoutine().emit('x')),
      thrown(() => RoutineRegistry.register('', class extends RoutineBase {})),
      thrown(() => new JobState('f').updateSharedData('__proto__', 1)),
      thrown(() => new FnRoutine().setConfig({ f: NaN })),
    ];
    for (const e of samples) {
      expect(isRoutiluxError(e)).toBe(true);
      expect((e as RoutiluxError).message.length).toBeGreaterThan(10);
    }
  });
});

describe('sync methods throw, async methods reject — never both', () => {
  it('promise-returning methods should reject instead of throwing on bad input', async () => {
    const flow = new Flow();
    const calls: (() => Promise<unknown>)[] = [
      () => flow.execute('missing'),
      () => flow.pause({} as never),
      () => flow.resume({} as never),
      () => flow.cancel({} as never),
      () => flow.shutdown({ drainTimeout: -1 }),
      () => JobState.waitForCompletion(flow, {} as never),
    ];
    for (const call of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = call())).not.toThrow();
      await expect(promise).rejects.toSatisfy(isRoutiluxError);
    }
  });
});
