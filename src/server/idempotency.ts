import { createHash } from 'node:crypto';

/** One remembered job start. */
interface Entry {
  readonly bodyDigest: string;
  readonly jobId: string;
}

/**
 * `Idempotency-Key` records of job starts, scoped by API key and flow name. An entry lives
 * while its job is kept by the runtime: `lookup` forgets entries whose job is gone, and a
 * sweep on insert bounds the map by the jobs the runtime keeps. @internal
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private sweepAt = 1024;

  constructor(private readonly jobExists: (jobId: string) => boolean) {}

  private static scope(identity: string, flow: string, key: string): string {
    return `${identity}\u0000${flow}\u0000${key}`;
  }

  /** A stable digest of a request body (key order does not matter). */
  static digest(body: unknown): string {
    return createHash('sha256').update(canonical(body)).digest('hex');
  }

  /** The earlier start under this key, if its job is still kept. */
  lookup(identity: string, flow: string, key: string): Entry | undefined {
    const id = IdempotencyStore.scope(identity, flow, key);
    const entry = this.entries.get(id);
    if (entry !== undefined && !this.jobExists(entry.jobId)) {
      this.entries.delete(id);
      return undefined;
    }
    return entry;
  }

  remember(identity: string, flow: string, key: string, bodyDigest: string, jobId: string): void {
    this.entries.set(IdempotencyStore.scope(identity, flow, key), { bodyDigest, jobId });
    if (this.entries.size >= this.sweepAt) {
      for (const [id, e] of this.entries) if (!this.jobExists(e.jobId)) this.entries.delete(id);
      this.sweepAt = Math.max(1024, this.entries.size * 2);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}
