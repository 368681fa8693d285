// Control messages between a DistributedRuntime and the worker holding a job, carried by
// the job's mailbox (RedisControlChannel): durable until the holder takes them.

/** One request to the process that holds a job. */
export type ControlMessage =
  | { readonly op: 'pause'; readonly reason: string }
  | { readonly op: 'resume' }
  | { readonly op: 'cancel'; readonly reason: string }
  | { readonly op: 'post'; readonly routineId: string; readonly slot: string; readonly data: Record<string, unknown> };

/** The mailbox text of a message. */
export function encodeControl(message: ControlMessage): string {
  return JSON.stringify(message);
}

/** Reads a mailbox text; `undefined` for text that is not a control message (it is dropped). */
export function decodeControl(text: string): ControlMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  switch (m['op']) {
    case 'pause':
    case 'cancel':
      return typeof m['reason'] === 'string' ? { op: m['op'], reason: m['reason'] } : undefined;
    case 'resume':
      return { op: 'resume' };
    case 'post':
      return typeof m['routineId'] === 'string' && typeof m['slot'] === 'string' && typeof m['data'] === 'object' && m['data'] !== null && !Array.isArray(m['data'])
        ? { op: 'post', routineId: m['routineId'], slot: m['slot'], data: m['data'] as Record<string, unknown> }
        : undefined;
    default:
      return undefined;
  }
}
