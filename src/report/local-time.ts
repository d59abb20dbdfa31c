const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** An ISO UTC time as the wall clock shows it in `timezone`: `2026-11-27 19:03:27`. */
export function localTime(iso: string, timezone: string): string {
  let format = timeFormats.get(timezone);
  if (!format) {
    // sv-SE prints ISO-like dates (year first, 24-hour clock) whatever the machine's locale.
    format = new Intl.DateTimeFormat('sv-SE', {
      timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    timeFormats.set(timezone, format);
  }
  return format.format(new Date(iso));
}

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
