import { defaultContainer, resolveClass } from '../di/container.js';
import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { Flow } from '../flow/flow.js';
import type { MergeStrategy } from '../graph/merge-strategy.js';
import { FunctionRegistry } from '../metadata/function-registry.js';
import { RoutineRegistry } from '../metadata/routine-registry.js';
import type { RoutineBase } from '../routine/routine-base.js';
import type { SerializedFlow } from '../serialization/flow-serializer.js';
import { readDiagramDocument, type DocumentConnection } from './flow-document.js';

/** A flow, or a flow document: `flow.serialize()` output (parsed from JSON or YAML), the shorthand connection form `{ from: 'a.event', to: 'b.slot' }` included. */
export type DiagramSource = Flow | SerializedFlow | Readonly<Record<string, unknown>>;

/** @internal a routine as drawn. */
export interface DiagramNode {
  /** Generated diagram id: `n0`, `n1`, … in routine-id order. */
  readonly key: string;
  readonly routineId: string;
  readonly type: string;
  /** Has a `trigger` slot. */
  readonly entry: boolean;
  /** Slots with more than one incoming connection, with their merge strategy, by slot name. */
  readonly fanIn: readonly { readonly slot: string; readonly merge: string }[];
}

/** @internal a connection as drawn. */
export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly event: string;
  readonly slot: string;
  readonly mapping: readonly (readonly [string, string])[];
}

/** @internal what both diagram writers draw. */
export interface DiagramModel {
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
}

/** What is known of a routine's slots: merge strategy by slot name, or undefined for an unknown type. */
type SlotMerges = ReadonlyMap<string, MergeStrategy> | undefined;

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function mergeName(merge: MergeStrategy | undefined): string {
  if (merge === undefined) return 'unknown';
  if (typeof merge === 'string') return merge;
  const name = FunctionRegistry.nameOf(merge as never);
  return name === undefined ? 'custom' : `custom ${name}`;
}

function slotsOf(routine: RoutineBase): Map<string, MergeStrategy> {
  return new Map([...routine.slots.values()].map((s) => [s.name, s.merge]));
}

/** Slots of a registered type, read off an instance built like `Flow.deserialize` builds it; undefined when the type is unknown or cannot be built. */
function slotsOfType(type: string): SlotMerges {
  const cls = RoutineRegistry.get(type);
  if (cls === undefined) return undefined;
  try {
    return slotsOf(resolveClass(defaultContainer().createChildContainer(), cls as unknown as new () => RoutineBase));
  } catch {
    return undefined;
  }
}

function build(routines: readonly { id: string; type: string; slots: SlotMerges }[], connections: readonly DocumentConnection[]): DiagramModel {
  const sorted = [...routines].sort((a, b) => byCodePoint(a.id, b.id));
  const keys = new Map(sorted.map((r, i) => [r.id, `n${i}`]));
  const incoming = new Map<string, number>();
  for (const c of connections) {
    const k = `${c.targetRoutineId}\u0000${c.targetSlot}`;
    incoming.set(k, (incoming.get(k) ?? 0) + 1);
  }
  const nodes = sorted.map((r): DiagramNode => {
    const fanInSlots = [...new Set(connections.filter((c) => c.targetRoutineId === r.id).map((c) => c.targetSlot))]
      .filter((slot) => (incoming.get(`${r.id}\u0000${slot}`) ?? 0) > 1)
      .sort(byCodePoint);
    return {
      key: keys.get(r.id)!,
      routineId: r.id,
      type: r.type,
      entry: r.slots?.has('trigger') === true,
      fanIn: fanInSlots.map((slot) => ({ slot, merge: mergeName(r.slots?.get(slot)) })),
    };
  });
  const order = new Map(sorted.map((r, i) => [r.id, i]));
  for (const c of connections) {
    for (const id of [c.sourceRoutineId, c.targetRoutineId]) {
      if (!order.has(id)) {
        throw new SerializationError(ErrorCode.UNKNOWN_ROUTINE, `A connection names the routine "${id}", which the flow document does not define; add it under routines or fix the connection.`, {
          details: { routineId: id },
        });
      }
    }
  }
  const edges = connections
    .map((c) => ({ c, from: order.get(c.sourceRoutineId)!, to: order.get(c.targetRoutineId)! }))
    .sort((a, b) => a.from - b.from || byCodePoint(a.c.sourceEvent, b.c.sourceEvent) || a.to - b.to || byCodePoint(a.c.targetSlot, b.c.targetSlot))
    .map(({ c }): DiagramEdge => ({
      from: keys.get(c.sourceRoutineId)!,
      to: keys.get(c.targetRoutineId)!,
      event: c.sourceEvent,
      slot: c.targetSlot,
      mapping: Object.entries(c.paramMapping ?? {}),
    }));
  return { nodes, edges };
}

/**
 * @internal the drawing model of a Flow or a flow document. Routines are ordered by id and
 * connections by (source, event, target, slot), so a flow, its document and a deserialized
 * copy give the same model. For a document, routine types resolve through the
 * RoutineRegistry; an unregistered type is drawn with its type name, as no entry, and with
 * merge `unknown` on its fan-in slots.
 */
export function diagramModel(source: DiagramSource): DiagramModel {
  if (source instanceof Flow) {
    const routines = [...source.routines].map(([id, routine]) => {
      const ctor = routine.constructor as new () => RoutineBase;
      return { id, type: RoutineRegistry.nameOf(ctor) ?? ctor.name, slots: slotsOf(routine) as SlotMerges };
    });
    return build(routines, source.connections);
  }
  const doc = readDiagramDocument(source);
  return build(
    doc.routines.map((r) => ({ id: r.id, type: r.type, slots: slotsOfType(r.type) })),
    doc.connections,
  );
}
