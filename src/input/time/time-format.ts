/** User-written time formats (`input.timeFormat`, `input.dateFormat`): `YYYY/MM/DD hh:mm:ss A` and the like. */
import { escapeRegExp } from '../../text/fold.js';
import { hourWithPeriod, isCalendarDate, offsetMinutes, type CalendarDate } from './calendar.js';
import type { TimeOfDay } from './time-of-day.js';

/** What a time format read: an instant, or wall-clock fields (with or without a date) and maybe an offset. */
export type ParsedTime =
  | { kind: 'instant'; ms: number }
  | { kind: 'wall'; date: CalendarDate | null; time: TimeOfDay; offsetMinutes: number | null };

export interface TimeFormat {
  source: string;
  /** True when the format has year, month and day (or is an epoch); false for a time of day alone. */
  hasDate: boolean;
  /** True when it has an hour (a date-only format has none). */
  hasTime: boolean;
  parse(text: string): ParsedTime | null;
}

type Slot = 'year' | 'year2' | 'month' | 'monthName' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'fraction' | 'period' | 'offset' | 'epochS' | 'epochMs';

const PERIOD = '(上午|下午|凌晨|早上|早晨|中午|晚上|傍晚|[AaPp]\\.?\\s?[Mm]\\.?)';
const TOKENS: Array<[string, string, Slot | null]> = [
  ['YYYY', '(\\d{4})', 'year'],
  ['YY', '(\\d{2})', 'year2'],
  ['MMMM', '([A-Za-z]{3,})', 'monthName'],
  ['MMM', '([A-Za-z]{3})\\.?', 'monthName'],
  ['MM', '(\\d{2})', 'month'],
  ['M', '(\\d{1,2})', 'month'],
  ['DD', '(\\d{2})', 'day'],
  ['D', '(\\d{1,2})', 'day'],
  ['dddd', '(?:[A-Za-z]+|星期[一二三四五六日天]|周[一二三四五六日天])', null],
  ['ddd', '(?:[A-Za-z]{2,3}\\.?|周[一二三四五六日天])', null],
  ['HH', '(\\d{2})', 'hour'],
  ['H', '(\\d{1,2})', 'hour'],
  ['hh', '(\\d{2})', 'hour12'],
  ['h', '(\\d{1,2})', 'hour12'],
  ['mm', '(\\d{2})', 'minute'],
  ['m', '(\\d{1,2})', 'minute'],
  ['ss', '(\\d{2})', 'second'],
  ['s', '(\\d{1,2})', 'second'],
  ['A', PERIOD, 'period'],
  ['a', PERIOD, 'period'],
  ['ZZ', '(Z|[+-]\\d{2}:?\\d{2})', 'offset'],
  ['Z', '(Z|[+-]\\d{2}(?::?\\d{2})?)', 'offset'],
  ['X', '(\\d{9,11}(?:\\.\\d+)?)', 'epochS'],
  ['x', '(\\d{12,14})', 'epochMs'],
];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Compiles a time format such as `YYYY/MM/DD hh:mm:ss A`, `DD.MM.YYYY HH:mm`, `YYYY年M月D日 ah:mm` or
 * `HH:mm:ss` (a time of day; the date then comes from a date column or `input.date`). Tokens:
 *
 * | token | means |
 * |---|---|
 * | `YYYY` / `YY` | year; `YY` is 2000–2099 |
 * | `MM` / `M` | month, two digits / one or two |
 * | `MMM` / `MMMM` | month name in English, `Nov` / `November` |
 * | `DD` / `D` | day of the month, two digits / one or two |
 * | `ddd` / `dddd` | weekday name (`Tue`, `Tuesday`, `周二`, `星期二`), checked for nothing |
 * | `HH` / `H` | hour 0–23 |
 * | `hh` / `h` | hour 1–12, with `A` |
 * | `mm` / `m`, `ss` / `s` | minute, second |
 * | `S`, `SS`, `SSS` … | fraction of a second, any number of digits |
 * | `A` or `a` | AM/PM (`am`, `p.m.`) or 上午/下午/凌晨/早上/中午/晚上 |
 * | `Z` / `ZZ` | offset `+08:00`, `+0800`, `Z`; without one, times are read in the run's time zone |
 * | `X` / `x` | epoch seconds / milliseconds |
 *
 * A space matches any run of white space; `[text]` is literal text; any other character stands for itself.
 * Throws an Error naming the problem for a format that cannot work.
 */
