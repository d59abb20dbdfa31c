/**
 * Plain-text chat transcripts that give the date once, in a header, and only a time on each line — the
 * shape of transcript e-mails and "save chat as text" exports:
 *
 *   Chat started on 27 Nov 2026, 23:58 (+0800)          会话开始时间：2026-11-27 23:58:00
 *   (11:58:40 PM) Visitor 8812: is anyone there?         [23:58:40] 访客: 在吗
 *   (11:59:02 PM) Agent Mia: Hello, this is agent 1024    [23:59:02] 客服1024: 您好，云客服1024为您服务
 *   (12:00:10 AM) Visitor 8812: thanks                    [00:00:10] 访客: 谢谢
 *
 * Times go past midnight without a new date, so they are dated with TimeOfDayClock (a time more than six
 * hours earlier than the latest means the next day). An offset in the header (`(+0800)`, `UTC+8`) fixes the
 * zone; otherwise the run's time zone applies. Lines that do not start with a time continue the message
 * before them.
 */
import type { ReadEvent, Role } from '../../model/message.js';
import { isCalendarDate, type CalendarDate } from '../time/calendar.js';
import { parseTimeOfDay, TimeOfDayClock } from '../time/time-of-day.js';
import { fileStem, RecordCounter } from './shared.js';
import type { ReaderContext, ProductFormat, SniffSample } from './types.js';

// The Chinese periods of the day, and full-width brackets and colons, go in by substitution: the bundle is
// ASCII (scripts/bundle.mjs), and the text of a String.raw template cannot be escaped.
const PERIODS = ['上午', '下午', '凌晨', '早上', '早晨', '中午', '晚上', '傍晚'].join('|');
const [OPEN, CLOSE, COLON] = ['（', '）', '：'];
const TIME = String.raw`(?:(?:${PERIODS})\s*)?\d{1,2}[:${COLON}]\d{2}(?:[:${COLON}]\d{2})?(?:\s*[AaPp]\.?\s?[Mm]\.?)?`;
// "(11:58:40 PM) Name: text", "[23:58:40] Name: text", "23:58:40 Name: text"
const MESSAGE_LINE = new RegExp(String.raw`^\s*[\[(${OPEN}]?\s*(${TIME})\s*[\])${CLOSE}]?\s+([^:${COLON}\n]{1,60}?)\s*[:${COLON}]\s?(.*)$`);

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = String.raw`(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?`;
const HEADER_DATES: Array<[RegExp, (m: RegExpExecArray) => CalendarDate]> = [
  [/(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/, (m) => ({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) })],
  [/(\d{4})年(\d{1,2})月(\d{1,2})日/, (m) => ({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) })],
  [new RegExp(String.raw`\b(\d{1,2})\s+${MONTH},?\s+(\d{4})`, 'i'), (m) => ({ year: Number(m[3]), month: MONTHS.indexOf((m[2] as string).toLowerCase()) + 1, day: Number(m[1]) })],
  [new RegExp(String.raw`\b${MONTH}\s+(\d{1,2}),?\s+(\d{4})`, 'i'), (m) => ({ year: Number(m[3]), month: MONTHS.indexOf((m[1] as string).toLowerCase()) + 1, day: Number(m[2]) })],
];
// "(+0800)", "(GMT+08:00)", "UTC+8", "UTC-05:30"
const HEADER_OFFSET = /(?:\(\s*(?:GMT|UTC)?\s*|\b(?:GMT|UTC)\s*)([+-])(\d{1,2})(?::?(\d{2}))?\s*\)?/i;
const HEADER_ID = /(?:chat|conversation|session|transcript)\s*id|会话\s*(?:id|编号)|对话\s*id/i;

