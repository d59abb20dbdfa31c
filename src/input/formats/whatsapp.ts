/**
 * WhatsApp "Export chat" text files (iOS and Android, any phone locale we have seen).
 *
 * - Header lines: iOS `[13/06/2018, 21:25:15] Name: text`, Android `13/06/2018, 21:25 - Name: text`, and
 *   the locale variants (`.`/`-`/`/` date separators, 2- or 4-digit years, year first, `klo`, `HH.mm`,
 *   12-hour clocks with `AM`, `p.m.`, `p. m.`). U+200E/U+200F and other direction marks are removed;
 *   U+202F, U+00A0 and U+2009 count as spaces.
 * - Lines without a header continue the previous message (joined with "\n").
 * - System lines (no `Name:`: encryption notice, "You created group", "X added Y" …) and end-to-end /
 *   missed-call notices under a sender are events, not records. Media placeholders (`<Media omitted>`,
 *   `image omitted`, `<attached: …>`, `… (file attached)`) stay messages with their text as written and
 *   `meta.attachment` = "omitted" or the file name, so rules can leave them out.
 * - Date order: the year is the 4-digit field (else the last field). Of the other two, a field with a
 *   value above 12 anywhere in the file is the day. If no value settles it, the order that keeps the
 *   dates non-decreasing in file order wins (exports are chronological); then the field that changes
 *   more often is the day; if all that ties, the default is day first (D/M/Y, most locales; year-first
 *   files read Y/M/D).
 * - Wall-clock times are read in ctx.timezone (the export has no zone).
 * - Roles: a sender named in ctx.agents (compared ignoring case and spacing; phone numbers by digits) is an
 *   agent with agentId = agentName = the name as written; every other sender is a customer.
 * - The whole file is one conversation; its id is the file's base name.
 */
import type { ReadEvent } from '../../model/message.js';
import { normalizeName } from '../../text/names.js';
import { hourWithPeriod, isCalendarDate } from '../time/calendar.js';
import { wallClockToEpoch } from '../time/timestamps.js';
import type { ReaderContext, ProductFormat, SniffSample } from './types.js';
import { fileStem, RecordCounter } from './shared.js';

const HEADER =
  /^\[?(\d{1,4})([./-])\s?(\d{1,4})\2\s?(\d{1,4})\.?,?\s+(?:(?:klo|um|à|a las|alle|om)\s+)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\s?([aApP])\.?\s?[mM]\.?)?\]?(?:\s-\s|:\s|\s)(.*)$/;

// Notices iOS writes under the chat's or a contact's name; they are events, not messages.
const SYSTEM_UNDER_SENDER = [
  /^Messages (?:and calls )?(?:to this (?:group|chat) )?(?:are|were) (?:now )?(?:secured with )?end-to-end encrypt[^\n]*$/i,
  /^(?:Your )?security code (?:with [^\n]+ )?changed[^\n]*$/i,
  /^[^\n]+'s security code changed[^\n]*$/i,
  /^Missed (?:voice|video|group voice|group video) call[^\n]*$/i,
];
const ATTACHMENT: Array<{ re: RegExp; name?: number }> = [
  { re: /^<\s*Media omitted\s*>$/i },
  { re: /^(?:image|video|audio|sticker|GIF|document|Contact card) omitted$/i },
  { re: /^<\s*attached:\s*(.+?)\s*>$/i, name: 1 },
  { re: /^(.+?)\s+\((?:file attached|Datei angehängt|archivo adjunto|fichier joint|file allegato)\)$/i, name: 1 },
  { re: /^(.+?)\s*<attached>$/i, name: 1 },
];

/** Removes direction marks and maps the special spaces WhatsApp writes around times to plain spaces. */
function clean(line: string): string {
  return line.replace(/[\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, '').replace(/[\u202F\u00A0\u2009]/g, ' ');
}

interface Header {
  index: number;
  fields: [number, number, number];
  widths: [number, number, number];
  hour: number;
  minute: number;
  second: number;
  period: 'a' | 'p' | undefined;
  rest: string;
}

function parseHeader(line: string, index: number): Header | undefined {
  const m = HEADER.exec(line);
  if (!m) return undefined;
  const [, a = '', , b = '', c = '', h = '', mi = '', s, p, rest = ''] = m;
  return {
    index,
    fields: [Number(a), Number(b), Number(c)],
    widths: [a.length, b.length, c.length],
    hour: Number(h),
    minute: Number(mi),
    second: s === undefined ? 0 : Number(s),
    period: p === undefined ? undefined : (p.toLowerCase() as 'a' | 'p'),
    rest,
  };
}

function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
}

function sniff(sample: SniffSample): boolean {
  if (sample.json !== undefined) return false;
  const first = splitLines(sample.head).find((l) => l.trim() !== '');
  return first !== undefined && parseHeader(clean(first).trim(), 0) !== undefined;
}

/** Positions of year, month and day in the date fields, decided from the whole file. */
export interface DateOrder {
  year: 0 | 1 | 2;
  month: 0 | 1 | 2;
  day: 0 | 1 | 2;
}

