import { createRequire } from 'node:module';
import type * as Luxon from 'luxon';
import { TimeZoneError } from '../../errors.js';
import { hourWithPeriod, isCalendarDate, offsetMinutes } from './calendar.js';

// luxon is loaded the first time a wall-clock time needs a zone's offset: a run whose timestamps all carry
// an offset (or are in UTC) never loads it.
let luxon: typeof Luxon | undefined;
const loadLuxon = (): typeof Luxon => (luxon ??= createRequire(import.meta.url)('luxon') as typeof Luxon);

/** Epoch numbers below this are seconds; at or above, milliseconds (1e11 s is the year 5138, 1e11 ms is 1973). */
const EPOCH_MS_THRESHOLD = 1e11;

/** Largest span we accept: years 1970–2200. Anything outside is a broken export, not a real chat. */
const MIN_MS = 0;
const MAX_MS = Date.UTC(2200, 0, 1);

// YYYY-MM-DD or YYYY/MM/DD, then T or space, then HH:mm[:ss[.fff]], then optional Z or ±HH[:]MM
const DATE_TIME =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
// 2026年11月27日 14:03:05 (also without seconds)
const CHINESE_DATE_TIME =
  /^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:(上午|下午|凌晨|早上|中午|晚上)?\s*(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2})秒?)?)?$/;
const NUMERIC = /^-?\d+(?:\.\d+)?$/;
// 12-hour clocks after a Y-M-D date: `2026-11-27 03:05:09 PM`, `2026/11/27 3:05 p.m.`, `2026/11/27 下午3:05:09`,
// `2026年11月27日 3:05 PM` (the Chinese period word before the time, the Latin one after it).
const DATE_TIME_12H =
  /^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日)(?:[T ]+|(?=\D))(?:(上午|下午|凌晨|早上|早晨|中午|晚上|傍晚)\s*)?(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:[.,](\d{1,9}))?)?\s*((?:[ap])\.?\s?m\.?)?$/i;


/** What luxon's IANAZone.isValidZone does, without loading luxon for it. */
function isValidZone(zone: string): boolean {
  if (!zone) return false;
  // UTC is no entry of ICU's list of canonical zones, and the default when a rule file names none.
  if (zone === 'UTC' || zone === 'Etc/UTC') return true;
  // A canonical name is looked up in ICU's list (~1 ms); building a formatter to try it costs 15-30 ms
  // of a small run's start-up. Aliases (US/Eastern, Etc/UTC) and bad names still go the slow way.
  if (canonicalZones().has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
    return true;
  } catch {
    return false;
  }
}

let zones: ReadonlySet<string> | undefined;
const canonicalZones = (): ReadonlySet<string> => (zones ??= new Set(Intl.supportedValuesOf('timeZone')));

/** Throws TimeZoneError for a name that is not an IANA zone (a configuration error, exit 2). */
export function assertTimeZone(zone: string): void {
  if (!isValidZone(zone)) throw new TimeZoneError(`unknown time zone "${zone}" (expected an IANA name such as Asia/Shanghai)`);
}

/**
 * Converts wall-clock fields in an IANA zone to epoch ms.
 * Offsets are cached per zone and local hour when the whole hour shares one offset, so a night's
 * export costs one luxon call per hour instead of one per message; DST hours fall through to luxon.
 */
