/**
 * Salesforce Live Agent / Chat transcripts (`LiveChatTranscript.Body`), either one body per file (HTML as
 * stored, or the plain-text rendering), or a CSV export (Data Loader, reports) with a `Body` column and one
 * transcript per row.
 *
 * Body shape: `<p align="center">Chat Started: Monday, December 17, 2018, 23:27:57 (-0500)</p>
 * <p align="center">Chat Origin: …</p><p align="center">Agent Royalle G</p>( 10s ) Royalle G: Hi …<br>( 1m 13s ) …`
 *
 * - Each `( [Nh] [Nm] Ns )` stamp starts a message; its time is the latest `Chat Started:` time before it
 *   plus the elapsed time (bots and transfers add more `Chat Started:` blocks; each restarts the clock).
 *   Without an offset in the header, the wall clock is read in ctx.timezone.
 * - Text: HTML removed (`<br>` → line break), entities decoded; header paragraphs (`<p …>…</p>`) are never
 *   message text.
 * - Roles: a speaker named in an `Agent <name>` header line or in ctx.agents is an agent (agentId = the
 *   name); everyone else is the customer. When neither names a speaker but one speaker is shown as
 *   `Visitor`, Visitor is the customer and the other speakers are agents. Otherwise the transcript's
 *   messages are skipped ("cannot tell the agent from the visitor"), never guessed.
 * - Conversation id: the row's Id / Name / ChatKey column (CSV), else the file's base name.
 * - meta: origin (Chat Origin), plus the CSV row's other non-empty columns.
 */
import type { Message, ReadEvent, Role } from '../../model/message.js';
import { normalizeName } from '../../text/names.js';
import { hourWithPeriod, isCalendarDate } from '../time/calendar.js';
import { wallClockToEpoch } from '../time/timestamps.js';
import type { ReaderContext, ProductFormat, SniffSample } from './types.js';
import { eachCsvRecord } from './csv-records.js';
import { decodeEntities, fileStem, htmlToText, RecordCounter } from './shared.js';
import { keyedByInput } from '../../model/records.js';

// A stamp opens a message only at the start of a line or right after a tag (`<br>`, `</p>`), never inside text.
const STAMP = /(?<=(?:^|[>\r\n])[ \t]*)\((?=\s*\d)\s*(?:(\d{1,3})\s*h\s*)?(?:(\d{1,4})\s*m\s*)?(?:(\d{1,6})\s*s\s*)?\)/g;
const STAMP_TEST = /(?<=(?:^|[>\r\n])[ \t]*)\((?=\s*\d)\s*(?:\d{1,3}\s*h\s*)?(?:\d{1,4}\s*m\s*)?(?:\d{1,6}\s*s\s*)?\)/;
const CHAT_STARTED = /Chat Started:/i;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const HEADER_DATE =
  /Chat Started:\s*(?:[A-Za-z]+,?\s+)?([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?\s*(?:\(\s*(?:GMT|UTC)?\s*([+-])(\d{1,2}):?(\d{2})\s*\))?/;
const HEADER_ISO = /Chat Started:\s*(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:\(\s*(?:GMT|UTC)?\s*([+-])(\d{1,2}):?(\d{2})\s*\))?/;

function firstLine(head: string): string {
  const end = head.search(/\r?\n/);
  return (end < 0 ? head : head.slice(0, end)).replace(/^\uFEFF/, '');
}

function headerColumns(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"|"$/g, '').trim().toLowerCase());
}

function isCsvExport(head: string): boolean {
  const columns = headerColumns(firstLine(head));
  return columns.length > 1 && columns.includes('body');
}

function sniff(sample: SniffSample): boolean {
  if (sample.json !== undefined) return false;
  const head = sample.head;
  if (!CHAT_STARTED.test(head)) return false;
  if (isCsvExport(head)) return true;
  return STAMP_TEST.test(head) && /Chat Started:\s*[^\n<]*\d{4}/i.test(head);
}

interface HeaderBlock {
  start: number;
  end: number;
  text: string;
}

interface Segment {
  offset: number;
  elapsedMs: number;
  content: string;
}

