import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { FunctionRegistry, Routine, RoutineBase, isRoutiluxError } from '../../src/index.js';
import { CONFIG_VALIDATOR_OPTIONS } from '../../src/config/validate-config.js';
import { ConditionalRouter, ConditionalRouterConfig, RetryHandler, RetryHandlerConfig, SchemaValidator, SchemaValidatorConfig } from '../../src/builtins/index.js';
import { received, run } from './helpers.js';

describe('options given as the config class', () => {
  it('ConditionalRouter should keep the routes of a ConditionalRouterConfig instance', async () => {
    const options = Object.assign(new ConditionalRouterConfig(), { routes: [{ name: 'big', when: 'data.n > 10' }] });
    const router = new ConditionalRouter(options);
    expect(router.config['routes']).toEqual([{ name: 'big', when: 'data.n > 10' }]);
    const job = await run(router, [{ n: 11 }], ['big', 'unmatched']);
    expect(received(job, 'big')).toHaveLength(1);
    expect(received(job, 'unmatched')).toHaveLength(0);
  });

  it('SchemaValidator should keep the schema of a SchemaValidatorConfig instance', async () => {
    const options = Object.assign(new SchemaValidatorConfig(), { schema: { type: 'object', required: ['id'] } });
    const job = await run(new SchemaValidator(options), [{ id: 1 }, { name: 'x' }], ['valid', 'invalid']);
    expect(received(job, 'valid')).toHaveLength(1);
    expect(received(job, 'invalid')).toHaveLength(1);
  });

  it('RetryHandler should keep the operation of a RetryHandlerConfig instance', async () => {
    FunctionRegistry.register('test.config-options.double', (data: Record<string, unknown>) => Number(data['n']) * 2);
    const options = Object.assign(new RetryHandlerConfig(), { operation: 'test.config-options.double', maxAttempts: 1 });
    const handler = new RetryHandler(options);
    expect(handler.config['operation']).toBe('test.config-options.double');
    const job = await run(handler, [{ n: 21 }], ['success', 'exhausted']);
    expect(received(job, 'success').map((p) => p['data'])).toEqual([42]);
  });

  it('should still validate a config-class instance (a bad value is INVALID_CONFIG)', () => {
    const options = Object.assign(new ConditionalRouterConfig(), { mode: 'some' as 'all' });
    expect(() => new ConditionalRouter(options)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});

class Limits {
  @IsInt() @Min(1) max!: number;
}

class NestedConfig {
  @IsString() label?: string = 'x';
  @ValidateNested() @Type(() => Limits) limits?: Limits;
}

@Routine({ name: 'test.NestedConfigRoutine', config: NestedConfig })
class NestedConfigRoutine extends RoutineBase {}

describe('nested config classes', () => {
  it('should accept a valid nested config (@ValidateNested + @Type)', () => {
    const r = new NestedConfigRoutine();
    r.setConfig({ limits: { max: 3 } });
    expect(r.getConfig('limits')).toEqual({ max: 3 });
  });

  it('should report a problem inside the nested config with its path', () => {
    const r = new NestedConfigRoutine();
    let error: unknown;
    try {
      r.setConfig({ limits: { max: 0 } });
    } catch (e) {
      error = e;
    }
    expect(isRoutiluxError(error) && error.code).toBe('INVALID_CONFIG');
    const fields = (error as { details: { fields: { path: string }[] } }).details.fields;
    expect(fields.map((f) => f.path)).toContain('limits.max');
  });

  it('should refuse an unknown key inside the nested config', () => {
    const r = new NestedConfigRoutine();
    expect(() => r.setConfig({ limits: { max: 2, extra: true } })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });

  it('validates with whitelist, forbidNonWhitelisted and forbidUnknownValues on', () => {
    expect(CONFIG_VALIDATOR_OPTIONS).toMatchObject({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    expect(() => new NestedConfigRoutine().setConfig({ lable: 'typo' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});
