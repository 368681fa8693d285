import { describe, expect, it } from 'vitest';
import { isRoutiluxError } from '../../src/index.js';
import { TimeProvider, formatTime } from '../../src/builtins/index.js';
import { ManualClock, received, run } from './helpers.js';

const SATURDAY_NOON = Date.UTC(2026, 0, 3, 12, 0, 5, 42);

function clockAt(ms: number): ManualClock {
  const clock = new ManualClock();
  clock.advance(ms);
  return clock;
}

describe('TimeProvider', () => {
  it('should emit the flow clock time as ISO, timestamp and custom formats', async () => {
    const job = await run(new TimeProvider({ format: 'custom', customFormat: 'YYYY/MM/DD HH:mm:ss.SSS dddd ZZ' }), [{}, { format: 'timestamp' }, { format: 'iso' }], ['output'], { clock: clockAt(SATURDAY_NOON) });
    const [custom, stamp, iso] = received(job, 'output');
    expect(custom).toEqual({ data: '2026/01/03 12:00:05.042 Saturday +00:00', timestamp: SATURDAY_NOON, iso: '2026-01-03T12:00:05.042Z', format: 'custom' });
    expect(stamp!['data']).toBe(String(SATURDAY_NOON));
    expect(iso!['data']).toBe('2026-01-03T12:00:05.042Z');
  });

  it('should format for a locale and time zone', async () => {
    const job = await run(new TimeProvider({ format: 'locale', locale: 'zh-CN', timeZone: 'Asia/Shanghai' }), [{}], ['output'], { clock: clockAt(SATURDAY_NOON) });
    const time = String(received(job, 'output')[0]!['data']);
    expect(time).toContain('2026');
    expect(time).toContain('星期六');
    expect(time).toContain('20:00:05');
    expect(formatTime(new Date(SATURDAY_NOON), 'HH:mm ZZ', 'en-US', 'Asia/Kolkata')).toBe('17:30 +05:30');
  });

  it('should reject unknown locales and time zones', () => {
    for (const bad of [{ locale: 'not a locale!!' }, { timeZone: 'Mars/Base' }]) {
      let code: string | undefined;
      try {
        new TimeProvider(bad);
      } catch (e) {
        code = isRoutiluxError(e) ? e.code : undefined;
      }
      expect(code).toBe('INVALID_CONFIG');
    }
  });
});
