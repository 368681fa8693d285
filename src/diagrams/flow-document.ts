import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';

/** @internal one routine of a flow document, as far as a diagram needs it. */
export interface DocumentRoutine {
  readonly id: string;
  readonly type: string;
}

/** @internal one connection of a flow document, in the long form. */
export interface DocumentConnection {
  readonly sourceRoutineId: string;
  readonly sourceEvent: string;
  readonly targetRoutineId: string;
  readonly targetSlot: string;
  readonly paramMapping?: Readonly<Record<string, string>>;
}

/** @internal the parts of a flow document (services.md §3) that a diagram draws. */
export interface DiagramDocument {
  readonly routines: readonly DocumentRoutine[];
  readonly connections: readonly DocumentConnection[];
}

interface Issue {
  path: string;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const pointer = (...parts: (string | number)[]): string => parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** Splits `routineId.name` at the last `.` (services.md §3); undefined when there is none. */
function splitEndpoint(value: unknown): [string, string] | undefined {
  if (typeof value !== 'string') return undefined;
  const dot = value.lastIndexOf('.');
  if (dot <= 0 || dot === value.length - 1) return undefined;
  return [value.slice(0, dot), value.slice(dot + 1)];
}

function readMapping(raw: unknown, at: string, issues: Issue[]): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw) || Object.values(raw).some((v) => typeof v !== 'string')) {
    issues.push({ path: `${at}/paramMapping`, message: 'paramMapping must be an object of strings ({ from: to })' });
    return undefined;
  }
  return raw as Record<string, string>;
}

function readConnection(raw: unknown, i: number, issues: Issue[]): DocumentConnection | undefined {
  const at = pointer('connections', i);
  if (!isObject(raw)) {
    issues.push({ path: at, message: 'a connection must be an object' });
    return undefined;
  }
  const mapping = readMapping(raw['paramMapping'], at, issues);
  const extra = mapping === undefined ? {} : { paramMapping: mapping };
  if ('from' in raw || 'to' in raw) {
    const from = splitEndpoint(raw['from']);
    const to = splitEndpoint(raw['to']);
    if (from === undefined) issues.push({ path: `${at}/from`, message: 'from must be "routineId.event"' });
    if (to === undefined) issues.push({ path: `${at}/to`, message: 'to must be "routineId.slot"' });
    if (from === undefined || to === undefined) return undefined;
    return { sourceRoutineId: from[0], sourceEvent: from[1], targetRoutineId: to[0], targetSlot: to[1], ...extra };
  }
  const keys = ['sourceRoutineId', 'sourceEvent', 'targetRoutineId', 'targetSlot'] as const;
  let ok = true;
  for (const key of keys) {
    if (typeof raw[key] !== 'string') {
      issues.push({ path: `${at}/${key}`, message: `${key} must be a string` });
      ok = false;
    }
  }
  if (!ok) return undefined;
  return {
    sourceRoutineId: raw['sourceRoutineId'] as string,
    sourceEvent: raw['sourceEvent'] as string,
    targetRoutineId: raw['targetRoutineId'] as string,
    targetSlot: raw['targetSlot'] as string,
    ...extra,
  };
}

/**
 * @internal reads what a diagram needs from a flow document (`flow.serialize()` output, the
 * shorthand connection form included). A document that is not shaped like one →
 * `INVALID_FORMAT` listing every issue as `{ path, message }`.
 */
export function readDiagramDocument(data: unknown): DiagramDocument {
  const issues: Issue[] = [];
  const routines: DocumentRoutine[] = [];
  const connections: DocumentConnection[] = [];
  if (!isObject(data)) {
    issues.push({ path: '', message: 'a flow document must be an object like { version: 1, routines, connections }' });
  } else {
    const rawRoutines = data['routines'];
    if (!isObject(rawRoutines)) issues.push({ path: '/routines', message: 'routines must be an object of { type, config? } by routine id' });
    else {
      for (const [id, r] of Object.entries(rawRoutines)) {
        if (!isObject(r) || typeof r['type'] !== 'string') issues.push({ path: pointer('routines', id, 'type'), message: 'each routine needs a type (string)' });
        else routines.push({ id, type: r['type'] });
      }
    }
    const rawConnections = data['connections'] ?? [];
    if (!Array.isArray(rawConnections)) issues.push({ path: '/connections', message: 'connections must be an array' });
    else rawConnections.forEach((c, i) => {
      const conn = readConnection(c, i, issues);
      if (conn !== undefined) connections.push(conn);
    });
  }
  if (issues.length > 0) {
    throw new SerializationError(
      ErrorCode.INVALID_FORMAT,
      `Cannot draw this flow document: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}. Pass a Flow or the object flow.serialize() returns.`,
      { details: { issues } },
    );
  }
  return { routines, connections };
}
