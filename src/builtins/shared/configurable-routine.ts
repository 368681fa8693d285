import { RoutineBase } from '../../index.js';

/**
 * Base class of the built-ins (part of their declared type, so it is public): `setConfig`
 * first turns code-only values (functions) into their JSON form, then validates through the
 * engine (class-validator config class), so construction options, `setConfig` and a
 * deserialized flow all take the same path. Derived values (compiled conditions, parsed
 * paths) are cached per configuration revision; they are static configuration, never
 * per-job state.
 */
export abstract class ConfigurableRoutine extends RoutineBase {
  private _configRevision = 0;
  private _derived: { revision: number; value: unknown } | undefined;

  /** Turns code-only values (functions, class instances) into JSON; default: unchanged. */
  protected normalizeConfig(partial: Record<string, unknown>): Record<string, unknown> {
    return partial;
  }

  /**
   * Applies constructor options: a plain object or an instance of the routine's config
   * class (its own properties are the options). The DI container passes a fresh config
   * instance when the routine is added as a class; options that only repeat the current
   * configuration (the defaults) change nothing and are skipped, so a routine with a
   * required option can still be created empty and configured by the next `setConfig`.
   */
  protected configure(options: object | undefined): void {
    if (options === undefined || options === null) return;
    const plain = typeof options === 'object' && !Array.isArray(options) ? ownEntries(options) : options;
    if (isRecordValue(plain) && Object.getPrototypeOf(options) !== Object.prototype && repeatsConfig(plain, this.config)) return;
    this.setConfig(plain as Record<string, unknown>);
  }

  /** Called after every successful configuration change (define dynamic slots/events here). */
  protected afterConfig(): void {}

  /** Merges and validates `partial`; functions given in code are stored by their registered name. */
  override setConfig(partial: Record<string, unknown>): void {
    const plain = partial !== null && typeof partial === 'object' && !Array.isArray(partial) ? ownEntries(partial) : partial;
    super.setConfig(this.normalizeConfig(plain));
    this._configRevision++;
    this._derived = undefined;
    this.afterConfig();
  }

  /** A value computed from the configuration, rebuilt only after the configuration changes. */
  protected derived<T>(build: () => T): T {
    const cached = this._derived;
    if (cached !== undefined && cached.revision === this._configRevision) return cached.value as T;
    const value = build();
    this._derived = { revision: this._configRevision, value };
    return value;
  }
}

/** Own enumerable properties without undefined values (a config class instance becomes a plain object). */
function ownEntries(obj: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out;
}

function isRecordValue(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** true when every entry of `plain` equals (as JSON) the same key of `current`. */
function repeatsConfig(plain: Record<string, unknown>, current: Record<string, unknown>): boolean {
  return Object.entries(plain).every(([k, v]) => Object.prototype.hasOwnProperty.call(current, k) && JSON.stringify(v) === JSON.stringify(current[k]));
}
