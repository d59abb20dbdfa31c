import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localTime, localTimeInto } from '../../src/report/local-time.js';

// Liberia kept -0:44:30 until 1972: an offset with seconds, whose times' seconds are worked out, not copied.
const ZONES = ['UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Africa/Monrovia'];
const instants = fc.oneof(fc.integer({ min: -86_400_000, max: Date.UTC(2200, 0, 1) }), fc.integer({ min: 0, max: Date.UTC(1972, 0, 1) }));
/** Seconds another time of the same minute may hold: the fast path copies them from the time as they are. */
const SECONDS = ['07', '5x', ',1', ' 9', '99', '60'];

const formats = new Map<string, Intl.DateTimeFormat>();
/** Intl's own wall clock, what localTime must print for a time Date reads. */
function intl(iso: string, timeZone: string): string {
  if (!formats.has(timeZone)) formats.set(timeZone, new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }));
  return (formats.get(timeZone) as Intl.DateTimeFormat).format(new Date(iso));
}

/** localTime's text, or 'failed' for a time Date cannot read (Intl fails on it). */
function printed(iso: string, zone: string): string {
  try {
    return localTime(iso, zone);
  } catch {
    return 'failed';
  }
}

describe('localTimeInto', () => {
  it('writes what localTime prints when that is plain digits, else -1, in any order of calls, zones and times', () => {
    const into = new Uint8Array(64);
    let written = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(instants, fc.constantFrom(...ZONES), fc.boolean(), fc.constantFrom(...SECONDS)), { minLength: 1, maxLength: 20 }), (calls) => {
        for (const [ms, zone, intoFirst, seconds] of calls) {
          const iso = new Date(ms).toISOString();
          // The time, then another of its minute (the fast path's), then the time again.
          for (const time of [iso, `${iso.slice(0, 17)}${seconds}${iso.slice(19)}`, iso]) {
            let text: string;
            let end: number;
            // Either first: each call leaves what the next reads (the last minute, zone and UTC minute).
            if (intoFirst) {
              end = localTimeInto(time, zone, into, 3);
              text = printed(time, zone);
            } else {
              text = printed(time, zone);
              end = localTimeInto(time, zone, into, 3);
            }
            if (time === iso) expect(text, `${time} ${zone}`).toBe(intl(time, zone));
            const plain = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(text);
            // -1 (Intl's text, an hour with a change of offset, seconds not two digits): the caller prints localTime's text.
            if (end !== -1) {
              written++;
              expect(Buffer.from(into.subarray(3, end)).toString('latin1'), `${time} ${zone}`).toBe(text);
              // Only digits, dashes, colons and a space: what a CSV cell takes as it is.
              expect(plain, text).toBe(true);
            }
          }
        }
      }),
      { numRuns: 200, seed: 187 },
    );
    expect(written).toBeGreaterThan(1000);
  });
});
