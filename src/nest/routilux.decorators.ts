import { Inject } from '@nestjs/common';
import { ErrorCode, InvalidArgumentError, Runtime } from '../index.js';
import { getFlowToken } from './routilux.constants.js';

/**
 * Injects the flow named `name`, defined with `RoutiluxModule.forRoot({ flows })` or
 * `forFeature({ flows })`. The flow is complete once the application has initialised.
 *
 * @example
 * constructor(@InjectFlow('orders') private readonly orders: Flow) {}
 */
export function InjectFlow(name: string): PropertyDecorator & ParameterDecorator {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `@InjectFlow(name) needs the name of a defined flow; got ${typeof name === 'string' ? 'an empty string' : typeof name}.`);
  }
  return Inject(getFlowToken(name));
}

/**
 * Injects the application's {@link Runtime} (the same as injecting the `Runtime` class).
 *
 * @example
 * constructor(@InjectRuntime() private readonly runtime: Runtime) {}
 */
export function InjectRuntime(): PropertyDecorator & ParameterDecorator {
  return Inject(Runtime);
}
