import { IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { FunctionRegistry, Routine, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { Check } from '../shared/config-check.js';
import { functionRef } from '../shared/function-ref.js';
import { pickValue } from '../shared/input.js';
import { waitInJob } from '../shared/job-timer.js';

/** Backoff shapes of {@link RetryHandler}. */
export type Backoff = 'fixed' | 'linear' | 'exponential' | 'exponential_jitter';

/** The operation a RetryHandler runs: receives the input value (a scalar as `{ value }`) and the context; may be async. */
export type RetryOperation = (data: Record<string, unknown>, ctx: ExecutionContext) => unknown;
/** Decides whether an error is worth another attempt. */
export type RetryPredicate = (error: unknown) => boolean;

const registered = (what: string) => (v: unknown): string | undefined =>
  v === undefined ? undefined : typeof v === 'string' && typeof FunctionRegistry.get(v) === 'function' ? undefined : `must name a function registered with FunctionRegistry.register(name, fn) (${what})`;

/** Configuration of {@link RetryHandler}. */
export class RetryHandlerConfig {
  /** The operation (a registered function, or its name). Required. */
  @Check((v) => (v === undefined ? 'is required: a function registered with FunctionRegistry' : registered('the operation')(v))) operation?: string | RetryOperation;
  /** Attempts in total, the first included. @default 3 */
  @IsInt() @Min(1) @Max(100) maxAttempts?: number = 3;
  /** Delay shape: fixed = base; linear = base·n; exponential = base·2^(n−1); exponential_jitter = uniform(0, exponential). @default 'exponential' */
  @IsIn(['fixed', 'linear', 'exponential', 'exponential_jitter']) backoff?: Backoff = 'exponential';
  /** Base delay in ms. @default 1000 */
  @IsNumber() @Min(0) @Max(86_400_000) baseDelay?: number = 1000;
  /** Cap of any delay in ms. @default 60000 */
  @IsNumber() @Min(0) @Max(86_400_000) maxDelay?: number = 60_000;
  /** Registered predicate deciding whether an error is retryable; default: every error. */
  @IsOptional() @Check(registered('the retryOn predicate')) retryOn?: string | RetryPredicate;
}

/** Payload of RetryHandler's `success` event. */
export interface RetryHandlerSuccess {
  /** What the operation returned (resolved), passed on; must be JSON-like. `null` when it returned undefined. */
  data: unknown;
  /** The input value the operation was given. */
  input: unknown;
  /** Attempts made, the successful one included (≥ 1). */
  attempts: number;
}

/** Payload of RetryHandler's `retry` event, emitted before each new attempt. */
export interface RetryHandlerRetry {
  /** The input value, unchanged. */
  data: unknown;
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** Its error message. */
  error: string;
  /** Ms until the next attempt. */
  delay: number;
}

/** Payload of RetryHandler's `exhausted` event. */
export interface RetryHandlerExhausted {
  /** The input value, unchanged. */
  data: unknown;
  /** Attempts made (≥ 1). */
  attempts: number;
  /** Error message of every attempt, in order (length = attempts). */
  errors: string[];
}

/** Delay in ms before attempt `attempt + 1`, after `attempt` failures (1-based), capped by `maxDelay`. */
export function computeBackoff(attempt: number, options: { backoff: Backoff; baseDelay: number; maxDelay: number }, random: () => number = Math.random): number {
  const { backoff, baseDelay, maxDelay } = options;
  const raw = backoff === 'fixed' ? baseDelay : backoff === 'linear' ? baseDelay * attempt : baseDelay * 2 ** (attempt - 1);
  const capped = Math.min(raw, maxDelay);
  return backoff === 'exponential_jitter' ? Math.floor(random() * capped) : capped;
}

/**
 * Runs a registered operation on each payload and retries it with backoff (fixed,
 * linear, exponential or jittered, capped by `maxDelay`) on the flow's clock. Waiting
 * holds the activation (it is the routine's work) and stops when the job is cancelled.
 *
 * Slot `input` → `success({ data, input, attempts })` ({@link RetryHandlerSuccess}; `data` is the operation's
 * result), `retry({ data, attempt, error, delay })` ({@link RetryHandlerRetry}) before each new attempt,
 * `exhausted({ data, attempts, errors })` ({@link RetryHandlerExhausted}) when attempts run out or an error
 * is not retryable. The result must be JSON-like to travel on.
 *
 * @example
 * FunctionRegistry.register('callModel', async (data) => model.call(data.prompt));
 * new RetryHandler({ operation: 'callModel', maxAttempts: 4, baseDelay: 500 })
 */
@Routine({ name: 'routilux.RetryHandler', config: RetryHandlerConfig })
export class RetryHandler extends ConfigurableRoutine {
  constructor(options?: RetryHandlerConfig) {
    super();
    this.defineEvent('success', ['data', 'input', 'attempts']);
    this.defineEvent('retry', ['data', 'attempt', 'error', 'delay']);
    this.defineEvent('exhausted', ['data', 'attempts', 'errors']);
    this.defineSlot('input', (data: Record<string, unknown>, ctx: ExecutionContext) => this.run(data, ctx));
    this.configure(options);
  }

  protected override normalizeConfig(partial: Record<string, unknown>): Record<string, unknown> {
    const out = { ...partial };
    if ('operation' in out) out['operation'] = functionRef(out['operation'], 'RetryHandler operation');
    if ('retryOn' in out) out['retryOn'] = functionRef(out['retryOn'], 'RetryHandler retryOn');
    return out;
  }

  private async run(payload: Record<string, unknown>, ctx: ExecutionContext): Promise<void> {
    const data = pickValue(payload, undefined);
    const arg = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : { value: data };
    const name = this.getConfig<string | undefined>('operation');
    const operation = name === undefined ? undefined : (FunctionRegistry.get(name) as RetryOperation | undefined);
    const predicateName = this.getConfig<string | undefined>('retryOn');
    const retryable = predicateName === undefined ? undefined : (FunctionRegistry.get(predicateName) as RetryPredicate | undefined);
    const maxAttempts = this.getConfig<number>('maxAttempts', 3);
    const errors: string[] = [];
    for (let attempt = 1; ; attempt++) {
      try {
        if (operation === undefined) throw new Error('no operation is configured (set operation to a registered function)');
        const result = await operation(arg, ctx);
        this.emit('success', { data: result === undefined ? null : result, input: data, attempts: attempt } satisfies RetryHandlerSuccess);
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        errors.push(message);
        const canRetry = operation !== undefined && attempt < maxAttempts && (retryable === undefined || retryable(error) === true);
        if (!canRetry || ctx.signal.aborted) {
          this.emit('exhausted', { data, attempts: attempt, errors } satisfies RetryHandlerExhausted);
          return;
        }
        const delay = computeBackoff(attempt, {
          backoff: this.getConfig<Backoff>('backoff', 'exponential'),
          baseDelay: this.getConfig<number>('baseDelay', 1000),
          maxDelay: this.getConfig<number>('maxDelay', 60_000),
        });
        this.emit('retry', { data, attempt, error: message, delay } satisfies RetryHandlerRetry);
        if ((await waitInJob(ctx, delay).promise) === 'aborted') return;
      }
    }
  }
}
