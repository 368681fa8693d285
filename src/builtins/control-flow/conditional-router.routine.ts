import { IsIn, IsOptional, IsString } from 'class-validator';
import { Routine, Slot, type ExecutionContext } from '../../index.js';
import { compileCondition, conditionProblem, normalizeCondition, type CompiledCondition, type ConditionInput } from '../conditions/condition.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { Check, isRecord } from '../shared/config-check.js';
import { pickValue } from '../shared/input.js';

/** One route: its name is also the event it emits on. */
export interface RouteSpec {
  name: string;
  when: ConditionInput;
}

const ROUTE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;
const RESERVED = new Set(['unmatched', '__proto__', 'constructor', 'prototype']);

function routesProblem(v: unknown): string | undefined {
  if (!Array.isArray(v)) return 'must be an array of { name, when }';
  const seen = new Set<string>();
  for (const r of v) {
    if (!isRecord(r) || typeof r['name'] !== 'string' || !('when' in r)) return 'entries must be { name, when }';
    const name = r['name'];
    if (!ROUTE_NAME.test(name) || RESERVED.has(name)) return `route name ${JSON.stringify(name)} must be a valid event name other than "unmatched"`;
    if (seen.has(name)) return `route name "${name}" is used twice`;
    seen.add(name);
    const problem = conditionProblem(r['when']);
    if (problem !== undefined) return `route "${name}": ${problem}`;
  }
  return undefined;
}

/** Configuration of {@link ConditionalRouter}. */
export class ConditionalRouterConfig {
  /** Routes in priority order; each condition is a CEL string over `data`, `{ fn }`, `{ equals }` or a registered function. @default [] */
  @Check(routesProblem) routes?: RouteSpec[] = [];
  /** `'first'`: only the first matching route; `'all'`: every matching route. @default 'first' */
  @IsIn(['first', 'all']) mode?: 'first' | 'all' = 'first';
  /** Event used when no route matches (instead of `unmatched`). */
  @IsOptional() @Check((v) => (typeof v === 'string' && ROUTE_NAME.test(v) && !RESERVED.has(v) ? undefined : 'must be a valid event name other than "unmatched"'))
  defaultRoute?: string;
  /** Path of the value to route; default: the input value (`data` of a built-in's payload, else the payload). */
  @IsOptional() @IsString() inputKey?: string;
}

/** A route condition that failed on a payload (it counted as no match): the route and the error message. */
export interface RouteError {
  route: string;
  error: string;
}

/** Payload of a ConditionalRouter route event (the event is named after the route). */
export interface ConditionalRouterRoute {
  /** The input value, unchanged. */
  data: unknown;
  /** The route's name (= the event name). */
  route: string;
}

/** Payload of ConditionalRouter's `defaultRoute` event and of `unmatched` (then `route` is null). */
export interface ConditionalRouterUnmatched {
  /** The input value, unchanged. */
  data: unknown;
  /** The default route's name; null on `unmatched`. */
  route: string | null;
  /** Conditions that failed to evaluate, in route order; `[]` when every condition was simply false. */
  errors: RouteError[];
}

/**
 * Routes each payload to the event named after the first (or every) route whose
 * condition holds. Conditions are compiled when configured, so a bad one fails at
 * construction / `setConfig`. A condition that fails on a payload counts as "no match"
 * and is reported in `errors`.
 *
 * Slot `input` → one event per route `<name>({ data, route })` ({@link ConditionalRouterRoute}); when nothing matches,
 * `<defaultRoute>({ data, route, errors })` if configured, else `unmatched({ data, route: null, errors })`
 * ({@link ConditionalRouterUnmatched}). `data` is the input value, which conditions see as `data`.
 * Events are created for route names when the routes are configured (and kept if a
 * later configuration drops a route).
 *
 * @example
 * new ConditionalRouter({ routes: [{ name: 'urgent', when: 'data.priority >= 8' }, { name: 'normal', when: 'true' }] })
 */
@Routine({ name: 'routilux.ConditionalRouter', config: ConditionalRouterConfig })
export class ConditionalRouter extends ConfigurableRoutine {
  constructor(options?: ConditionalRouterConfig) {
    super();
    this.defineEvent('unmatched', ['data', 'route', 'errors']);
    this.configure(options);
  }

  protected override normalizeConfig(partial: Record<string, unknown>): Record<string, unknown> {
    const routes = partial['routes'];
    if (!Array.isArray(routes)) return partial;
    return { ...partial, routes: routes.map((r) => (isRecord(r) ? { ...r, when: normalizeCondition(r['when'], `ConditionalRouter route "${String(r['name'])}"`) } : r)) };
  }

  protected override afterConfig(): void {
    const names = this.getConfig<{ name: string }[]>('routes', []).map((r) => r.name);
    const fallback = this.getConfig<string | undefined>('defaultRoute');
    if (fallback !== undefined) names.push(fallback);
    for (const name of names) if (!this.events.has(name)) this.defineEvent(name, name === fallback ? ['data', 'route', 'errors'] : ['data', 'route']);
  }

  /** Routes one payload. */
  @Slot('input')
  onInput(payload: Record<string, unknown>, _ctx: ExecutionContext): void {
    const data = pickValue(payload, this.getConfig<string | undefined>('inputKey'));
    const routes = this.derived<{ name: string; condition: CompiledCondition }[]>(() =>
      this.getConfig<{ name: string; when: unknown }[]>('routes', []).map((r) => ({ name: r.name, condition: compileCondition(r.when) })),
    );
    const all = this.getConfig<string>('mode', 'first') === 'all';
    const errors: RouteError[] = [];
    let matched = 0;
    for (const route of routes) {
      let ok = false;
      try {
        ok = route.condition.test(data).matched;
      } catch (error) {
        errors.push({ route: route.name, error: error instanceof Error ? error.message : String(error) });
      }
      if (!ok) continue;
      matched++;
      this.emit(route.name, { data, route: route.name } satisfies ConditionalRouterRoute);
      if (!all) break;
    }
    if (matched > 0) return;
    const fallback = this.getConfig<string | undefined>('defaultRoute');
    if (fallback !== undefined) this.emit(fallback, { data, route: fallback, errors } satisfies ConditionalRouterUnmatched);
    else this.emit('unmatched', { data, route: null, errors } satisfies ConditionalRouterUnmatched);
  }
}
