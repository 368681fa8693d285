import { AsyncLocalStorage, executionAsyncResource } from 'node:async_hooks';
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

/** @internal the activation whose synchronous part is running now (not one awaiting), if any. */
export function syncContext(): ExecutionContext | undefined {
  return current;
}

/** @internal runs `fn(a, b)` with `ctx` as the ambient context (also across awaits). */
export function runInContext<A, B, R>(ctx: ExecutionContext, fn: (a: A, b: B) => R, a: A, b: B): R {
  const previous = current;
  current = ctx;
  try {
    return storage.run(ctx, fn, a, b);
  } finally {
    current = previous;
  }
}

// Entering a context is `storage.enterWith(ctx)`: on Node 20 that looks up the current async
// resource (an internal symbol lookup on whatever object it is) and stores the context on it
// under the storage's key. A dispatch loop runs many activations in one synchronous stretch,
// always on the same async resource, so it looks the resource up once (`beginDispatch`) and
// each activation only does the store. This relies on how Node 20 implements the storage, so
// it is used only when a probe (run by the first dispatch, so importing routilux enables no
// async hooks) proves that a value stored that way is exactly what `getStore()` returns;
// otherwise every activation calls `enterWith`. null: not probed yet.
let resourceKey: symbol | undefined | null = null;
let dispatchResource: Record<symbol, unknown> | undefined;

function probeResourceKey(): symbol | undefined {
  const key = (storage as unknown as { kResourceStore?: unknown }).kResourceStore;
  if (typeof key !== 'symbol') return undefined;
  const outer = {} as ExecutionContext;
  const probe = {} as ExecutionContext;
  let seen: ExecutionContext | undefined;
  storage.run(outer, () => {
    (executionAsyncResource() as Record<symbol, unknown>)[key] = probe;
    seen = storage.getStore();
  });
  return seen === probe ? key : undefined;
}

/** @internal a dispatch loop starts a synchronous stretch of activations (see above). */
export function beginDispatch(): void {
  if (resourceKey === null) resourceKey = probeResourceKey();
  if (resourceKey !== undefined) dispatchResource = executionAsyncResource() as Record<symbol, unknown>;
}

/** @internal the synchronous stretch ends: activations outside a loop enter the store the plain way. */
export function endDispatch(): void {
  dispatchResource = undefined;
}

/**
 * @internal calls a slot handler on `self` with `ctx` as the ambient context. The store is
 * entered (not run-and-restored): dispatch loops only ever execute inside their own
 * microtask or promise continuation, every activation enters its own context before its
 * handler runs, and whatever the handler schedules (awaits, timers, promise callbacks)
 * inherits that context. `current` makes the synchronous part cheaper still.
 */
export function runHandler(ctx: ExecutionContext, handler: Function, self: object, data: unknown): unknown {
  const resource = dispatchResource;
  if (resource !== undefined) resource[resourceKey as symbol] = ctx;
  else storage.enterWith(ctx);
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
