import { AsyncLocalStorage } from 'node:async_hooks';
import type { ExecutionContext } from '../routine/execution-context.js';

// Ambient activation context. AsyncLocalStorage keeps it across `await` inside handlers;
// `run` is cheap when no other async context is involved, so every activation uses it.
const storage = new AsyncLocalStorage<ExecutionContext>();

/** @internal the activation running now, if any. */
export function currentContext(): ExecutionContext | undefined {
  return storage.getStore();
}

/** @internal runs `fn(a, b)` with `ctx` as the ambient context. */
export function runInContext<A, B, R>(ctx: ExecutionContext, fn: (a: A, b: B) => R, a: A, b: B): R {
  return storage.run(ctx, fn, a, b);
}

/** @internal the activation object behind an ExecutionContext. */
export interface ActiveContext extends ExecutionContext {
  /** Emits `eventName` of `routine` within this activation's job. */
  emitFrom(routine: object, eventName: string, data: unknown): void;
}

function callHandler(handler: Function, self: object, data: unknown, ctx: ExecutionContext): unknown {
  return handler.call(self, data, ctx);
}

/** @internal calls a slot handler on `self` with `ctx` as the ambient context. */
export function runHandler(ctx: ExecutionContext, handler: Function, self: object, data: unknown): unknown {
  return storage.run(ctx, callHandler, handler, self, data, ctx);
}