const offsetCache = new Map<string, number>();
export function wallClockToEpoch(
  zone: string,
  year: number, month: number, day: number,
  hour: number, minute: number, second: number, ms: number,
): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const key = `${zone}|${year}-${month}-${day}T${hour}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return Date.UTC(year, month - 1, day, hour, minute, second, ms) - cached * 60_000;
  const { DateTime } = loadLuxon();
  const at = (m: number) => DateTime.fromObject({ year, month, day, hour, minute: m }, { zone });
  const start = at(0);
  const end = at(59);
  if (start.isValid && end.isValid && start.offset === end.offset && start.hour === hour && end.hour === hour) {
    if (offsetCache.size > 10_000) offsetCache.clear();
    offsetCache.set(key, start.offset);
    return Date.UTC(year, month - 1, day, hour, minute, second, ms) - start.offset * 60_000;
  }
  const exact = DateTime.fromObject({ year, month, day, hour, minute, second, millisecond: ms }, { zone });
  return exact.toMillis();
}

function validFields(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  return isCalendarDate({ year, month, day }) && hour <= 23 && minute <= 59 && second <= 60;
}

/** Two ASCII digits at `at` as a number, or -1. */
function digits2(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

// A night's timestamps share their date, hour and offset for thousands of records in a row: the epoch of
// the last such hour is kept, so the next record of that hour costs no Date.UTC and no calendar check.
let lastHourKey = -1;
let lastHourStart = 0;
// The last text read (with its zone) and what it gave: records of a busy night share their second with
// the record before nine times in ten, whatever form the export writes times in.
let lastText = '';
let lastZone = '';
let lastResult: number | null = null;

/**
 * The one form most exports write, `YYYY-MM-DDTHH:mm:ss` with `Z` or `±HH:MM`, read without a regular
 * expression; undefined for any other form (parseTimestamp goes on with its patterns, which agree on this one).
 */
function isoWithOffset(text: string): number | null | undefined {
  const length = text.length;
  if ((length !== 20 && length !== 25) || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(10) !== 0x54) return undefined;
  if (text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a) return undefined;
  const century = digits2(text, 0);
  const yy = digits2(text, 2);
  const month = digits2(text, 5);
  const day = digits2(text, 8);
  const hour = digits2(text, 11);
  const minute = digits2(text, 14);
  const second = digits2(text, 17);
  if (century < 0 || yy < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  let offset = 0;
  if (length === 20) {
    if (text.charCodeAt(19) !== 0x5a && text.charCodeAt(19) !== 0x7a) return undefined;
  } else {
    const sign = text.charCodeAt(19);
    const oh = digits2(text, 20);
    const om = digits2(text, 23);
    if ((sign !== 0x2b && sign !== 0x2d) || text.charCodeAt(22) !== 0x3a || oh < 0 || om < 0) return undefined;
    offset = (sign === 0x2d ? -1 : 1) * (oh * 60 + om);
  }
  if (minute > 59 || second > 60) return null;
  // Date, hour and offset in one integer (each part below 100, the offset within ±6000 minutes).
  const hourKey = ((((century * 100 + yy) * 100 + month) * 100 + day) * 100 + hour) * 16384 + offset + 8192;
  if (hourKey !== lastHourKey) {
    const year = century * 100 + yy;
    if (!validFields(year, month, day, hour, minute, second)) return null;
    lastHourKey = hourKey;
    lastHourStart = Date.UTC(year, month - 1, day, hour, 0, 0, 0) - offset * 60_000;
  }
  return inRange(lastHourStart + minute * 60_000 + second * 1000);
}

function inRange(ms: number): number | null {
  return Number.isFinite(ms) && ms >= MIN_MS && ms < MAX_MS ? ms : null;
}

function fromEpochNumber(n: number): number | null {
  if (!Number.isFinite(n) || n < 0) return null;
  return inRange(n >= EPOCH_MS_THRESHOLD ? Math.round(n) : Math.round(n * 1000));
}

function fraction(text: string | undefined): number {
  return text ? Math.floor(Number(`0.${text}`) * 1000) : 0;
}

/**
 * Parses the timestamp forms chat exports use: ISO 8601 with or without offset, `YYYY-MM-DD HH:mm:ss`,
 * `YYYY/MM/DD HH:mm:ss`, `YYYY年M月D日 HH:mm:ss`, 12-hour clocks after a year-first date (`2026-11-27 03:05:09 PM`,
 * `2026/11/27 下午3:05:09`, `2026年11月27日 上午9:05`), epoch seconds or milliseconds (numbers or numeric strings).
 * Day-first and month-first dates (`11/27/2026`) are ambiguous and need an `input.timeFormat`.
 * Wall-clock times without an offset are read in `zone`. Returns epoch ms, or null when unusable.
 */
export function parseTimestamp(value: unknown, zone: string): number | null {
  if (typeof value === 'number') return fromEpochNumber(value);
  if (typeof value !== 'string') return null;
  if (value === lastText && zone === lastZone) return lastResult;
  const result = parseTimestampText(value, zone);
  lastText = value;
  lastZone = zone;
  lastResult = result;
  return result;
}

function parseTimestampText(value: string, zone: string): number | null {
  const fast = isoWithOffset(value);
  if (fast !== undefined) return fast;
  const text = value.trim();
  if (text === '') return null;
  if (NUMERIC.test(text)) return fromEpochNumber(Number(text));

  const m = DATE_TIME.exec(text);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac, offset] = m;
    const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const;
    if (!validFields(...fields)) return null;
    const ms = fraction(frac);
    if (offset) return inRange(Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], ms) - offsetMinutes(offset) * 60_000);
    return inRange(wallClockToEpoch(zone, ...fields, ms));
  }

  const c = CHINESE_DATE_TIME.exec(text);
  if (c) {
    const [, y, mo, d, period, h = '0', mi = '0', s = '0'] = c;
    const hour = hourWithPeriod(Number(h), period);
    if (hour === null) return null;
    const fields = [Number(y), Number(mo), Number(d), hour, Number(mi), Number(s)] as const;
    if (!validFields(...fields)) return null;
    return inRange(wallClockToEpoch(zone, ...fields, 0));
  }

  const t = DATE_TIME_12H.exec(text);
  if (t) {
    const [, y, mo1, d1, mo2, d2, zhPeriod, h = '', mi = '', s = '0', frac, latinPeriod] = t;
    if ((zhPeriod === undefined) === (latinPeriod === undefined)) return null;
    const hour = hourWithPeriod(Number(h), zhPeriod ?? latinPeriod);
    if (hour === null) return null;
    const fields = [Number(y), Number(mo1 ?? mo2), Number(d1 ?? d2), hour, Number(mi), Number(s)] as const;
    if (!validFields(...fields)) return null;
    return inRange(wallClockToEpoch(zone, ...fields, fraction(frac)));
  }

  // Last resort for RFC 2822 and similar forms that carry their own offset; never for zone-less text.
  if (/(?:[+-]\d{4}|GMT|UTC|Z)\b/i.test(text)) {
    const parsed = Date.parse(text);
    if (!Number.isNaN(parsed)) return inRange(parsed);
  }
  return null;
}
