import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError } from '../errors/routilux-error.js';
import { EVENTS_KEY, type EventMetadata } from '../metadata/metadata-keys.js';
import { appendOwn, getOwn } from '../metadata/metadata-store.js';
import { RoutineBase } from '../routine/routine-base.js';
import { checkDecoratorOptions } from '../utils/closed-options.js';
import { assertLegacyDecorators } from './decorator-mode.js';
import { assertName, describe } from '../utils/guards.js';

/** Options of `@Event`. */
export interface EventOptions {
  /** Documented payload keys (not enforced). */
  params?: readonly string[];
}

/**
 * Declares a property as an output event. Initialize it with `event<Payload>()` (or
 * declare it and routilux assigns a port); `this.output.emit(payload)` then emits it.
 * The event name defaults to the property name.
 *
 * @example
 * @Event('output', { params: ['text'] })
 * readonly output = event<{ text: string }>();
 */
export function Event(nameOrOptions?: string | EventOptions, maybeOptions?: EventOptions): PropertyDecorator {
  const name = typeof nameOrOptions === 'string' ? nameOrOptions : undefined;
  const options = (typeof nameOrOptions === 'object' && nameOrOptions !== null ? nameOrOptions : maybeOptions) ?? {};
  if (nameOrOptions !== undefined && typeof nameOrOptions !== 'string' && (typeof nameOrOptions !== 'object' || nameOrOptions === null)) {
    throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `@Event(name, options) takes a string name and/or an options object; got ${describe(nameOrOptions)}.`);
  }
  checkDecoratorOptions(options, ['params'], `@Event(${name ?? ''})`);
  if (options.params !== undefined && (!Array.isArray(options.params) || options.params.some((p) => typeof p !== 'string'))) {
    throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `@Event params must be an array of key names; got ${describe(options.params)}.`);
  }
  return (target, propertyKey) => {
    assertLegacyDecorators(propertyKey, '@Event');
    const where = `${(target as { constructor: Function }).constructor.name}.${String(propertyKey)}`;
    // With experimentalDecorators a property decorator gets no descriptor; a method or accessor has one.
    const descriptor = Object.getOwnPropertyDescriptor(target, propertyKey);
    if (descriptor !== undefined && (typeof descriptor.value === 'function' || descriptor.get !== undefined)) {
      throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `@Event on ${where}: put @Event on a property initialized with event<Payload>(), not on a method or accessor (use @Slot for handlers).`, {
        details: { member: String(propertyKey) },
      });
    }
    if (!(target instanceof RoutineBase)) {
      throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `@Event on ${where}: the class must extend RoutineBase; static properties cannot be events.`);
    }
    const eventName = name ?? String(propertyKey);
    assertName(eventName, `@Event name on ${where}`);
    const own = getOwn(EVENTS_KEY, target) ?? [];
    if (own.some((e) => e.name === eventName)) {
      throw new DefinitionError(ErrorCode.DUPLICATE_EVENT, `@Event on ${where}: event "${eventName}" is already declared in this class; event names must be unique.`, {
        details: { event: eventName },
      });
    }
    const meta: EventMetadata = { name: eventName, propertyKey, params: Object.freeze([...(options.params ?? [])]) };
    appendOwn(EVENTS_KEY, Object.freeze(meta), target);
  };
}
