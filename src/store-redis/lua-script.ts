import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * A Lua script of this package (its source is a constant of `lua/`, never built from input:
 * keys and arguments travel as KEYS/ARGV data) run with EVALSHA. When the server does not
 * know it (after a restart, a SCRIPT FLUSH or on a fresh replica) it is loaded with SCRIPT
 * LOAD and run by its SHA again; nothing is ever sent as EVAL.
 */
export class LuaScript {
  /** The script's SHA-1, as Redis names it. */
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with `keys` and `args`; resolves its reply. */
  async run(client: Redis, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      await client.script('LOAD', this.source);
      return client.evalsha(this.sha, keys.length, ...keys, ...args);
    }
  }
}
