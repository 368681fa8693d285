/** Injection token of the resolved {@link RoutiluxModuleOptions}. */
export const ROUTILUX_MODULE_OPTIONS = Symbol.for('routilux:nest:module-options');

/**
 * The injection token of the flow named `name` (what `@InjectFlow(name)` injects).
 *
 * @example
 * const flow = app.get<Flow>(getFlowToken('orders'));
 */
export function getFlowToken(name: string): string {
  return `routilux:flow:${name}`;
}
