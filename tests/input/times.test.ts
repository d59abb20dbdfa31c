import { describe, expect, it } from 'vitest';
import { hourWithPeriod } from '../../src/input/time/calendar.js';
import { parseTimestamp } from '../../src/input/time/timestamps.js';
import { parseCalendarDate, parseTimeOfDay, TimeOfDayClock } from '../../src/input/time/time-of-day.js';
import { compileTimeFormat } from '../../src/input/time/time-format.js';
import { iso } from '../helpers/reading.js';

const at = (text: string, zone = 'UTC') => {
  const ms = parseTimestamp(text, zone);
  return ms === null ? null : iso(ms);
};

describe('12-hour clocks in the built-in forms', () => {
  it('reads AM/PM after a year-first date, at the 12 AM / 12 PM edges', () => {
    expect(at('2026-11-27 03:05:09 PM')).toBe('2026-11-27T15:05:09Z');
    expect(at('2026-11-27 12:00:00 AM')).toBe('2026-11-27T00:00:00Z');
    expect(at('2026-11-27 12:59:59 AM')).toBe('2026-11-27T00:59:59Z');
    expect(at('2026-11-27 01:00:00 AM')).toBe('2026-11-27T01:00:00Z');
    expect(at('2026-11-27 11:59:59 AM')).toBe('2026-11-27T11:59:59Z');
    expect(at('2026-11-27 12:00:00 PM')).toBe('2026-11-27T12:00:00Z');
    expect(at('2026-11-27 12:30:00 PM')).toBe('2026-11-27T12:30:00Z');
    expect(at('2026-11-27 11:59:59 PM')).toBe('2026-11-27T23:59:59Z');
  });

  it('accepts am, a.m., p. m., no seconds, fractions, slashes', () => {
    expect(at('2026/11/27 3:05 pm')).toBe('2026-11-27T15:05:00Z');
    expect(at('2026/11/27 3:05 p.m.')).toBe('2026-11-27T15:05:00Z');
    expect(at('2026/11/27 9:05 a.m.')).toBe('2026-11-27T09:05:00Z');
    expect(at('2026-11-27 3:05 p. m.')).toBe('2026-11-27T15:05:00Z');
    expect(parseTimestamp('2026-11-27 3:05:09.250 PM', 'UTC')).toBe(Date.UTC(2026, 10, 27, 15, 5, 9, 250));
  });

  it('reads 上午/下午/中午/晚上/凌晨 before the time, with or without a space, in the zone', () => {
    expect(at('2026/11/27 下午3:05:09', 'Asia/Shanghai')).toBe('2026-11-27T07:05:09Z');
    expect(at('2026/11/27下午3:05', 'Asia/Shanghai')).toBe('2026-11-27T07:05:00Z');
    expect(at('2026-11-27 上午 9:05', 'Asia/Shanghai')).toBe('2026-11-27T01:05:00Z');
    expect(at('2026/11/27 上午12:30:00', 'Asia/Shanghai')).toBe('2026-11-26T16:30:00Z');
    expect(at('2026/11/27 中午12:10', 'Asia/Shanghai')).toBe('2026-11-27T04:10:00Z');
    expect(at('2026/11/27 中午1:10', 'Asia/Shanghai')).toBe('2026-11-27T05:10:00Z');
    expect(at('2026/11/27 晚上11:10', 'Asia/Shanghai')).toBe('2026-11-27T15:10:00Z');
    expect(at('2026/11/27 凌晨2:10', 'Asia/Shanghai')).toBe('2026-11-26T18:10:00Z');
    expect(at('2026年11月27日 3:05 PM', 'Asia/Shanghai')).toBe('2026-11-27T07:05:00Z');
  });

  it('still reads 24-hour times, and refuses hours that do not fit the period or ambiguous day/month orders', () => {
    expect(at('2026-11-27 15:05:09')).toBe('2026-11-27T15:05:09Z');
    for (const bad of [
      '2026-11-27 13:00:00 PM',
      '2026-11-27 00:30:00 AM',
      '2026-11-27 下午3:05 PM',
      '2026/11/27 下午13:05',
      '2026-11-273:05 PM',
      '11/27/2026 3:05 PM',
      '27/11/2026 15:05',
      '2026-02-30 3:05 PM',
    ]) {
      expect(parseTimestamp(bad, 'UTC'), bad).toBeNull();
    }
  });

  it('hourWithPeriod maps each period word', () => {
    expect([12, 1, 11].map((h) => hourWithPeriod(h, 'AM'))).toEqual([0, 1, 11]);
    expect([12, 1, 11].map((h) => hourWithPeriod(h, 'pm'))).toEqual([12, 13, 23]);
    expect([0, 13].map((h) => hourWithPeriod(h, 'PM'))).toEqual([null, null]);
    expect([12, 0, 9].map((h) => hourWithPeriod(h, '上午'))).toEqual([0, 0, 9]);
    expect([12, 1, 11].map((h) => hourWithPeriod(h, '下午'))).toEqual([12, 13, 23]);
    expect([11, 12, 1].map((h) => hourWithPeriod(h, '中午'))).toEqual([11, 12, 13]);
    expect(hourWithPeriod(23, undefined)).toBe(23);
    expect(hourWithPeriod(24, undefined)).toBeNull();
  });
});

