import { forbiddenKeyPath } from '../forbidden-keys.js';

/** What a client subscribes to. @internal */
export type Target = { readonly jobId: string } | { readonly flow: string } | { readonly all: true };

/** A client message after validation. @internal */
export interface ClientMessage {
  readonly type: 'subscribe' | 'unsubscribe';
  readonly target: Target;
}

/** A refused client message: the code and message sent back as `{ type: 'error' }`. @internal */
export interface MessageProblem {
  readonly code: 'INVALID_ARGUMENT' | 'FORBIDDEN_KEY';
  readonly message: string;
}

const SHAPE = 'send { "type": "subscribe" | "unsubscribe" } with exactly one of "jobId" (string), "flow" (string) or "all": true';

/** Parses and validates one client text message. @internal */
export function parseClientMessage(text: string): ClientMessage | MessageProblem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { code: 'INVALID_ARGUMENT', message: `The message is not JSON; ${SHAPE}.` };
  }
  const forbidden = forbiddenKeyPath(value);
  if (forbidden !== undefined) return { code: 'FORBIDDEN_KEY', message: `The message contains a forbidden key at ${forbidden}.` };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { code: 'INVALID_ARGUMENT', message: `The message must be a JSON object; ${SHAPE}.` };
  const m = value as Record<string, unknown>;
  if (m.type !== 'subscribe' && m.type !== 'unsubscribe') return { code: 'INVALID_ARGUMENT', message: `Unknown message type; ${SHAPE}.` };
  const keys = Object.keys(m).filter((k) => k !== 'type');
  if (keys.length !== 1) return { code: 'INVALID_ARGUMENT', message: `The message must name exactly one target; ${SHAPE}.` };
  const key = keys[0]!;
  const v = m[key];
  if (key === 'jobId' && typeof v === 'string' && v.length > 0 && v.length <= 128) return { type: m.type, target: { jobId: v } };
  if (key === 'flow' && typeof v === 'string' && v.length > 0 && v.length <= 128) return { type: m.type, target: { flow: v } };
  if (key === 'all' && v === true) return { type: m.type, target: { all: true } };
  return { code: 'INVALID_ARGUMENT', message: `Bad target "${key}"; ${SHAPE}.` };
}
