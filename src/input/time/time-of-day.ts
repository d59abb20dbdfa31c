/**
 * Times without a date. Some exports write only `HH:mm:ss` on each line and the date once, in a header or
 * a column of its own; these helpers read such times and date them, rolling over midnight.
 */
import { hourWithPeriod, isCalendarDate, type CalendarDate } from './calendar.js';
import { wallClockToEpoch } from './timestamps.js';

// A time of day alone, 24-hour or with a period word: `23:59:01`, `9:05`, `3:05:09 PM`, `下午3:05`.
const TIME_OF_DAY =
  /^(?:(上午|下午|凌晨|早上|早晨|中午|晚上|傍晚)\s*)?(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:[.,](\d{1,9}))?)?\s*([ap]\.?\s?m\.?)?$/i;
const CALENDAR_DATE = /^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日)$/;

/** A time of day as written alone (`23:59:01`, `3:05 PM`, `下午3:05:09`). */
export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

/** Reads a time of day without a date (24-hour, or 12-hour with AM/PM or 上午/下午), or null. */
export function parseTimeOfDay(value: string): TimeOfDay | null {
  const m = TIME_OF_DAY.exec(value.trim());
  if (!m) return null;
  const [, zhPeriod, h = '', mi = '', s = '0', frac, latinPeriod] = m;
  if (zhPeriod && latinPeriod) return null;
  const hour = hourWithPeriod(Number(h), zhPeriod ?? latinPeriod);
  const minute = Number(mi);
  const second = Number(s);
  if (hour === null || minute > 59 || second > 59) return null;
  return { hour, minute, second, ms: frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0 };
}

/** Reads a date alone: `2026-11-27`, `2026/11/27`, `2026.11.27`, `2026年11月27日`; null when not a real date. */
export function parseCalendarDate(value: string): CalendarDate | null {
  const m = CALENDAR_DATE.exec(value.trim());
  if (!m) return null;
  const date = { year: Number(m[1]), month: Number(m[2] ?? m[4]), day: Number(m[3] ?? m[5]) };
  return isCalendarDate(date) ? date : null;
}

const DAY_SECONDS = 24 * 3600;
/** A time more than this many seconds earlier than the one before it is taken to be past midnight. */
export const ROLLOVER_BACKWARDS_SECONDS = 6 * 3600;

function shiftDay(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * Dates the times of a time-only transcript (`23:58:40`, `23:59:30`, `00:00:12`, …) from the date its header
 * gives. Times are fed in the order they are written; a time more than 6 hours earlier than the latest one so
 * far means midnight has passed, so it and what follows are on the next day. A time at most 6 hours earlier
 * stays on the same day (a line written out of order), and one more than 18 hours later than the latest one
 * belongs to the day before (an out-of-order line from before midnight); neither moves the clock.
 * Wall-clock times are read in `zone`, daylight-saving transitions included.
 */
export class TimeOfDayClock {
  private date: CalendarDate;
  /** Latest second of the day seen on the current day. */
  private latest: number | null = null;

  constructor(start: CalendarDate, private readonly zone: string) {
    this.date = { ...start };
  }

  /** The day the clock is on now. */
  get day(): CalendarDate {
    return { ...this.date };
  }

  /** Epoch ms of the next time in the sequence. */
  at(time: TimeOfDay): number {
    const seconds = time.hour * 3600 + time.minute * 60 + time.second;
    let date = this.date;
    if (this.latest === null) {
      this.latest = seconds;
    } else if (seconds < this.latest - ROLLOVER_BACKWARDS_SECONDS) {
      this.date = shiftDay(this.date, 1);
      date = this.date;
      this.latest = seconds;
    } else if (seconds > this.latest + DAY_SECONDS - ROLLOVER_BACKWARDS_SECONDS) {
      date = shiftDay(this.date, -1);
    } else {
      this.latest = Math.max(this.latest, seconds);
    }
    return wallClockToEpoch(this.zone, date.year, date.month, date.day, time.hour, time.minute, time.second, time.ms);
  }
}