/** Epoch ms of a `Chat Started:` header, or null. */
function headerTime(text: string, zone: string): number | null {
  let year: number, month: number, day: number, hour: number, minute: number, second: number;
  let sign: string | undefined, offH: string | undefined, offM: string | undefined;
  const m = HEADER_DATE.exec(text);
  const iso = m ? null : HEADER_ISO.exec(text);
  if (m) {
    const monthIndex = MONTHS.findIndex((name) => name.startsWith((m[1] ?? '').toLowerCase()) && (m[1] ?? '').length >= 3);
    if (monthIndex < 0) return null;
    year = Number(m[3]);
    month = monthIndex + 1;
    day = Number(m[2]);
    hour = Number(m[4]);
    minute = Number(m[5]);
    second = Number(m[6] ?? '0');
    const period = m[7]?.replace(/\./g, '').toLowerCase();
    if (period) {
      const hour24 = hourWithPeriod(hour, period);
      if (hour24 === null) return null;
      hour = hour24;
    }
    [sign, offH, offM] = [m[8], m[9], m[10]];
  } else if (iso) {
    [year, month, day, hour, minute, second] = [Number(iso[1]), Number(iso[2]), Number(iso[3]), Number(iso[4]), Number(iso[5]), Number(iso[6] ?? '0')];
    [sign, offH, offM] = [iso[7], iso[8], iso[9]];
  } else return null;
  if (!isCalendarDate({ year, month, day }) || hour > 23 || minute > 59 || second > 59) return null;
  if (sign !== undefined) {
    const offset = (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM));
    return Date.UTC(year, month - 1, day, hour, minute, second) - offset * 60_000;
  }
  return wallClockToEpoch(zone, year, month, day, hour, minute, second, 0);
}

/** Header lines: `<p>` paragraphs in HTML bodies; in plain text, the lines from `Chat Started:` up to the first stamp. */
function headerBlocks(body: string, html: boolean): HeaderBlock[] {
  const blocks: HeaderBlock[] = [];
  if (html) {
    for (const m of body.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p\s*>/gi)) {
      blocks.push({ start: m.index, end: m.index + m[0].length, text: htmlToText(m[1] ?? '') });
    }
    return blocks;
  }
  const lineRe = /[^\r\n]*(?:\r\n|\r|\n|$)/g;
  let inHeader = false;
  for (const m of body.matchAll(lineRe)) {
    if (m[0] === '') break;
    const line = m[0].trim();
    if (/^Chat Started:/i.test(line)) inHeader = true;
    else if (STAMP_TEST.test(line.slice(0, 24))) inHeader = false;
    if (inHeader) blocks.push({ start: m.index, end: m.index + m[0].length, text: line });
  }
  return blocks;
}

