import { describe, expect, it } from 'vitest';
import { ErrorHandler, ExecutionError } from '../../src/index.js';
import { decideFailure, errorCode } from '../../src/runtime/error-policy.js';

const boom = new Error('boom');

describe('decideFailure', () => {
  it('stops without a handler and with STOP', () => {
    expect(decideFailure(undefined, 1, boom)).toEqual({ kind: 'stop' });
    expect(decideFailure(new ErrorHandler({ strategy: 'stop' }), 1, boom)).toEqual({ kind: 'stop' });
  });

  it('goes on with CONTINUE and SKIP, marking the routine', () => {
    expect(decideFailure(new ErrorHandler({ strategy: 'continue' }), 1, boom)).toEqual({ kind: 'continue', status: 'error_continued' });
    expect(decideFailure(new ErrorHandler({ strategy: 'skip' }), 3, boom)).toEqual({ kind: 'continue', status: 'skipped' });
  });

  it('retries with backoff while attempts are left, then stops (critical) or marks the routine failed', () => {
    const critical = new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 100, retryBackoff: 3 });
    expect(decideFailure(critical, 1, boom)).toEqual({ kind: 'retry', delay: 100 });
    expect(decideFailure(critical, 2, boom)).toEqual({ kind: 'retry', delay: 300 });
    expect(decideFailure(critical, 3, boom)).toEqual({ kind: 'stop' });
    const optional = new ErrorHandler({ strategy: 'retry', maxRetries: 1, isCritical: false });
    expect(decideFailure(optional, 2, boom)).toEqual({ kind: 'continue', status: 'failed' });
  });

  it('does not retry an error the retryable predicate refuses, or when the predicate throws', () => {
    const refuses = new ErrorHandler({ strategy: 'retry', retryable: (e) => e.message !== 'boom' });
    expect(decideFailure(refuses, 1, boom)).toEqual({ kind: 'stop' });
    const throws = new ErrorHandler({ strategy: 'retry', isCritical: false, retryable: () => { throw new Error('bad predicate'); } });
    expect(decideFailure(throws, 1, boom)).toEqual({ kind: 'continue', status: 'failed' });
  });
});

describe('errorCode', () => {
  it('uses a RoutiluxError code, a short string code, else ROUTINE_FAILED', () => {
    expect(errorCode(new ExecutionError('JOB_CANCELLED', 'x'))).toBe('JOB_CANCELLED');
    expect(errorCode(Object.assign(new Error('x'), { code: 'E_DISK' }))).toBe('E_DISK');
    expect(errorCode(Object.assign(new Error('x'), { code: 'x'.repeat(65) }))).toBe('ROUTINE_FAILED');
    expect(errorCode(Object.assign(new Error('x'), { code: 7 }))).toBe('ROUTINE_FAILED');
  });
});