describe('times of day and midnight roll-over', () => {
  it('parses a time of day alone', () => {
    expect(parseTimeOfDay('23:59:01')).toEqual({ hour: 23, minute: 59, second: 1, ms: 0 });
    expect(parseTimeOfDay('9:05')).toEqual({ hour: 9, minute: 5, second: 0, ms: 0 });
    expect(parseTimeOfDay('3:05:09.5 PM')).toEqual({ hour: 15, minute: 5, second: 9, ms: 500 });
    expect(parseTimeOfDay('下午3:05')).toEqual({ hour: 15, minute: 5, second: 0, ms: 0 });
    expect(parseTimeOfDay('12:00 AM')).toEqual({ hour: 0, minute: 0, second: 0, ms: 0 });
    expect(parseTimeOfDay('12:00 PM')).toEqual({ hour: 12, minute: 0, second: 0, ms: 0 });
    for (const bad of ['24:00', '12:60', '0:30 AM', '下午3:05 PM', '2026-11-27', 'noon']) expect(parseTimeOfDay(bad), bad).toBeNull();
  });

  it('parses a date alone', () => {
    expect(parseCalendarDate('2026-11-27')).toEqual({ year: 2026, month: 11, day: 27 });
    expect(parseCalendarDate('2026/1/5')).toEqual({ year: 2026, month: 1, day: 5 });
    expect(parseCalendarDate('2026年11月27日')).toEqual({ year: 2026, month: 11, day: 27 });
    expect(parseCalendarDate('2026-02-29')).toBeNull();
    expect(parseCalendarDate('27.11.2026')).toBeNull();
  });

  const run = (start: string, zone: string, times: string[]) => {
    const date = parseCalendarDate(start);
    if (!date) throw new Error('bad date');
    const clock = new TimeOfDayClock(date, zone);
    return times.map((t) => {
      const time = parseTimeOfDay(t);
      if (!time) throw new Error(`bad time ${t}`);
      return iso(clock.at(time));
    });
  };

  it('rolls over when a time goes back by more than 6 hours', () => {
    expect(run('2026-11-27', 'Asia/Shanghai', ['23:58:40', '23:59:30', '00:00:12', '00:05:00'])).toEqual([
      '2026-11-27T15:58:40Z',
      '2026-11-27T15:59:30Z',
      '2026-11-27T16:00:12Z',
      '2026-11-27T16:05:00Z',
    ]);
  });

  it('keeps a line written a little out of order on the same day, and one from before midnight on the day before', () => {
    expect(run('2026-11-27', 'UTC', ['10:00:00', '05:00:00', '10:01:00'])).toEqual(['2026-11-27T10:00:00Z', '2026-11-27T05:00:00Z', '2026-11-27T10:01:00Z']);
    expect(run('2026-11-27', 'UTC', ['23:59:00', '00:01:00', '23:59:30', '00:02:00'])).toEqual([
      '2026-11-27T23:59:00Z',
      '2026-11-28T00:01:00Z',
      '2026-11-27T23:59:30Z',
      '2026-11-28T00:02:00Z',
    ]);
  });

  it('rolls over twice in a transcript that runs past two midnights, across a month end', () => {
    expect(run('2026-11-29', 'UTC', ['20:00', '03:00', '12:00', '21:00', '02:00'])).toEqual([
      '2026-11-29T20:00:00Z',
      '2026-11-30T03:00:00Z',
      '2026-11-30T12:00:00Z',
      '2026-11-30T21:00:00Z',
      '2026-12-01T02:00:00Z',
    ]);
  });

  it('gets daylight-saving nights right', () => {
    // New York springs forward at 02:00 on 2026-03-08: 01:59 EST is one minute before 03:00 EDT.
    expect(run('2026-03-08', 'America/New_York', ['01:59:00', '03:00:00'])).toEqual(['2026-03-08T06:59:00Z', '2026-03-08T07:00:00Z']);
    // Berlin falls back at 03:00 CEST on 2026-10-25; an evening before and a morning after midnight.
    expect(run('2026-10-24', 'Europe/Berlin', ['23:30', '00:30', '04:00'])).toEqual(['2026-10-24T21:30:00Z', '2026-10-24T22:30:00Z', '2026-10-25T03:00:00Z']);
  });
});

