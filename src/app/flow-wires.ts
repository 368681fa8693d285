import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError } from '../errors/routilux-error.js';
import type { Flow } from '../flow/flow.js';
import { resolveWire } from '../flow/typed-wiring.js';
import { describe, isPlainObject } from '../utils/guards.js';

/**
 * A typed edge of a flow definition, made by the `wire` function that `wires` receives:
 * routine ids, and the event and slot by their class members (as in `flow.wire`).
 */
export interface WireDefinition {
  readonly from: readonly [routineId: string, eventMember: string];
  readonly to: readonly [routineId: string, slotMember: string];
  /** Same meaning as the last argument of `flow.connect`. */
  readonly paramMapping?: Readonly<Record<string, string>>;
}

const WIRE_KEYS: ReadonlySet<string> = new Set(['from', 'to', 'paramMapping']);

function invalid(message: string, details: Record<string, unknown> = {}): DefinitionError {
  return new DefinitionError(ErrorCode.INVALID_DEFINITION, message, { details });
}

/** The `wire` function `wires` receives: it only records the edge; the compiler did the checking. */
function wire(source: string, event: string, target: string, slot: string, paramMapping?: Readonly<Record<string, string>>): WireDefinition {
  return { from: [source, event], to: [target, slot], ...(paramMapping === undefined ? {} : { paramMapping }) };
}

function isPair(value: unknown): value is readonly [string, string] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string';
}

/**
 * @internal The `wires` of a definition (a list, or a function of `wire` returning one),
 * checked and frozen: objects `{ from, to, paramMapping? }` of string pairs whose routine ids
 * are among `routineIds`. Every mistake is `INVALID_DEFINITION`.
 */
export function recordWires(given: unknown, routineIds: Readonly<Record<string, unknown>>, where: string): readonly WireDefinition[] {
  if (given === undefined) return Object.freeze([]);
  if (typeof given !== 'function' && !Array.isArray(given)) {
    throw invalid(`${where}: wires must be a function (wire) => [wire(sourceId, eventMember, targetId, slotMember, paramMapping?), …] or the array such a function returns.`);
  }
  const list: unknown = typeof given === 'function' ? (given as (w: typeof wire) => unknown)(wire) : given;
  if (!Array.isArray(list)) throw invalid(`${where}: the wires function must return an array of what wire(…) returns; got ${describe(list)}.`);
  return Object.freeze(
    list.map((w: unknown, i) => {
      const at = `${where} wire #${i}`;
      if (!isPlainObject(w)) throw invalid(`${at} must be an object { from: [routineId, eventMember], to: [routineId, slotMember] } as wire(…) returns; got ${describe(w)}.`);
      for (const key of Object.keys(w)) if (!WIRE_KEYS.has(key)) throw invalid(`Unknown key "${key}" in ${at}; known keys: from, to, paramMapping.`, { key });
      const { from, to, paramMapping } = w as Record<string, unknown>;
      for (const [end, pair] of [['from', from], ['to', to]] as const) {
        if (!isPair(pair)) throw invalid(`${at} ${end} must be a pair [routineId, member] of strings; got ${describe(pair)}.`);
        if (!Object.prototype.hasOwnProperty.call(routineIds, pair[0])) {
          throw invalid(`${at} ${end}: routine "${pair[0]}" is not declared in routines; add it to routines (declared: ${Object.keys(routineIds).join(', ')}) or fix the id.`, { wire: i, routineId: pair[0] });
        }
      }
      if (paramMapping !== undefined && !isPlainObject(paramMapping)) throw invalid(`${at} paramMapping must be an object { fromKey: toKey }.`);
      const f = from as readonly [string, string];
      const t = to as readonly [string, string];
      return Object.freeze({
        from: Object.freeze([f[0], f[1]] as const),
        to: Object.freeze([t[0], t[1]] as const),
        ...(paramMapping === undefined ? {} : { paramMapping: Object.freeze({ ...(paramMapping as Record<string, string>) }) }),
      });
    }),
  );
}

/**
 * @internal Connects checked wires on a built flow: each member is resolved to the name it
 * declares on the routine instance, then `flow.connect` makes the connection.
 */
export function connectWires(flow: Flow, wires: readonly WireDefinition[]): void {
  for (const w of wires) {
    const [sourceId, eventMember] = w.from;
    const [targetId, slotMember] = w.to;
    // recordWires checked both ids against the definition, and every node of it is in the flow.
    const names = resolveWire(flow.routines.get(sourceId)!, sourceId, eventMember, flow.routines.get(targetId)!, targetId, slotMember);
    flow.connect(sourceId, names.sourceEvent, targetId, names.targetSlot, w.paramMapping === undefined ? undefined : { ...w.paramMapping });
  }
}
