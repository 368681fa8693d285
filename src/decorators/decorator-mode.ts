import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError } from '../errors/routilux-error.js';

/**
 * @internal routilux's decorators are TypeScript's legacy decorators
 * (`experimentalDecorators`). Compiled without that flag (tsx, esbuild or tsc with a
 * default tsconfig), a decorator is called the standard (TC39) way, `(value, context)`,
 * where `context` is an object with a `kind`. That is a setup mistake, not a misplaced
 * decorator, so say which flag to set.
 */
export function assertLegacyDecorators(secondArgument: unknown, decorator: string): void {
  if (typeof secondArgument !== 'object' || secondArgument === null) return;
  const kind = (secondArgument as { kind?: unknown }).kind;
  if (typeof kind !== 'string') return;
  const member = String((secondArgument as { name?: unknown }).name ?? '');
  throw new DefinitionError(
    ErrorCode.INVALID_DEFINITION,
    `${decorator} on ${member || `a ${kind}`} was applied as a standard (TC39) decorator, but routilux decorators are TypeScript's legacy decorators: set "experimentalDecorators": true and "emitDecoratorMetadata": true in compilerOptions of the tsconfig.json your compiler reads (tsc, tsx and esbuild read it; vitest needs a transform that emits decorator metadata, e.g. unplugin-swc). Without decorators, declare slots and events with defineSlot/defineEvent in the constructor.`,
    { details: { decorator, kind, member, fix: 'experimentalDecorators' } },
  );
}