describe('timeFormat patterns', () => {
  const wall = (format: string, text: string) => {
    const parsed = compileTimeFormat(format).parse(text);
    if (!parsed) return null;
    if (parsed.kind === 'instant') return iso(parsed.ms);
    const { date, time, offsetMinutes } = parsed;
    const d = date ? `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')} ` : '';
    const t = [time.hour, time.minute, time.second].map((n) => String(n).padStart(2, '0')).join(':');
    return `${d}${t}${time.ms ? `.${time.ms}` : ''}${offsetMinutes !== null ? ` ${offsetMinutes}` : ''}`;
  };

  it('reads the examples of the issue', () => {
    expect(wall('YYYY/MM/DD hh:mm:ss A', '2026/11/27 03:05:09 PM')).toBe('2026-11-27 15:05:09');
    expect(wall('DD.MM.YYYY HH:mm', '27.11.2026 15:05')).toBe('2026-11-27 15:05:00');
    expect(wall('YYYY年M月D日 ah:mm', '2026年11月27日 下午3:05')).toBe('2026-11-27 15:05:00');
    expect(wall('YYYY年M月D日 ah:mm', '2026年1月5日 上午12:05')).toBe('2026-01-05 00:05:00');
  });

  it('reads month-first dates at the 12 AM / 12 PM edges', () => {
    const f = 'MM/DD/YYYY h:mm A';
    expect(wall(f, '11/27/2026 12:00 AM')).toBe('2026-11-27 00:00:00');
    expect(wall(f, '11/27/2026 12:59 am')).toBe('2026-11-27 00:59:00');
    expect(wall(f, '11/27/2026 12:00 PM')).toBe('2026-11-27 12:00:00');
    expect(wall(f, '11/27/2026 1:05 p.m.')).toBe('2026-11-27 13:05:00');
    expect(wall(f, '11/27/2026 0:30 AM')).toBeNull();
    expect(wall(f, '11/27/2026 13:00 PM')).toBeNull();
    expect(wall(f, '27/11/2026 1:05 PM')).toBeNull();
    expect(wall(f, '2/29/2026 1:05 PM')).toBeNull();
  });

  it('reads names, weekdays, offsets, fractions, literals and epochs', () => {
    expect(wall('ddd MMM DD HH:mm:ss ZZ YYYY', 'Tue Oct 31 22:10:47 +0000 2017')).toBe('2017-10-31 22:10:47 0');
    expect(wall('D MMMM YYYY, H:mm', '5 November 2026, 9:07')).toBe('2026-11-05 09:07:00');
    expect(wall('YYYY-MM-DD[T]HH:mm:ss.SSSZ', '2026-11-27T10:00:00.250+08:00')).toBe('2026-11-27 10:00:00.250 480');
    expect(wall('dddd YYYY-MM-DD HH:mm', '星期五 2026-11-27 10:00')).toBe('2026-11-27 10:00:00');
    expect(wall('YY/M/D H:mm', '26/1/5 9:00')).toBe('2026-01-05 09:00:00');
    expect(wall('X', '1795737600')).toBe('2026-11-27T00:00:00Z');
    expect(wall('x', '1795737600123')).toBe(new Date(1795737600123).toISOString());
    expect(wall('HH:mm:ss', '23:59:01')).toBe('23:59:01');
  });

  it('says what a time-only or date-only format gives', () => {
    expect(compileTimeFormat('HH:mm:ss')).toMatchObject({ hasDate: false, hasTime: true });
    expect(compileTimeFormat('YYYY/MM/DD')).toMatchObject({ hasDate: true, hasTime: false });
    expect(compileTimeFormat('X')).toMatchObject({ hasDate: true, hasTime: true });
  });

  it.each([
    ['yyyy-MM-dd HH:mm', /"yyyy" at position 1 is not a token \(the year is YYYY\)/],
    ['YYYY-MM-dd HH:mm', /"dd" at position 9 is not a token \(the day of the month is DD or D\)/],
    ['HH:mm A', /A \(AM\/PM\) goes with a 12-hour hour/],
    ['YYYY-MM-DD hh:mm', /needs A/],
    ['MM/DD HH:mm', /a date needs a year/],
    ['YYYY-MM-DD [T HH:mm', /unclosed \[/],
    ['mm:ss', /need an hour/],
    ['YYYY-MM-DD HH:mm YY', /the year appears more than once/],
    ['[at] ', /no date and no time/],
    ['HH:mm Z', /an offset \(Z\) needs a date/],
  ])('refuses %j', (format, message) => {
    expect(() => compileTimeFormat(format)).toThrow(message);
  });
});
