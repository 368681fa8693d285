import 'reflect-metadata';
import type { MetadataKey } from './metadata-keys.js';

// The only module that talks to Reflect metadata: decorators write through it and the
// scanner reads through it, so the storage can change without touching either.

/** @internal */
export function defineOwn<T>(key: MetadataKey<T>, value: T, target: object): void {
  Reflect.defineMetadata(key, value, target);
}

/** @internal */
export function getOwn<T>(key: MetadataKey<T>, target: object): T | undefined {
  return Reflect.getOwnMetadata(key, target) as T | undefined;
}

/** @internal appends to an own array, never to an inherited one. */
export function appendOwn<T>(key: MetadataKey<T[]>, item: T, target: object): T[] {
  const list = getOwn(key, target) ?? [];
  const next = [...list, item];
  defineOwn(key, next, target);
  return next;
}

/** @internal constructor parameter types emitted by the compiler. */
export function getParamTypes(target: object): readonly unknown[] {
  return (Reflect.getMetadata('design:paramtypes', target) as unknown[] | undefined) ?? [];
}

/** @internal true when tsyringe's `@inject(Token)` named some constructor parameter of `target`. */
export function hasInjectionTokens(target: object): boolean {
  const tokens = Reflect.getOwnMetadata('injectionTokens', target) as Record<string, unknown> | undefined;
  return tokens !== undefined && Object.keys(tokens).length > 0;
}
