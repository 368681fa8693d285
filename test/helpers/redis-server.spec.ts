import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedisServer } from './redis-server.js';

// The test Redis itself: loopback only, the required settings, everything inside its temp
// dir, restart on the same port and data, and no process left behind.

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startRedisServer', () => {
  it('runs on loopback with appendonly and noeviction, keeps data across kill -9 and restart, and leaves no process', async () => {
    const server = await startRedisServer();
    try {
      const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
      client.on('error', () => undefined);
      try {
        expect(await client.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
        expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
        expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
        expect(await client.config('GET', 'save')).toEqual(['save', '']);
        expect(await client.config('GET', 'dir')).toEqual(['dir', server.dir]);
        await client.set('k', 'v');
        const first = server.pid();
        await server.kill9();
        expect(alive(first)).toBe(false);
        await server.restart();
        expect(server.pid()).not.toBe(first);
        expect(await client.get('k')).toBe('v');
        expect(existsSync(join(server.dir, 'appendonlydir'))).toBe(true);
      } finally {
        client.disconnect();
      }
      const last = server.pid();
      await server.stop();
      expect(alive(last)).toBe(false);
      await server.stop(); // idempotent
    } finally {
      await server.stop();
      rmSync(server.dir, { recursive: true, force: true });
    }
  });
});
