import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { knownZoneOffset, knowZoneOffsets, type ZoneOffsetTable } from '../../src/model/zone-offsets.js';
import { hourOffset, localTime, zoneOffsetChanges } from '../../src/report/local-time.js';

// Written by `npm run build` (scripts/parse-packs.mjs), which `npm test` runs first.
const BUILT = JSON.parse(readFileSync(new URL('../../dist/parsed-packs.json', import.meta.url), 'utf8')) as { zoneOffsets: ZoneOffsetTable };
const HOUR = 3_600_000;
const here = { tz: process.versions.tz as string, icu: process.versions.icu as string };

afterEach(() => {
  knowZoneOffsets(undefined);
});

describe("the build's zone offsets", () => {
  it('hold, for the packs\' zones, what Intl gives hour by hour (sampled, and around every change)', () => {
    const { from, to, zones } = BUILT.zoneOffsets;
    expect(Object.keys(zones)).toContain('Asia/Shanghai');
    expect(BUILT.zoneOffsets.tz).toBe(here.tz);
    knowZoneOffsets(BUILT.zoneOffsets);
    for (const [zone, changes] of Object.entries(zones)) {
      const hours = new Set<number>();
      for (let hour = from; hour < to; hour += 97) hours.add(hour);
      for (const [at] of changes) for (let d = -3; d <= 3; d++) if (at + d >= from && at + d < to) hours.add(at + d);
      hours.add(to - 1);
      for (const hour of hours) expect(knownZoneOffset(zone, hour), `${zone} ${new Date(hour * HOUR).toISOString()}`).toBe(hourOffset(zone, hour));
    }
  });

  it('are what zoneOffsetChanges gives: a change where the offset changes, null for an hour that holds one', () => {
    // Berlin in 2026: summer time from 01:00 UTC on 29 March to 01:00 UTC on 25 October.
    const from = Date.UTC(2026, 2, 28) / HOUR;
    const to = Date.UTC(2026, 9, 26) / HOUR;
    const changes = zoneOffsetChanges('Europe/Berlin', from, to);
    expect(changes).toEqual([
      [from, HOUR],
      [Date.UTC(2026, 2, 29, 1) / HOUR, 2 * HOUR],
      [Date.UTC(2026, 9, 25, 1) / HOUR, HOUR],
    ]);
    // An offset that changes inside an hour (Lord Howe's half-hour summer time begins at 02:00 local, 15:30 UTC).
    const howe = zoneOffsetChanges('Australia/Lord_Howe', Date.UTC(2026, 9, 3, 14) / HOUR, Date.UTC(2026, 9, 3, 18) / HOUR);
    expect(howe.map(([, offset]) => offset)).toEqual([10.5 * HOUR, null, 11 * HOUR]);
  });

  it('are taken only under the tz database and ICU that made them, within their hours, and for well-formed zones', () => {
    const table = { ...here, from: 100, to: 200, zones: { 'Test/Zone': [[100, HOUR], [150, null], [151, 2 * HOUR]] as Array<[number, number | null]> } };
    knowZoneOffsets(table);
    expect([99, 100, 149, 150, 151, 199, 200].map((hour) => knownZoneOffset('Test/Zone', hour))).toEqual([undefined, HOUR, HOUR, Number.NaN, 2 * HOUR, 2 * HOUR, undefined]);
    expect(knownZoneOffset('Asia/Shanghai', 120)).toBeUndefined();
    for (const other of [{ ...table, tz: 'other' }, { ...table, icu: '0.0' }, { ...table, from: 'x' }, null, 'table']) {
      knowZoneOffsets(other);
      expect(knownZoneOffset('Test/Zone', 120)).toBeUndefined();
    }
    // A zone whose list does not start at `from`, goes back, or holds no number is left to Intl.
    knowZoneOffsets({ ...table, zones: { a: [[101, HOUR]], b: [[100, HOUR], [120, HOUR], [110, HOUR]], c: [[100, 'one hour']], d: [[100, 1.5]], ok: [[100, 0]] } });
    expect(['a', 'b', 'c', 'd', 'ok'].map((zone) => knownZoneOffset(zone, 150))).toEqual([undefined, undefined, undefined, undefined, 0]);
  });

  it("are what localTime prints from (a planted offset shows), and Intl prints the hours they hold no offset for", () => {
    // Chatham is used by no other test: its hours are not yet kept by localTime.
    const zone = 'Pacific/Chatham';
    const at = Date.UTC(2031, 0, 5, 10, 20, 30);
    const hour = Math.floor(at / HOUR);
    knowZoneOffsets({ ...here, from: hour, to: hour + 1, zones: { [zone]: [[hour, 3 * HOUR]] } });
    expect(localTime(new Date(at).toISOString(), zone)).toBe('2031-01-05 13:20:30');
    // The next hour is outside the table: Intl's (+13:45 in Chatham's summer).
    expect(localTime(new Date(at + HOUR).toISOString(), zone)).toBe('2031-01-06 01:05:30');
  });
});
