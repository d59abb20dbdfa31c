import { knownZoneOffset, type OffsetChange } from '../model/zone-offsets.js';

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** Intl's wall clock for an instant: `2026-11-27 19:03:27` (sv-SE prints ISO-like dates whatever the machine's locale). */
function intlLocalTime(date: Date, timezone: string): string {
  let format = timeFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('sv-SE', {
      timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    timeFormats.set(timezone, format);
  }
  return format.format(date);
}

const HOUR_MS = 3_600_000;
/** Per zone, per UTC hour: the zone's offset in milliseconds through that hour, or NaN when it changes within it. */
const hourOffsets = new Map<string, Map<number, number>>();

/** The offset Intl shows at a whole second: its wall clock read as UTC, less the instant. */
function offsetAt(ms: number, timezone: string): number {
  const wall = intlLocalTime(new Date(ms), timezone);
  const wallMs = Date.UTC(+wall.slice(0, 4), +wall.slice(5, 7) - 1, +wall.slice(8, 10), +wall.slice(11, 13), +wall.slice(14, 16), +wall.slice(17, 19));
  return wall.length === 19 ? wallMs - ms : Number.NaN;
}

/** The zone's offset through UTC `hour` as Intl shows it at both ends of the hour, NaN when they differ (a change within it). */
export function hourOffset(timezone: string, hour: number): number {
  const start = offsetAt(hour * HOUR_MS, timezone);
  return start === offsetAt(hour * HOUR_MS + HOUR_MS - 1000, timezone) ? start : Number.NaN;
}

/** hourOffset for every UTC hour in [from, to), as the changes model/zone-offsets.ts keeps (null for NaN). */
export function zoneOffsetChanges(timezone: string, from: number, to: number): OffsetChange[] {
  const changes: OffsetChange[] = [];
  let last: number | null | undefined;
  for (let hour = from; hour < to; hour++) {
    const offset = hourOffset(timezone, hour);
    const kept = Number.isNaN(offset) ? null : offset;
    if (kept !== last) changes.push([hour, kept]);
    last = kept;
  }
  return changes;
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * An ISO UTC time as the wall clock shows it in `timezone`: `2026-11-27 19:03:27`. Intl formats it, once per
 * UTC hour and zone: the offset it shows at both ends of the hour holds through it (offsets change at most
 * once in an hour), so the other times of that hour are that offset added and printed the same way.
 * Anything else (an hour that holds a change, years outside 1970–9999, a time Date cannot read) goes to Intl.
 */
export function localTime(iso: string, timezone: string): string {
  if (!readClock(iso, timezone)) return intlLocalTime(new Date(iso), timezone);
  return lastPrefix.text + (secondsFromIso ? iso.slice(17, 19) : two(clockSeconds));
}

/**
 * localTime's text written into `into` at `at` as ASCII: where it ends, or -1 (nothing to count on written)
 * when it is not the fast path's digits, dashes, colons and a space (Intl's text; seconds taken from a time
 * that are not two digits). Nothing is made per call but what reading the time makes.
 */
export function localTimeInto(iso: string, timezone: string, into: Uint8Array, at: number): number {
  if (!readClock(iso, timezone)) return -1;
  const high = secondsFromIso ? iso.charCodeAt(17) : ZERO + Math.floor(clockSeconds / 10);
  const low = secondsFromIso ? iso.charCodeAt(18) : ZERO + (clockSeconds % 10);
  if (high < ZERO || high > ZERO + 9 || low < ZERO || low > ZERO + 9) return -1;
  const { bytes } = lastPrefix;
  let to = at;
  for (let i = 0; i < bytes.length; i++) into[to++] = bytes[i] as number;
  into[to++] = high;
  into[to++] = low;
  return to;
}

/**
 * Reads `iso`'s wall clock in `timezone` the fast way: its minute (lastPrefix) and seconds (the time's own
 * two characters when secondsFromIso, else clockSeconds); false when Intl must print it.
 */
function readClock(iso: string, timezone: string): boolean {
  // The same UTC minute as the last time printed (in toISOString's form): the same local minute, the same seconds.
  if (timezone === lastZone && iso.length === 24 && iso.charCodeAt(23) === Z && iso.startsWith(lastUtcMinute)) {
    secondsFromIso = true;
    return true;
  }
  const ms = Date.parse(iso);
  if (!(ms >= 0 && ms < MAX_FAST_MS)) return false;
  let offsets = hourOffsets.get(timezone);
  if (!offsets) hourOffsets.set(timezone, (offsets = new Map()));
  const hour = Math.floor(ms / HOUR_MS);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    // UTC has no offset to ask Intl for, and the build's table (model/zone-offsets.ts) holds the built-in packs'
    // zones: making a DateTimeFormat was ~11 ms of a small pretty check.
    offset = timezone === 'UTC' ? 0 : (knownZoneOffset(timezone, hour) ?? hourOffset(timezone, hour));
    offsets.set(hour, offset);
  }
  if (Number.isNaN(offset)) return false;
  const wall = ms + offset;
  const minute = Math.floor(wall / 60_000);
  // Times come close together (a conversation's messages): the date, hour and minute are printed once a minute.
  if (minute !== lastMinute) {
    // A report's rows go back and forth over a night's minutes: each is printed once and kept.
    let prefix = minutePrefixes.get(minute);
    if (prefix === undefined) {
      const d = new Date(minute * 60_000);
      const text = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:`;
      prefix = { text, bytes: Uint8Array.from(text, (c) => c.charCodeAt(0)) };
      if (minutePrefixes.size >= MINUTES_KEPT) minutePrefixes.clear();
      minutePrefixes.set(minute, prefix);
    }
    lastPrefix = prefix;
    lastMinute = minute;
  }
  // Offsets of whole minutes keep the seconds: the next time in this UTC minute is printed from the last.
  lastZone = offset % 60_000 === 0 && iso.length === 24 && iso.charCodeAt(23) === Z ? timezone : '';
  lastUtcMinute = iso.slice(0, 17);
  secondsFromIso = false;
  clockSeconds = Math.floor((wall - minute * 60_000) / 1000);
  return true;
}
const Z = 0x5a;
const ZERO = 0x30;
/** A wall-clock minute as printed (`2026-11-27 19:03:`), and its bytes (ASCII). */
interface MinutePrefix {
  text: string;
  bytes: Uint8Array;
}
/** Wall-clock minutes printed lately (a night has 1,440), by minute since 1970. */
const minutePrefixes = new Map<number, MinutePrefix>();
const MINUTES_KEPT = 4096;
let lastMinute = Number.NaN;
let lastPrefix: MinutePrefix = { text: '', bytes: new Uint8Array(0) };
let lastZone = '';
let lastUtcMinute = '';
/** What readClock read last: whether the seconds are the time's own characters, else their value. */
let secondsFromIso = false;
let clockSeconds = 0;
/** Past 9999 years print differently (and a wall clock one day off could cross it). */
const MAX_FAST_MS = Date.UTC(9999, 0, 1);

/**
 * The same wall-clock time as a Date whose UTC fields hold it. Spreadsheet date cells have no zone: a
 * writer that turns a Date into a serial number through its UTC value then shows the local time.
 */
export function wallClockDate(iso: string, timezone: string): Date {
  const [date = '', time = ''] = localTime(iso, timezone).split(' ');
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi, s] = time.split(':').map(Number);
  return new Date(Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0, new Date(iso).getUTCMilliseconds()));
}
