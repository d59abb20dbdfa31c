import { describe, expect, it } from 'vitest';
import { assertTimeZone, parseTimestamp } from '../../src/input/time/timestamps.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('parseTimestamp', () => {
  it('reads ISO 8601 with offset, Z, and fractions', () => {
    expect(iso(parseTimestamp('2026-11-27T10:00:00+08:00', 'UTC'))).toBe('2026-11-27T02:00:00.000Z');
    expect(iso(parseTimestamp('2026-11-27T02:00:00Z', 'Asia/Shanghai'))).toBe('2026-11-27T02:00:00.000Z');
    expect(iso(parseTimestamp('2026-11-27T02:00:00.250Z', 'UTC'))).toBe('2026-11-27T02:00:00.250Z');
    expect(iso(parseTimestamp('2026-11-27T10:00:00+0800', 'UTC'))).toBe('2026-11-27T02:00:00.000Z');
  });
  it('reads wall-clock forms in the given zone', () => {
    expect(iso(parseTimestamp('2026-11-27 10:00:00', 'Asia/Shanghai'))).toBe('2026-11-27T02:00:00.000Z');
    expect(iso(parseTimestamp('2026/11/27 10:00:00', 'Asia/Shanghai'))).toBe('2026-11-27T02:00:00.000Z');
    expect(iso(parseTimestamp('2026-11-27T10:00:00', 'UTC'))).toBe('2026-11-27T10:00:00.000Z');
    expect(iso(parseTimestamp('2026年11月27日 10:00:00', 'Asia/Shanghai'))).toBe('2026-11-27T02:00:00.000Z');
    expect(iso(parseTimestamp('2026年11月27日 下午3:05:09', 'Asia/Shanghai'))).toBe('2026-11-27T07:05:09.000Z');
  });
  it('gets daylight-saving transitions right', () => {
    // New York springs forward at 02:00 on 2026-03-08: 01:59:59 EST is followed by 03:00:00 EDT.
    expect(iso(parseTimestamp('2026-03-08 01:59:59', 'America/New_York'))).toBe('2026-03-08T06:59:59.000Z');
    expect(iso(parseTimestamp('2026-03-08 03:00:00', 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(parseTimestamp('2026-07-01 12:00:00', 'America/New_York'))).toBe('2026-07-01T16:00:00.000Z');
  });
  it('tells epoch seconds from milliseconds by size, as numbers or strings', () => {
    expect(iso(parseTimestamp(1795737600, 'UTC'))).toBe('2026-11-27T00:00:00.000Z');
    expect(iso(parseTimestamp(1795737600000, 'UTC'))).toBe('2026-11-27T00:00:00.000Z');
    expect(iso(parseTimestamp('1795737600', 'UTC'))).toBe('2026-11-27T00:00:00.000Z');
    expect(iso(parseTimestamp('1795737600123', 'UTC'))).toBe('2026-11-27T00:00:00.123Z');
  });
  it('rejects what is not a time', () => {
    for (const bad of ['', 'yesterday', '2026-13-01 00:00:00', '2026-02-30 10:00:00', 'NaN', -5, Number.NaN, null, {}, '99999999999999999'])
      expect(parseTimestamp(bad, 'UTC')).toBeNull();
  });
});

describe('assertTimeZone', () => {
  it('accepts canonical names, aliases and UTC, and rejects anything else', () => {
    for (const zone of ['Asia/Shanghai', 'America/New_York', 'UTC', 'Etc/UTC', 'US/Eastern', 'Asia/Calcutta', 'Etc/GMT+8']) {
      expect(() => assertTimeZone(zone), zone).not.toThrow();
    }
    for (const zone of ['Mars/Olympus', '', 'Asia/', 'Beijing']) expect(() => assertTimeZone(zone), zone).toThrow(/unknown time zone/);
  });
});
