import { AsyncLocalStorage } from 'node:async_hooks';
import type { ExecutionContext } from '../routine/execution-context.js';

// The ambient activation context, behind `routine.emit()` and `getExecutionContext()`.
// AsyncLocalStorage carries it across awaits and into callbacks a handler schedules;
// `current` answers during the synchronous part of a handler without an async lookup.
// Dispatch starts with an empty store (see `outsideContext`), so no context leaks from the
// code that triggered a dispatch into the handlers it runs.
const storage = new AsyncLocalStorage<ExecutionContext>();
let current: ExecutionContext | undefined;

/** @internal the activation running now, if any. */
export function currentContext(): ExecutionContext | undefined {
  return current ?? storage.getStore();
}

/** @internal runs `fn(a, b)` with `ctx` as the ambient context (also across awaits). */
export function runInContext<A, B, R>(ctx: ExecutionContext, fn: (a: A, b: B) => R, a: A, b: B): R {
  return storage.run(ctx, fn, a, b);
}

/**
 * @internal calls a slot handler on `self` with `ctx` as the ambient context. The store is
 * entered (not run-and-restored): dispatch loops only ever execute inside their own
 * microtask or promise continuation, every activation enters its own context before its
 * handler runs, and whatever the handler schedules (awaits, timers, promise callbacks)
 * inherits that context. `current` makes the synchronous part cheaper still.
 */
export function runHandler(ctx: ExecutionContext, handler: Function, self: object, data: unknown): unknown {
  storage.enterWith(ctx);
  current = ctx;
  try {
    return handler.call(self, data, ctx);
  } finally {
    current = undefined;
  }
}

/** @internal runs `fn` with no ambient context (dispatch loops start from here). */
export function outsideContext(fn: () => void): void {
  // run(undefined) rather than exit(): on Node 20, exit() disables and re-enables the
  // storage, which reinstalls the process-wide promise hooks on every call.
  storage.run(undefined as unknown as ExecutionContext, fn);
}

/** @internal the activation object behind an ExecutionContext. */
export interface ActiveContext extends ExecutionContext {
  /** Emits `eventName` of `routine` within this activation's job. */
  emitFrom(routine: object, eventName: string, data: unknown): void;
}