export function compileTimeFormat(format: string): TimeFormat {
  const slots: Slot[] = [];
  let pattern = '';
  let i = 0;
  while (i < format.length) {
    const rest = format.slice(i);
    if (rest.startsWith('[')) {
      const close = format.indexOf(']', i);
      if (close < 0) throw new Error(`unclosed [ at position ${i + 1}`);
      pattern += escapeRegExp(format.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    if (/^\s/.test(rest)) {
      pattern += '\\s+';
      i += (/^\s+/.exec(rest)?.[0] ?? ' ').length;
      continue;
    }
    if (rest.startsWith('S')) {
      const run = /^S+/.exec(rest)?.[0] ?? 'S';
      pattern += '(\\d{1,9})';
      slots.push('fraction');
      i += run.length;
      continue;
    }
    const token = TOKENS.find(([name]) => rest.startsWith(name));
    if (token) {
      pattern += token[1];
      if (token[2]) slots.push(token[2]);
      i += token[0].length;
      continue;
    }
    const letter = /^[A-Za-z]/.exec(rest)?.[0];
    if (letter) {
      const hint = letter === 'y' ? ' (the year is YYYY)' : letter === 'd' ? ' (the day of the month is DD or D)' : '';
      throw new Error(`"${/^[A-Za-z]+/.exec(rest)?.[0] ?? letter}" at position ${i + 1} is not a token${hint}; put literal letters in [brackets]`);
    }
    pattern += escapeRegExp(rest[0] ?? '');
    i += 1;
  }
  const has = (slot: Slot) => slots.includes(slot);
  for (const slot of new Set(slots)) {
    if (slots.filter((s) => s === slot || (slot === 'year' && s === 'year2') || (slot === 'month' && s === 'monthName') || (slot === 'hour' && s === 'hour12')).length > 1) {
      throw new Error(`the ${slot.replace(/\d|Name|12/g, '')} appears more than once`);
    }
  }
  const epoch = has('epochS') || has('epochMs');
  const year = has('year') || has('year2');
  const month = has('month') || has('monthName');
  const dateParts = [year, month, has('day')].filter(Boolean).length;
  if (!epoch && dateParts > 0 && dateParts < 3) throw new Error('a date needs a year (YYYY), a month (MM) and a day (DD)');
  if (has('hour12') && !has('period')) throw new Error('a 12-hour hour (h or hh) needs A for AM/PM or 上午/下午');
  if (has('period') && !has('hour12')) throw new Error('A (AM/PM) goes with a 12-hour hour: use h or hh, not H');
  const hour = has('hour') || has('hour12');
  if ((has('minute') || has('second')) && !hour) throw new Error('minutes and seconds need an hour (HH, or h with A)');
  if (!epoch && !hour && dateParts === 0) throw new Error('the format has no date and no time');
  if (has('offset') && dateParts === 0) throw new Error('an offset (Z) needs a date: a time of day alone is read in the time zone');
  const regex = new RegExp(`^${pattern}$`, 'i');

  return {
    source: format,
    hasDate: epoch || dateParts === 3,
    hasTime: epoch || hour,
    parse(text: string): ParsedTime | null {
      const m = regex.exec(text.trim());
      if (!m) return null;
      const value: Partial<Record<Slot, string>> = {};
      slots.forEach((slot, index) => {
        value[slot] = m[index + 1];
      });
      if (value.epochS !== undefined) return { kind: 'instant', ms: Math.round(Number(value.epochS) * 1000) };
      if (value.epochMs !== undefined) return { kind: 'instant', ms: Number(value.epochMs) };
      let date: CalendarDate | null = null;
      if (dateParts === 3) {
        const monthNumber = value.monthName !== undefined
          ? MONTH_NAMES.indexOf(value.monthName.slice(0, 3).toLowerCase()) + 1
          : Number(value.month);
        date = { year: value.year2 !== undefined ? 2000 + Number(value.year2) : Number(value.year), month: monthNumber, day: Number(value.day) };
        if (!isCalendarDate(date)) return null;
      }
      const rawHour = Number(value.hour ?? value.hour12 ?? 0);
      const h = has('hour12') ? hourWithPeriod(rawHour, value.period) : rawHour <= 23 ? rawHour : null;
      const minute = Number(value.minute ?? 0);
      const second = Number(value.second ?? 0);
      if (h === null || minute > 59 || second > 59) return null;
      const ms = value.fraction !== undefined ? Math.floor(Number(`0.${value.fraction}`) * 1000) : 0;
      return { kind: 'wall', date, time: { hour: h, minute, second, ms }, offsetMinutes: value.offset !== undefined ? offsetMinutes(value.offset) : null };
    },
  };
}

