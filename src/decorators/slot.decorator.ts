import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError } from '../errors/routilux-error.js';
import { assertMergeStrategy } from '../graph/merge-strategy.js';
import { SLOTS_KEY, type SlotMetadata } from '../metadata/metadata-keys.js';
import { appendOwn, getOwn } from '../metadata/metadata-store.js';
import { SLOT_OPTION_KEYS, type SlotOptions } from '../routine/definitions.js';
import { checkDecoratorOptions } from '../utils/closed-options.js';
import { assertLegacyDecorators } from './decorator-mode.js';
import { RoutineBase } from '../routine/routine-base.js';
import { assertActivationTimeout, assertName, assertNumber, describe } from '../utils/guards.js';

/**
 * Declares a method as the handler of an input slot. The slot name defaults to the
 * method name. The method receives `(data, ctx)` and may be async.
 *
 * @example
 * @Slot('input', { merge: 'append' })
 * onInput(data: { value: number[] }, ctx: ExecutionContext) { … }
 */
export function Slot(nameOrOptions?: string | SlotOptions, maybeOptions?: SlotOptions): MethodDecorator {
  const name = typeof nameOrOptions === 'string' ? nameOrOptions : undefined;
  const options = (typeof nameOrOptions === 'object' && nameOrOptions !== null ? nameOrOptions : maybeOptions) ?? {};
  if (nameOrOptions !== undefined && typeof nameOrOptions !== 'string' && (typeof nameOrOptions !== 'object' || nameOrOptions === null)) {
    throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `@Slot(name, options) takes a string name and/or an options object; got ${describe(nameOrOptions)}.`);
  }
  checkDecoratorOptions(options, SLOT_OPTION_KEYS, `@Slot(${name ?? ''})`);
  if (options.merge !== undefined) assertMergeStrategy(options.merge, `@Slot(${name ?? ''})`);
  if (options.maxQueueLength !== undefined) assertNumber(options.maxQueueLength, '@Slot maxQueueLength', { min: 1, integer: true });
  if (options.timeout !== undefined) assertActivationTimeout(options.timeout, `@Slot(${name ?? ''}) timeout (ms)`);
  return (target, propertyKey, descriptor) => {
    assertLegacyDecorators(propertyKey, '@Slot');
    const where = `${(target as { constructor: Function }).constructor.name}.${String(propertyKey)}`;
    if (descriptor === undefined || typeof descriptor.value !== 'function') {
      throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `@Slot on ${where}: put @Slot on a method (the slot handler), not on a property or accessor.`, {
        details: { member: String(propertyKey) },
      });
    }
    if (!(target instanceof RoutineBase)) {
      throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `@Slot on ${where}: the class must extend RoutineBase (or be static-free); static methods cannot be slots.`);
    }
    const slotName = name ?? String(propertyKey);
    assertName(slotName, `@Slot name on ${where}`);
    const own = getOwn(SLOTS_KEY, target) ?? [];
    if (own.some((s) => s.name === slotName)) {
      throw new DefinitionError(ErrorCode.DUPLICATE_SLOT, `@Slot on ${where}: slot "${slotName}" is already declared in this class; slot names must be unique.`, {
        details: { slot: slotName },
      });
    }
    const meta: SlotMetadata = { name: slotName, methodKey: propertyKey, merge: options.merge, maxQueueLength: options.maxQueueLength, ...(options.timeout !== undefined ? { timeout: options.timeout } : {}) };
    appendOwn(SLOTS_KEY, Object.freeze(meta), target);
  };
}
