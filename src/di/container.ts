import { container as rootContainer, injectable, type DependencyContainer } from 'tsyringe';
import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import { ROUTINE_OPTIONS_KEY } from '../metadata/metadata-keys.js';
import { getOwn, getParamTypes, hasInjectionTokens } from '../metadata/metadata-store.js';

export type { DependencyContainer } from 'tsyringe';

/** @internal makes a class resolvable with constructor injection. */
export function markInjectable(cls: Function): void {
  injectable()(cls as new (...args: never[]) => unknown);
}

/** @internal the container a flow uses when none is given. */
export function defaultContainer(): DependencyContainer {
  return rootContainer;
}

/** @internal true when `value` looks like a tsyringe container. */
export function isContainer(value: unknown): value is DependencyContainer {
  return typeof value === 'object' && value !== null && typeof (value as DependencyContainer).resolve === 'function' && typeof (value as DependencyContainer).register === 'function';
}

/** @internal resolves `cls` through `container`, turning tsyringe failures into a typed error. */
export function resolveClass<T>(container: DependencyContainer, cls: new (...args: never[]) => T): T {
  try {
    return container.resolve(cls as unknown as new (...args: unknown[]) => T);
  } catch (cause) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    if (cls.length > 0 && getParamTypes(cls).length === 0 && !hasInjectionTokens(cls) && getOwn(ROUTINE_OPTIONS_KEY, cls) !== undefined) {
      // @Routine made the class injectable, but the compiler emitted no parameter types, so
      // tsyringe cannot tell what to inject: a compiler setting, not a missing decorator.
      throw new InvalidArgumentError(
        ErrorCode.INVALID_ARGUMENT,
        `Could not create routine ${cls.name} through the DI container: its constructor takes ${cls.length} parameter(s), but no parameter types were emitted for it, so nothing tells the container what to inject. Set "emitDecoratorMetadata": true (with "experimentalDecorators": true) in the tsconfig.json your compiler reads (tsx/esbuild do not emit it; use tsc or swc), or name each dependency with tsyringe's @inject(Token).`,
        { cause, details: { routine: cls.name, parameters: cls.length, fix: 'emitDecoratorMetadata' } },
      );
    }
    throw new InvalidArgumentError(
      ErrorCode.INVALID_ARGUMENT,
      `Could not create routine ${cls.name} through the DI container: ${msg}. Decorate the class with @Routine() (or tsyringe's @injectable()) and register its dependencies in the container given to new Flow({ container }).`,
      { cause, details: { routine: cls.name } },
    );
  }
}
