import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as routilux from '../../src/index.js';
import { Flow, Routine, RoutineBase, isRoutiluxError, type RoutiluxError } from '../../src/index.js';

/**
 * Compiles `source` the way tsx and esbuild do with a default tsconfig (no
 * experimentalDecorators: standard TC39 decorators, lowered for Node 20), then runs it with
 * the library in scope as `lib`. Returns what it throws.
 */
async function runCompiled(source: string): Promise<unknown> {
  const { code } = await transform(source, { loader: 'ts', format: 'cjs', target: 'node20', tsconfigRaw: {} });
  const module = { exports: {} as Record<string, unknown> };
  try {
    new Function('lib', 'module', 'exports', 'require', code)(routilux, module, module.exports, () => {
      throw new Error('no require in this snippet');
    });
  } catch (error) {
    return error;
  }
  return undefined;
}

function asRoutiluxError(value: unknown): RoutiluxError {
  expect(isRoutiluxError(value), String(value)).toBe(true);
  return value as RoutiluxError;
}

describe('setup mistakes get advice about the setup', () => {
  it('@Slot / @Event / @Logic compiled as TC39 decorators name the compiler flag, not a misplaced decorator', async () => {
    const cases: [string, string, string][] = [
      ['@Slot', 'method', `const { Slot, RoutineBase } = lib; class A extends RoutineBase { @Slot('input') onInput() {} }`],
      ['@Event', 'field', `const { Event, RoutineBase, event } = lib; class B extends RoutineBase { @Event('out') out = event(); }`],
      ['@Logic', 'method', `const { Logic, RoutineBase } = lib; class C extends RoutineBase { @Logic({ slots: ['a'] }) run() {} }`],
    ];
    for (const [decorator, kind, source] of cases) {
      const err = asRoutiluxError(await runCompiled(source));
      expect(err.code).toBe('INVALID_DEFINITION');
      expect(err.details).toMatchObject({ decorator, kind, fix: 'experimentalDecorators' });
    }
  });

  it('the same snippet compiled with experimentalDecorators defines the routine', async () => {
    const { code } = await transform(`const { Slot, RoutineBase } = lib; class A extends RoutineBase { @Slot('input') onInput() {} } module.exports = A;`, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
    });
    const module = { exports: {} as unknown };
    new Function('lib', 'module', code)(routilux, module);
    const A = module.exports as new () => RoutineBase;
    expect([...new A().slots.keys()]).toEqual(['input']);
  });

  it('a @Routine class with constructor parameters but no emitted parameter types is told to enable emitDecoratorMetadata or use @inject', () => {
    class Service {}
    // Written without decorator syntax, so the compiler emits no design:paramtypes, as with tsx/esbuild.
    class NeedsService extends RoutineBase {
      constructor(readonly service: Service) {
        super();
        this.defineSlot('trigger', () => {});
      }
    }
    Routine({ name: 'setup.needs-service' })(NeedsService);
    let thrown: unknown;
    try {
      new Flow().addRoutine(NeedsService);
    } catch (error) {
      thrown = error;
    }
    const err = asRoutiluxError(thrown);
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.details).toMatchObject({ routine: 'NeedsService', parameters: 1, fix: 'emitDecoratorMetadata' });
  });

  it('a class that is not decorated at all still gets the advice to decorate it', () => {
    class Plain extends RoutineBase {
      constructor(readonly dep: unknown) {
        super();
      }
    }
    let thrown: unknown;
    try {
      new Flow().addRoutine(Plain);
    } catch (error) {
      thrown = error;
    }
    const err = asRoutiluxError(thrown);
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.details['fix']).toBeUndefined();
  });
});
