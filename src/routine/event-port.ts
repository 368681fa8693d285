import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError } from '../errors/routilux-error.js';

/** The part of a routine an event port needs. @internal */
interface Emitter {
  emit(eventName: string, data?: object): void;
}

/**
 * A typed output event of a decorated routine: `this.output.emit({ text })`.
 * Create it with {@link event} and declare it with `@Event`.
 */
export class EventPort<T extends object = Record<string, unknown>> {
  private owner: Emitter | undefined;
  private eventName: string | undefined;
  /** Type-only brand carrying the payload type. */
  declare readonly __payload?: T;

  /** The event's name, once the routine is bound to a flow. */
  get name(): string | undefined {
    return this.eventName;
  }

  /** Emits the event: one task per connected slot; never blocks. */
  emit(data: T): void {
    if (this.owner === undefined || this.eventName === undefined) {
      throw new DefinitionError(ErrorCode.INVALID_DEFINITION, 'This event port is not bound to a routine: declare it with @Event on a RoutineBase subclass and add the routine to a flow before emitting.');
    }
    this.owner.emit(this.eventName, data);
  }

  /** @internal */
  bind(owner: Emitter, eventName: string): void {
    if (this.owner !== undefined && (this.owner !== owner || this.eventName !== eventName)) {
      throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `An event port can belong to one routine event only; create a new one with event<T>() per property (it is already bound to "${this.eventName}").`);
    }
    this.owner = owner;
    this.eventName = eventName;
  }
}

/**
 * Creates an output event port for a property declared with `@Event`.
 *
 * @example
 * @Event('output') readonly output = event<{ text: string }>();
 */
export function event<T extends object = Record<string, unknown>>(): EventPort<T> {
  return new EventPort<T>();
}
