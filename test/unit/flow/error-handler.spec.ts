import { describe, expect, it } from 'vitest';
import { ErrorHandler, ErrorStrategy, FunctionRegistry } from '../../../src/index.js';
import { codeOf } from '../../helpers/errors.js';

describe('ErrorHandler', () => {
  it('should expose the strategy values', () => {
    expect(ErrorStrategy).toEqual({ STOP: 'stop', CONTINUE: 'continue', RETRY: 'retry', SKIP: 'skip' });
  });

  it('should apply the documented defaults', () => {
    expect(new ErrorHandler()).toMatchObject({ strategy: 'stop', maxRetries: 3, retryDelay: 1000, retryBackoff: 2, isCritical: true, retryable: undefined });
  });

  it('should compute delays as retryDelay * retryBackoff^(n-1)', () => {
    const h = new ErrorHandler({ strategy: 'retry', retryDelay: 100, retryBackoff: 3 });
    expect([1, 2, 3, 4].map((n) => h.delayFor(n))).toEqual([100, 300, 900, 2700]);
    expect(new ErrorHandler({ retryDelay: 50, retryBackoff: 1 }).delayFor(5)).toBe(50);
  });

  it('should reject invalid numbers and options with INVALID_ARGUMENT', () => {
    const bad: unknown[] = [
      { maxRetries: -1 },
      { maxRetries: 1.5 },
      { maxRetries: NaN },
      { maxRetries: '3' },
      { retryDelay: -1 },
      { retryDelay: Infinity },
      { retryDelay: NaN },
      { retryBackoff: 0.5 },
      { retryBackoff: 0 },
      { retryBackoff: NaN },
      { strategy: 'explode' },
      { strategy: 5 },
      { isCritical: 'yes' },
      { retryable: 5 },
      null,
    ];
    for (const o of bad) expect(codeOf(() => new ErrorHandler(o as never)), JSON.stringify(o)).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new ErrorHandler({ retryable: 'test.not.registered' }))).toBe('UNKNOWN_FUNCTION');
  });

  it('should be immutable', () => {
    const h = new ErrorHandler({ strategy: 'retry' });
    expect(Object.isFrozen(h)).toBe(true);
  });

  it('canRetry should use the predicate; a throwing predicate means no', () => {
    const onlyTransient = new ErrorHandler({ strategy: 'retry', retryable: (e) => e.message.startsWith('transient') });
    expect(onlyTransient.canRetry(new Error('transient: net'))).toBe(true);
    expect(onlyTransient.canRetry(new Error('fatal'))).toBe(false);
    const throwing = new ErrorHandler({
      strategy: 'retry',
      retryable: () => {
        throw new Error('oops');
      },
    });
    expect(throwing.canRetry(new Error('x'))).toBe(false);
    expect(new ErrorHandler({ strategy: 'retry' }).canRetry(new Error('x'))).toBe(true);
  });

  it('should resolve a retryable predicate by registered name', () => {
    const fn = (e: Error): boolean => e.message === 'again';
    FunctionRegistry.register('test.eh.retryable', fn);
    const h = new ErrorHandler({ strategy: 'retry', retryable: 'test.eh.retryable' });
    expect(h.retryable).toBe(fn);
    expect(h.retryableName).toBe('test.eh.retryable');
    expect(h.canRetry(new Error('again'))).toBe(true);
    expect(new ErrorHandler({ retryable: fn }).retryableName).toBe('test.eh.retryable');
    FunctionRegistry.unregister('test.eh.retryable');
  });
});
