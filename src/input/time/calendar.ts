/** The calendar arithmetic every timestamp reader shares: days in a month, real dates, 12-hour clocks. */

/** A calendar date (month and day 1-based). */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  // Arithmetic, not a Date per call: this runs for every timestamp of a night's export.
  if (month < 1 || month > 12) return new Date(Date.UTC(year, month, 0)).getUTCDate();
  const leap = month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0);
  return (DAYS_IN_MONTH[month - 1] as number) + (leap ? 1 : 0);
}

/** True when year, month and day name a real day. */
export function isCalendarDate(date: CalendarDate): boolean {
  if (!Number.isInteger(date.year) || date.month < 1 || date.month > 12 || date.day < 1) return false;
  return date.day <= daysInMonth(date.year, date.month);
}

/**
 * The 24-hour hour for an hour written with a period word, or null when they do not go together.
 * AM/PM (any case, dotted or not): 12 AM is 0, 12 PM is 12, and only 1–12 are allowed.
 * 上午/凌晨/早上/早晨: 12 is 0; 下午/晚上/傍晚: 1–11 add 12; 中午: 1–10 add 12 (中午12点 is noon); 0–12 allowed.
 * Without a period the hour is taken as a 24-hour one (0–23).
 */
export function hourWithPeriod(hour: number, period: string | undefined): number | null {
  if (!period) return hour <= 23 ? hour : null;
  const latin = period.toLowerCase().replace(/[.\s]/g, '');
  if (latin === 'am' || latin === 'pm') {
    if (hour < 1 || hour > 12) return null;
    return latin === 'am' ? hour % 12 : (hour % 12) + 12;
  }
  if (hour > 12) return null;
  if (period === '下午' || period === '晚上' || period === '傍晚') return hour < 12 ? hour + 12 : hour;
  if (period === '中午') return hour < 11 ? hour + 12 : hour;
  return hour === 12 ? 0 : hour;
}

/** `Z`, `+08:00`, `+0800` or `-05` as minutes east of UTC. */
export function offsetMinutes(text: string): number {
  if (text.toUpperCase() === 'Z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes);
}