const SYSTEM_NAMES = /^(?:system|系统|系统消息|notice)$/i;
const CUSTOMER_NAMES = /^(?:visitor|customer|guest|client|user|访客|客户|用户|顾客|买家)(?:\s*[#＃]?\s*\S*)?$/i;
const BOT_NAMES = /^(?:bot|robot|chatbot|机器人|智能助手|智能客服)(?:\s*\S*)?$/i;
// "Agent Mia", "Agent 1024", "客服1024", "客服 小美", "坐席3007"
const AGENT_NAMES = /^(?:agent|operator|客服|坐席)\s*[#＃]?\s*(\S.*)?$/i;

const LOOK_LINES = 40;

interface Header {
  date: CalendarDate;
  zone: string | undefined;
  conversationId: string | undefined;
  /** Index of the first message line. */
  firstMessage: number;
}

/** The header before the first message line: its date (required), offset and conversation id. */
function readHeader(lines: readonly string[]): Header | null {
  const firstMessage = lines.findIndex((l, i) => i < LOOK_LINES && MESSAGE_LINE.test(l));
  if (firstMessage <= 0) return null;
  let date: CalendarDate | undefined;
  let zone: string | undefined;
  let conversationId: string | undefined;
  for (const line of lines.slice(0, firstMessage)) {
    for (const [pattern, build] of HEADER_DATES) {
      const m = date ? null : pattern.exec(line);
      if (m) date = build(m);
    }
    const offset = HEADER_OFFSET.exec(line);
    if (offset && !zone) zone = `UTC${offset[1]}${Number(offset[2])}${offset[3] && offset[3] !== '00' ? `:${offset[3]}` : ''}`;
    if (HEADER_ID.test(line)) conversationId ??= line.split(/[:：]/).slice(1).join(':').trim() || undefined;
  }
  return date && isCalendarDate(date) ? { date, zone, conversationId, firstMessage } : null;
}

function sniff(sample: SniffSample): boolean {
  if (sample.json !== undefined) return false;
  const lines = sample.head.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = readHeader(lines);
  if (!header) return false;
  return lines.slice(header.firstMessage, header.firstMessage + LOOK_LINES).filter((l) => MESSAGE_LINE.test(l)).length >= 2;
}

/** Who a speaker is, from the name alone: a role, and for agents the id the name carries. */
function speakerOf(name: string, agents: ReadonlySet<string>): { role: Role; agentId?: string } | null {
  if (agents.has(name.toLowerCase())) return { role: 'agent', agentId: name };
  if (SYSTEM_NAMES.test(name)) return { role: 'system' };
  if (CUSTOMER_NAMES.test(name)) return { role: 'customer' };
  if (BOT_NAMES.test(name)) return { role: 'bot' };
  const agent = AGENT_NAMES.exec(name);
  if (agent) return { role: 'agent', agentId: agent[1]?.trim() || name };
  return null;
}

interface Entry {
  line: number;
  time: string;
  name: string;
  text: string;
}

function* read(text: string, _json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const counter = new RecordCounter(ctx.file);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = readHeader(lines);
  if (!header) {
    yield counter.skip('not a text transcript: expected a header with the date, then lines such as "(10:00:01) Name: text"', 1);
    return;
  }
  const entries: Entry[] = [];
  for (let i = header.firstMessage; i < lines.length; i++) {
    const line = lines[i] as string;
    const m = MESSAGE_LINE.exec(line);
    if (m) entries.push({ line: i + 1, time: m[1] as string, name: (m[2] as string).trim(), text: m[3] as string });
    else if (line.trim() !== '' && entries.length > 0) (entries[entries.length - 1] as Entry).text += `\n${line}`;
  }

  // A speaker the names do not place is a customer when the staff are listed (--agents), and staff when
  // the chat names its visitor (a two-party chat); otherwise it cannot be told.
  const agents = new Set(ctx.agents.map((a) => a.trim().toLowerCase()));
  const known = new Map(entries.map((e) => [e.name, speakerOf(e.name, agents)]));
  const someoneIsCustomer = [...known.values()].some((s) => s?.role === 'customer');
  const unplaced = (name: string): { role: Role; agentId?: string } | null =>
    agents.size > 0 ? { role: 'customer' } : someoneIsCustomer ? { role: 'agent', agentId: name } : null;
  const clock = new TimeOfDayClock(header.date, header.zone ?? ctx.timezone);
  const conversationId = header.conversationId ?? fileStem(ctx.file);
  for (const entry of entries) {
    const time = parseTimeOfDay(entry.time);
    if (!time) {
      yield counter.skip(`unusable time "${entry.time}"`, entry.line);
      continue;
    }
    const timestamp = clock.at(time);
    const speaker = known.get(entry.name) ?? unplaced(entry.name);
    if (!speaker) {
      yield counter.skip(`cannot tell whether "${entry.name}" is staff or a customer (name the agents with --agents or input.agents)`, entry.line);
      continue;
    }
    yield counter.message(
      { conversationId, timestamp, role: speaker.role, agentId: speaker.agentId, agentName: speaker.role === 'agent' ? entry.name : undefined, text: entry.text.trim() },
      entry.line,
    );
  }
}

export const textTranscript: ProductFormat = {
  name: 'text-transcript',
  reads: 'text',
  description: 'Plain-text transcripts with the date in a header and a time on each line ("(10:00:01 PM) Agent Mia: …", "[23:59:02] 客服1024: …")',
  sniff,
  read,
};