interface Transcript {
  body: string;
  conversationId: string;
  /** 1-based line of the body's first character in the file. */
  baseLine: number;
  meta: Record<string, string>;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function* readTranscript(t: Transcript, ctx: ReaderContext, counter: RecordCounter): Iterable<ReadEvent> {
  const { body } = t;
  const html = /<(?:p|br|div|span)\b[^>]*>/i.test(body);
  const headers = headerBlocks(body, html);
  const starts = lineStarts(body);
  const inHeader = (offset: number): boolean => headers.some((h) => offset >= h.start && offset < h.end);

  // Start times, origin and agent names from the headers.
  const startTimes: Array<{ offset: number; time: number | null; text: string }> = [];
  const agentNames = new Set(ctx.agents.map(normalizeName));
  let origin: string | undefined;
  for (const h of headers) {
    if (CHAT_STARTED.test(h.text)) startTimes.push({ offset: h.start, time: headerTime(h.text, ctx.timezone), text: h.text });
    const originMatch = /^Chat Origin:\s*(.+)$/i.exec(h.text);
    if (originMatch?.[1]) origin ??= originMatch[1].trim();
    const agentMatch = /^Agent:?\s+(.+)$/i.exec(h.text);
    const agentName = agentMatch?.[1]?.trim();
    if (agentName && !/^\(.*\)$/.test(agentName)) agentNames.add(normalizeName(agentName));
  }

  // Split the message stream at the elapsed-time stamps.
  const stamps = [...body.matchAll(STAMP)].filter((m) => !inHeader(m.index));
  const segments: Segment[] = stamps.map((m, i) => {
    const end = stamps[i + 1]?.index ?? body.length;
    let content = body.slice(m.index + m[0].length, end);
    // Drop any header paragraph that sits between two messages (transfers, a second Chat Started block).
    for (const h of headers) {
      if (h.start >= m.index && h.start < end) content = content.replace(body.slice(h.start, h.end), html ? '<br>' : '\n');
    }
    const elapsedMs = ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
    return { offset: m.index, elapsedMs, content };
  });

  // Speaker and text of each segment.
  const parsed = segments.map((s) => {
    const text = html ? htmlToText(s.content) : decodeEntities(s.content).trim();
    const colon = /^([^\n:]{1,80}?):(?:\s+|$)/.exec(text);
    return { ...s, speaker: colon?.[1]?.trim(), text: colon ? text.slice(colon[0].length).trim() : text };
  });
  const speakers = new Set(parsed.map((p) => p.speaker).filter((s): s is string => !!s).map(normalizeName));
  const knownAgent = [...speakers].some((s) => agentNames.has(s));
  const visitorShown = speakers.has('visitor');
  const roleOf = (speaker: string): Role | undefined => {
    const n = normalizeName(speaker);
    if (knownAgent) return agentNames.has(n) ? 'agent' : 'customer';
    if (visitorShown) return n === 'visitor' ? 'customer' : 'agent';
    return undefined;
  };

  const meta = { ...t.meta, ...(origin ? { origin } : {}) };
  for (const p of parsed) {
    const line = t.baseLine + lineAt(starts, p.offset);
    const started = [...startTimes].reverse().find((s) => s.offset <= p.offset);
    if (!p.speaker) {
      yield counter.skip(`transcript ${t.conversationId}: message has no "Name:" speaker (${JSON.stringify(p.text.slice(0, 40))})`, line);
      continue;
    }
    if (!started) {
      yield counter.skip(`transcript ${t.conversationId}: no "Chat Started:" header before this message, so its time is unknown`, line);
      continue;
    }
    if (started.time === null) {
      yield counter.skip(`transcript ${t.conversationId}: unreadable start time in "${started.text.slice(0, 80)}"`, line);
      continue;
    }
    const role = roleOf(p.speaker);
    if (!role) {
      yield counter.skip(
        `transcript ${t.conversationId}: cannot tell the agent from the visitor (no "Agent <name>" header or --agents entry names a speaker, and nobody is shown as "Visitor")`,
        line,
      );
      continue;
    }
    const fields: Omit<Message, 'source'> = {
      conversationId: t.conversationId,
      timestamp: started.time + p.elapsedMs,
      role,
      ...(role === 'agent' ? { agentId: p.speaker, agentName: p.speaker } : {}),
      text: p.text,
      ...(Object.keys(meta).length > 0 ? { meta } : {}),
    };
    yield counter.message(fields, line);
  }
}

const ID_COLUMNS = ['id', 'name', 'chatkey'];

function* read(text: string, _json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const counter = new RecordCounter(ctx.file);
  const source = text.replace(/^\uFEFF/, '');
  if (!isCsvExport(source)) {
    yield* readTranscript({ body: source, conversationId: fileStem(ctx.file), baseLine: 1, meta: {} }, ctx, counter);
    return;
  }
  const rows: Array<{ line: number; record: Record<string, string> }> = [];
  let header: string[] | undefined;
  const problems = eachCsvRecord(source, (record, line) => {
    if (!header) {
      header = record.map((c) => c.trim());
      return;
    }
    const row = keyedByInput<string>();
    header.forEach((name, i) => {
      row[name] = record[i] ?? '';
    });
    rows.push({ line, record: row });
  });
  for (const problem of problems) yield counter.skip(problem.reason, problem.line);
  const columns = header ?? [];
  const bodyColumn = columns.find((c) => c.toLowerCase() === 'body') ?? 'Body';
  const idColumn = ID_COLUMNS.map((id) => columns.find((c) => c.toLowerCase() === id)).find((c) => c !== undefined);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!row) continue;
    const body = row.record[bodyColumn] ?? '';
    const id = (idColumn ? row.record[idColumn]?.trim() : undefined) || `${fileStem(ctx.file)}#${i + 1}`;
    const meta = keyedByInput<string>();
    for (const [key, value] of Object.entries(row.record)) {
      if (!/body/i.test(key) && value.trim() !== '' && value.length <= 200) meta[key] = value.trim();
    }
    yield* readTranscript({ body, conversationId: id, baseLine: row.line, meta }, ctx, counter);
  }
}

export const salesforceTranscript: ProductFormat = {
  name: 'salesforce-transcript',
  reads: 'text',
  description: 'Salesforce Live Agent transcript bodies ("Chat Started:" header, "( 1m 13s ) Name: text"), one per file or a CSV Body column',
  sniff,
  read,
};
