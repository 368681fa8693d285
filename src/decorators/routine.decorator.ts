import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError } from '../errors/routilux-error.js';
import { markInjectable } from '../di/container.js';
import { ROUTINE_OPTIONS_KEY, type RoutineMetadata } from '../metadata/metadata-keys.js';
import { defineOwn } from '../metadata/metadata-store.js';
import { scanRoutineClass } from '../metadata/metadata-scanner.js';
import { RoutineRegistry } from '../metadata/routine-registry.js';
import { RoutineBase } from '../routine/routine-base.js';
import type { ConfigClass } from '../config/validate-config.js';
import { checkDecoratorOptions } from '../utils/closed-options.js';
import { assertActivationTimeout, assertName, describe } from '../utils/guards.js';

/** The keys of {@link RoutineOptions} (decorator options are closed). */
const ROUTINE_OPTION_KEYS: readonly string[] = ['name', 'config', 'timeout'];

/** Options of `@Routine`. */
export interface RoutineOptions {
  /** Stable type name for the registry and serialization. @default the class name */
  name?: string;
  /** A class-validator class: `setConfig` validates against it and its initializers are the defaults. */
  config?: ConfigClass;
  /** Default activation timeout (ms) of every slot and the logic of this routine; a slot's own `timeout` wins. @default none */
  timeout?: number;
}

/**
 * Marks a {@link RoutineBase} subclass as a routine type: registers it in the
 * {@link RoutineRegistry} under a stable name and makes it injectable (tsyringe).
 *
 * @example
 * @Routine({ name: 'demo.upper' })
 * class Upper extends RoutineBase { … }
 */
export function Routine(options: RoutineOptions = {}): ClassDecorator {
  if (typeof options !== 'object' || options === null) {
    throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `@Routine(options) takes an object such as { name: 'my.routine' }; got ${describe(options)}.`);
  }
  checkDecoratorOptions(options, ROUTINE_OPTION_KEYS, '@Routine');
  if (options.config !== undefined && typeof options.config !== 'function') {
    throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `@Routine({ config }) must be a class decorated with class-validator decorators; got ${describe(options.config)}.`);
  }
  if (options.timeout !== undefined) assertActivationTimeout(options.timeout, '@Routine({ timeout }) (ms)');
  return (target) => {
    if (!(target.prototype instanceof RoutineBase)) {
      throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `@Routine can only decorate a class that extends RoutineBase; ${target.name} does not.`, {
        details: { class: target.name },
      });
    }
    const name = options.name ?? target.name;
    assertName(name, `@Routine name of ${target.name}`);
    const meta: RoutineMetadata = {
      name,
      ...(options.config !== undefined ? { configClass: options.config } : {}),
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    };
    defineOwn(ROUTINE_OPTIONS_KEY, Object.freeze(meta), target);
    scanRoutineClass(target); // fail now, at class definition, on duplicate slots/events
    markInjectable(target);
    RoutineRegistry.register(name, target as unknown as abstract new () => RoutineBase);
  };
}
