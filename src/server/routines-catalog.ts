import { Flow, RoutineRegistry, findRoutineMetadata, scanRoutineClass, type RoutineBase, type RoutineClass } from '../index.js';

/** One registered routine type as `GET /routines` describes it. */
export interface RoutineDescription {
  name: string;
  slots: { name: string; merge: string }[];
  events: { name: string; params: string[] }[];
  configKeys: string[];
}

const cache = new WeakMap<RoutineClass, RoutineDescription>();

function mergeName(merge: unknown): string {
  return merge === 'override' || merge === 'append' ? merge : 'custom';
}

/**
 * Describes a routine type from an instance built the way a flow builds it (through the
 * DI container), which also shows slots and events defined in the constructor; when the
 * class cannot be built without more wiring, from its decorator metadata alone.
 */
function describeType(name: string, cls: RoutineClass): RoutineDescription {
  const cached = cache.get(cls);
  if (cached !== undefined && cached.name === name) return cached;
  const meta = findRoutineMetadata(cls);
  const configKeys = new Set<string>();
  if (meta?.configClass !== undefined) {
    try {
      for (const key of Object.keys(new meta.configClass())) configKeys.add(key);
    } catch {
      // a config class that cannot be built bare lists no defaults
    }
  }
  let description: RoutineDescription;
  try {
    const probe = new Flow();
    probe.addRoutine(cls as unknown as new () => RoutineBase, 'probe');
    const routine = probe.routines.get('probe')!;
    for (const key of Object.keys(routine.config)) configKeys.add(key);
    description = {
      name,
      slots: [...routine.slots.values()].map((s) => ({ name: s.name, merge: mergeName(s.merge) })),
      events: [...routine.events.values()].map((e) => ({ name: e.name, params: [...e.params] })),
      configKeys: [...configKeys].sort(),
    };
  } catch {
    const def = scanRoutineClass(cls as unknown as Function);
    description = {
      name,
      slots: [...def.slots.values()].map((s) => ({ name: s.name, merge: mergeName(s.merge ?? 'override') })),
      events: [...def.events.values()].map((e) => ({ name: e.name, params: [...e.params] })),
      configKeys: [...configKeys].sort(),
    };
  }
  cache.set(cls, description);
  return description;
}

/** Every registered routine type, by name. @internal */
export function describeRoutines(): RoutineDescription[] {
  return RoutineRegistry.list()
    .sort()
    .map((name) => describeType(name, RoutineRegistry.get(name)!));
}