export function decideDateOrder(dates: Array<[number, number, number]>, widths: Array<[number, number, number]> = []): DateOrder {
  const positions = [0, 1, 2] as const;
  let year: 0 | 1 | 2 = 2;
  const yearLike = positions.filter((p) => widths.some((w) => w[p] === 4) || dates.some((d) => d[p] > 31));
  if (yearLike.length > 0 && yearLike[0] !== undefined) year = yearLike[0];
  const [p, q] = positions.filter((x) => x !== year) as [0 | 1 | 2, 0 | 1 | 2];
  const dayFirst = year === 0 ? { month: p, day: q } : { month: q, day: p };
  const monthFirst = year === 0 ? { month: q, day: p } : { month: p, day: q };
  const pOver = dates.some((d) => d[p] > 12);
  const qOver = dates.some((d) => d[q] > 12);
  if (pOver !== qOver) return { year, ...(pOver ? { day: p, month: q } : { day: q, month: p }) };
  const decreases = (order: { month: number; day: number }): number => {
    let count = 0;
    let previous = -Infinity;
    for (const d of dates) {
      const key = (d[year] ?? 0) * 10_000 + (d[order.month] ?? 0) * 100 + (d[order.day] ?? 0);
      if (key < previous) count += 1;
      previous = key;
    }
    return count;
  };
  const a = decreases(dayFirst);
  const b = decreases(monthFirst);
  if (a !== b) return { year, ...(b < a ? monthFirst : dayFirst) };
  // Still open: the day changes more often than the month between consecutive dates.
  let pChanges = 0;
  let qChanges = 0;
  for (let i = 1; i < dates.length; i++) {
    const before = dates[i - 1];
    const now = dates[i];
    if (!before || !now) continue;
    if (before[p] !== now[p]) pChanges += 1;
    if (before[q] !== now[q]) qChanges += 1;
  }
  if (pChanges !== qChanges) return { year, ...(pChanges > qChanges ? { day: p, month: q } : { day: q, month: p }) };
  return { year, ...dayFirst };
}

const phoneDigits = (name: string): string | undefined => (/^\+?[\d\s().-]{6,}$/.test(name) ? name.replace(/\D/g, '') : undefined);

function agentMatcher(agents: string[]): (name: string) => boolean {
  const names = new Set(agents.map(normalizeName));
  const phones = new Set(agents.map(phoneDigits).filter((d): d is string => d !== undefined));
  return (name) => {
    if (names.has(normalizeName(name))) return true;
    const digits = phoneDigits(name);
    return digits !== undefined && phones.has(digits);
  };
}

function attachmentOf(text: string): string | undefined {
  const firstLine = text.split('\n', 1)[0]?.trim() ?? '';
  for (const { re, name } of ATTACHMENT) {
    const m = re.exec(firstLine);
    if (m) return name !== undefined ? (m[name] ?? 'omitted') : 'omitted';
  }
  return undefined;
}

function* read(text: string, _json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const lines = splitLines(text).map(clean);
  const headers: Array<Header | undefined> = lines.map((line, i) => parseHeader(line.trim(), i));
  const found = headers.filter((h): h is Header => h !== undefined);
  const order = decideDateOrder(found.map((h) => h.fields), found.map((h) => h.widths));
  const isAgent = agentMatcher(ctx.agents);
  const conversationId = fileStem(ctx.file);
  const counter = new RecordCounter(ctx.file);

  type Pending = { header: Header; sender: string | undefined; text: string[] };
  let pending: Pending | undefined;
  let orphanStart: number | undefined;

  const flush = function* (): Iterable<ReadEvent> {
    if (orphanStart !== undefined) {
      yield counter.skip('text before the first WhatsApp message header (not a message)', orphanStart + 1);
      orphanStart = undefined;
    }
    if (!pending) return;
    const { header, sender } = pending;
    const body = pending.text.join('\n').replace(/\s+$/, '');
    pending = undefined;
    if (sender === undefined) return; // system line: not a record
    if (SYSTEM_UNDER_SENDER.some((re) => re.test(body))) return;
    const line = header.index + 1;
    const year0 = header.fields[order.year];
    const year = header.widths[order.year] <= 2 ? 2000 + year0 : year0;
    const month = header.fields[order.month];
    const day = header.fields[order.day];
    let hour = header.hour;
    if (header.period !== undefined) {
      const hour24 = hourWithPeriod(hour, `${header.period}m`);
      if (hour24 === null) {
        yield counter.skip(`invalid 12-hour time ${header.hour}:${String(header.minute).padStart(2, '0')} ${header.period === 'a' ? 'AM' : 'PM'}`, line);
        return;
      }
      hour = hour24;
    }
    if (!isCalendarDate({ year, month, day }) || hour > 23 || header.minute > 59 || header.second > 59) {
      yield counter.skip(`invalid date or time (read as year ${year}, month ${month}, day ${day}, ${hour}:${header.minute}:${header.second})`, line);
      return;
    }
    const timestamp = wallClockToEpoch(ctx.timezone, year, month, day, hour, header.minute, header.second, 0);
    const attachment = attachmentOf(body);
    const agent = isAgent(sender);
    yield counter.message(
      {
        conversationId,
        timestamp,
        role: agent ? 'agent' : 'customer',
        ...(agent ? { agentId: sender, agentName: sender } : {}),
        text: body,
        ...(attachment ? { meta: { attachment } } : {}),
      },
      line,
    );
  };

  for (let i = 0; i < lines.length; i++) {
    const header = headers[i];
    const line = lines[i] ?? '';
    if (header) {
      yield* flush();
      const colon = /^([^:"“”]{1,100}?):\s(.*)$/s.exec(header.rest) ?? /^([^:"“”]{1,100}?):$/.exec(header.rest);
      pending = colon ? { header, sender: colon[1]?.trim(), text: [colon[2] ?? ''] } : { header, sender: undefined, text: [header.rest] };
    } else if (pending) {
      pending.text.push(line);
    } else if (line.trim() !== '' && orphanStart === undefined) {
      orphanStart = i;
    }
  }
  yield* flush();
}

export const whatsapp: ProductFormat = {
  name: 'whatsapp',
  reads: 'text',
  description: 'WhatsApp "Export chat" text (iOS and Android, 12/24 h, any date order); agents are the senders named in --agents',
  sniff,
  read,
};
