import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { Routine, Slot, type ExecutionContext } from '../../index.js';
import { compileCondition, conditionProblem, normalizeCondition, type CompiledCondition, type ConditionInput } from '../conditions/condition.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { Check } from '../shared/config-check.js';
import { pickValue } from '../shared/input.js';

/** Configuration of {@link Filter}. */
export class FilterConfig {
  /** The condition (CEL string over `data`, `{ fn }`, `{ equals }`, or a registered function); none → everything passes. */
  @IsOptional() @Check((v) => (v === undefined || v === null ? undefined : conditionProblem(v))) condition?: ConditionInput | null;
  /** Swap passed and rejected (a rejected reason becomes "inverted: …"). @default false */
  @IsBoolean() invert?: boolean = false;
  /** Add `reason` to `rejected` payloads. @default true */
  @IsBoolean() includeReason?: boolean = true;
  /** Path of the value to test and pass on; default: the input value (`data` of a built-in's payload, else the payload). */
  @IsOptional() @IsString() inputKey?: string;
}

/** Payload of Filter's `passed` event. */
export interface FilterPassed {
  /** The input value, unchanged. */
  data: unknown;
}

/** Payload of Filter's `rejected` event. */
export interface FilterRejected {
  /** The input value, unchanged. */
  data: unknown;
  /** Why (a condition's reason, an evaluation error, `'inverted: the condition matched'`, else `'rejected'`); absent with `includeReason: false`. */
  reason?: string;
}

/**
 * Passes or rejects each payload by a condition. A condition that cannot be evaluated
 * on a payload (missing field, payload too large) rejects it with the error as reason;
 * the routine never throws for data.
 *
 * Slot `input` → `passed({ data })` ({@link FilterPassed}) or `rejected({ data, reason? })` ({@link FilterRejected});
 * `data` is the input value, and the condition sees it as `data`.
 *
 * @example
 * new Filter({ condition: 'data.confidence >= 0.8' })
 */
@Routine({ name: 'routilux.Filter', config: FilterConfig })
export class Filter extends ConfigurableRoutine {
  constructor(options?: FilterConfig) {
    super();
    this.defineEvent('passed', ['data']);
    this.defineEvent('rejected', ['data', 'reason']);
    this.configure(options);
  }

  protected override normalizeConfig(partial: Record<string, unknown>): Record<string, unknown> {
    return 'condition' in partial ? { ...partial, condition: normalizeCondition(partial['condition'], 'Filter condition') } : partial;
  }

  /** Tests one payload. */
  @Slot('input')
  onInput(payload: Record<string, unknown>, _ctx: ExecutionContext): void {
    const data = pickValue(payload, this.getConfig<string | undefined>('inputKey'));
    const condition = this.derived<CompiledCondition | undefined>(() => {
      const spec = this.getConfig<unknown>('condition');
      return spec === undefined || spec === null ? undefined : compileCondition(spec);
    });
    let matched = true;
    let reason: string | undefined;
    if (condition !== undefined) {
      try {
        const r = condition.test(data);
        matched = r.matched;
        reason = r.reason;
      } catch (error) {
        matched = false;
        reason = error instanceof Error ? error.message : String(error);
      }
    }
    if (this.getConfig<boolean>('invert', false)) {
      matched = !matched;
      reason = matched ? undefined : 'inverted: the condition matched';
    }
    if (matched) this.emit('passed', { data } satisfies FilterPassed);
    else this.emit('rejected', { data, ...(this.getConfig<boolean>('includeReason', true) ? { reason: reason ?? 'rejected' } : {}) } satisfies FilterRejected);
  }
}
