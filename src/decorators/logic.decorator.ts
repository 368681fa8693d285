import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError } from '../errors/routilux-error.js';
import { LOGIC_KEY, SLOTS_KEY, type LogicMetadata, type SlotMetadata } from '../metadata/metadata-keys.js';
import { appendOwn, defineOwn, getOwn } from '../metadata/metadata-store.js';
import { isActivationPolicy, type ActivationPolicy } from '../policies/activation-policy.js';
import { RoutineBase } from '../routine/routine-base.js';
import { checkDecoratorOptions } from '../utils/closed-options.js';
import { assertLegacyDecorators } from './decorator-mode.js';
import { assertName, describe } from '../utils/guards.js';

/** A slot declared by `@Logic`: a name, or a name with its queue bound. */
export type LogicSlotDeclaration = string | { readonly name: string; readonly maxQueueLength?: number };

/** Options of `@Logic`. */
export interface LogicOptions {
  /** Slots whose data feeds the logic (declared without handlers). Slots may also be defined with `defineSlot(name)`. */
  slots?: readonly LogicSlotDeclaration[];
  /** The routine's activation policy. @default immediatePolicy() */
  policy?: ActivationPolicy;
}

function fail(message: string): never {
  throw new DefinitionError(ErrorCode.INVALID_DEFINITION, message);
}

/**
 * Declares a method as the routine's logic: instead of one handler per slot, deliveries
 * queue per job and the activation policy decides when the method runs and what it
 * consumes. The method receives `(slotData, policyMessage, jobState)`, where `slotData`
 * maps every slot name to the array of payloads consumed. One `@Logic` per class.
 *
 * @example
 * @Routine({ name: 'demo.pair' })
 * class Pair extends RoutineBase {
 *   @Event('pair') readonly pair = event<{ left: unknown; right: unknown }>();
 *   @Logic({ slots: ['left', 'right'], policy: allSlotsReadyPolicy() })
 *   join(slotData: SlotData) { this.pair.emit({ left: slotData.left![0], right: slotData.right![0] }); }
 * }
 */
export function Logic(options: LogicOptions = {}): MethodDecorator {
  if (typeof options !== 'object' || options === null) fail(`@Logic(options) takes an object such as { slots: ['input'], policy: batchSizePolicy(10) }; got ${describe(options)}.`);
  checkDecoratorOptions(options, ['slots', 'policy'], '@Logic');
  if (options.policy !== undefined && !isActivationPolicy(options.policy)) {
    fail(`@Logic({ policy }) must be an activation policy such as batchSizePolicy(10); got ${describe(options.policy)}.`);
  }
  const slots: { name: string; maxQueueLength: number | undefined }[] = [];
  if (options.slots !== undefined) {
    if (!Array.isArray(options.slots)) fail(`@Logic({ slots }) must be an array of slot names; got ${describe(options.slots)}.`);
    for (const decl of options.slots as readonly unknown[]) {
      const d = typeof decl === 'string' ? { name: decl } : decl;
      if (typeof d !== 'object' || d === null) fail(`@Logic({ slots }) entries are names or { name, maxQueueLength }; got ${describe(decl)}.`);
      checkDecoratorOptions(d, ['name', 'maxQueueLength'], '@Logic slot');
      const { name, maxQueueLength } = d as { name?: unknown; maxQueueLength?: unknown };
      assertName(name, '@Logic slot name');
      if (maxQueueLength !== undefined && (typeof maxQueueLength !== 'number' || !Number.isInteger(maxQueueLength) || maxQueueLength < 1)) {
        fail(`@Logic slot "${name}": maxQueueLength must be an integer >= 1; got ${describe(maxQueueLength)}.`);
      }
      if (slots.some((s) => s.name === name)) {
        throw new DefinitionError(ErrorCode.DUPLICATE_SLOT, `@Logic({ slots }) lists slot "${name}" twice.`, { details: { slot: name } });
      }
      slots.push({ name, maxQueueLength: maxQueueLength as number | undefined });
    }
  }
  return (target, propertyKey, descriptor) => {
    assertLegacyDecorators(propertyKey, '@Logic');
    const where = `${(target as { constructor: Function }).constructor.name}.${String(propertyKey)}`;
    if (descriptor === undefined || typeof descriptor.value !== 'function') fail(`@Logic on ${where}: put @Logic on a method (the logic), not on a property or accessor.`);
    if (!(target instanceof RoutineBase)) fail(`@Logic on ${where}: the class must extend RoutineBase; static methods cannot be a logic.`);
    const existing = getOwn(LOGIC_KEY, target);
    if (existing !== undefined) fail(`@Logic on ${where}: the class already has a logic (${String(existing.methodKey)}); a routine has one logic.`);
    const own = getOwn(SLOTS_KEY, target) ?? [];
    for (const s of slots) {
      if (own.some((o) => o.name === s.name)) {
        throw new DefinitionError(ErrorCode.DUPLICATE_SLOT, `@Logic on ${where}: slot "${s.name}" is already declared in this class; slot names must be unique.`, { details: { slot: s.name } });
      }
    }
    for (const s of slots) {
      const meta: SlotMetadata = { name: s.name, methodKey: propertyKey, maxQueueLength: s.maxQueueLength, handlerless: true };
      appendOwn(SLOTS_KEY, Object.freeze(meta), target);
    }
    const logic: LogicMetadata = options.policy === undefined ? { methodKey: propertyKey } : { methodKey: propertyKey, policy: options.policy };
    defineOwn(LOGIC_KEY, Object.freeze(logic), target);
  };
}
