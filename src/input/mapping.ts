/**
 * Column mapping for exports the built-in synonyms do not cover: the `input` section of a rule file, or a
 * `--map` file with the same keys at its top level.
 *
 * ```yaml
 * input:
 *   columns: {conversationId: 会话编号, timestamp: 消息时间, role: 发送者类型, agentId: 坐席工号, text: 消息}
 *   roles: {agent: [坐席, 人工], customer: [访客], bot: [智能助手]}
 *   timeFormat: YYYY/MM/DD hh:mm:ss A
 * ```
 *
 * - `columns` names the column (CSV) or key (JSON) of each field. A mapped field is read from that column
 *   only; fields left unmapped are still found by the built-in synonyms. Names match exactly, else ignoring
 *   case, `_`, `-` and spaces. In JSON a name may be a path: `sender.id` reads `{"sender": {"id": …}}`, and
 *   `messages[].sender.id` says that the objects under `messages` are the messages of a conversation
 *   object: paths with `[]` are read from each message, paths without it (`id`, `meta.channel`) from the
 *   conversation object. All `[]` paths must name the same list.
 * - `roles` lists the values of the role column for each role; compared ignoring case and surrounding
 *   spaces, before the built-in role synonyms.
 * - `timeFormat` (see compileTimeFormat) is tried first on every timestamp, then the built-in forms.
 * - A timestamp that is only a time of day (`23:59:01`, `下午3:05`) gets its date from the `date` column,
 *   else from `input.date`; within a conversation the times roll over midnight (see TimeOfDayClock).
 */
import type { InputSectionConfig } from '../config/schema.js';
import { ROLES, type ReadEvent, type Role, type SourceRef } from '../model/message.js';
import { FIELD_SYNONYMS, fieldForKey, mapObject, normalizeKey, toMessage, type MessageOrReason } from './fields.js';
import { compileSignaturePattern } from './agent-identity.js';
import { jsonValueProblem } from './limits.js';
import { messageList } from './records.js';
import { isJsonObject as isObject } from './json-shape.js';
import { escapeRegExp } from '../text/fold.js';
import { hourWithPeriod, offsetMinutes, parseTimestamp, wallClockToEpoch } from './timestamps.js';
import { isCalendarDate, parseCalendarDate, parseTimeOfDay, TimeOfDayClock, type CalendarDate, type TimeOfDay } from './time-of-day.js';

/** Fields `input.columns` can name: the canonical fields, plus `date` for exports that write the date apart. */
export const MAPPABLE_FIELDS = ['conversationId', 'timestamp', 'role', 'agentId', 'agentName', 'text', 'date'] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];

/** The `input` section as validated by the config schema (the type is inferred from it, never written twice). */
export type InputSection = InputSectionConfig;

/** A problem in an `input` section: the key path under `input` and what is wrong. */
export interface InputProblem {
  path: Array<string | number>;
  message: string;
}

export class MappingError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(problems.map((p) => `input.${p.path.join('.')}: ${p.message}`).join('\n'));
    this.name = 'MappingError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Time formats

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

// ---------------------------------------------------------------------------------------------------------
// Column paths

interface ColumnPath {
  /** As written in the rule file. */
  written: string;
  /** Read from each message of a conversation object (the path had `[]`). */
  inMessage: boolean;
  /** Path segments (after `[]` when inMessage). */
  segments: string[];
}

function parsePath(written: string): { list: string[] | undefined; path: ColumnPath } | string {
  const parts = written.split('[]');
  if (parts.length > 2) return 'only one [] (the message list) is allowed';
  const split = (text: string) => text.split('.').map((s) => s.trim());
  if (parts.length === 2) {
    const [before = '', after = ''] = parts;
    const list = split(before);
    const inner = after.startsWith('.') ? split(after.slice(1)) : after === '' ? [] : null;
    if (list.some((s) => s === '') || inner === null || inner.length === 0 || inner.some((s) => s === '')) {
      return 'expected a path such as messages[].sender.id';
    }
    return { list, path: { written, inMessage: true, segments: inner } };
  }
  const segments = split(written);
  if (segments.some((s) => s === '')) return 'expected a column name or a dotted path such as sender.id';
  return { list: undefined, path: { written, inMessage: false, segments } };
}


/** A key of an object: exactly, else ignoring case, `_`, `-` and spaces. */
function getKey(object: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  const wanted = normalizeKey(key);
  for (const [k, v] of Object.entries(object)) if (normalizeKey(k) === wanted) return v;
  return undefined;
}

/** Follows a dotted path; a key that itself contains dots (`sender.id` as one key) is tried first. */
function getPath(value: unknown, segments: string[]): unknown {
  if (!isObject(value)) return undefined;
  const whole = getKey(value, segments.join('.'));
  if (whole !== undefined || segments.length === 1) return whole;
  let current: unknown = value;
  for (const segment of segments) {
    if (!isObject(current)) return undefined;
    current = getKey(current, segment);
  }
  return current;
}

const CONVERSATION_ID_KEYS = new Set(['id', ...FIELD_SYNONYMS.conversationId].map(normalizeKey));

const scalar = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
};

// ---------------------------------------------------------------------------------------------------------
// The compiled mapping

/** Every problem in an `input` section that the schema cannot see (bad patterns, formats, dates, paths). */
export function inputSectionProblems(section: InputSection): InputProblem[] {
  const problems: InputProblem[] = [];
  try {
    InputMapping.compile(section);
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    problems.push(...error.problems);
  }
  if (section.agentIdFrom) {
    try {
      compileSignaturePattern(section.agentIdFrom.pattern);
    } catch (error) {
      problems.push({ path: ['agentIdFrom', 'pattern'], message: (error as Error).message });
    }
  }
  return problems;
}

/**
 * A compiled `input` section. Readers call `forFile()` once per file and turn each record into a message
 * with it; the per-file state is the midnight roll-over of time-only timestamps.
 */
export class InputMapping {
  private constructor(
    private readonly columns: Map<MappableField, ColumnPath>,
    /** The message list of conversation objects, from the `[]` paths. */
    readonly listPath: string[] | undefined,
    private readonly roleValues: Map<string, Role>,
    /** `roleByKey`: which key's presence says who wrote a message, in the order written. */
    private readonly roleKeys: Array<[Role, string]>,
    private readonly timeFormat: TimeFormat | undefined,
    private readonly dateFormat: TimeFormat | undefined,
    private readonly date: CalendarDate | undefined,
  ) {}

  /** Compiles and checks a section; throws MappingError listing every problem. */
  static compile(section: InputSection): InputMapping {
    const problems: InputProblem[] = [];
    const columns = new Map<MappableField, ColumnPath>();
    let listPath: string[] | undefined;
    for (const [field, written] of Object.entries(section.columns ?? {}) as Array<[MappableField, string | undefined]>) {
      if (written === undefined) continue;
      const parsed = parsePath(written);
      if (typeof parsed === 'string') {
        problems.push({ path: ['columns', field], message: parsed });
        continue;
      }
      if (parsed.list) {
        if (listPath && listPath.join('.') !== parsed.list.join('.')) {
          problems.push({ path: ['columns', field], message: `every [] path must name the same message list (${listPath.join('.')}[] above, ${parsed.list.join('.')}[] here)` });
          continue;
        }
        listPath = parsed.list;
      }
      columns.set(field, parsed.path);
    }

    const roleValues = new Map<string, Role>();
    for (const [role, values] of Object.entries(section.roles ?? {}) as Array<[Role, string[] | undefined]>) {
      if (!ROLES.includes(role)) continue;
      (values ?? []).forEach((value, index) => {
        const key = value.trim().toLowerCase();
        const other = roleValues.get(key);
        if (other !== undefined && other !== role) problems.push({ path: ['roles', role, index], message: `"${value}" is already listed under ${other}` });
        else roleValues.set(key, role);
      });
    }

    const compile = (key: 'timeFormat' | 'dateFormat'): TimeFormat | undefined => {
      const source = section[key];
      if (source === undefined) return undefined;
      try {
        const format = compileTimeFormat(source);
        if (key === 'dateFormat' && (!format.hasDate || format.hasTime)) throw new Error('a date format has a year, month and day and no time (e.g. YYYY/MM/DD)');
        return format;
      } catch (error) {
        problems.push({ path: [key], message: `${(error as Error).message} in "${source}"` });
        return undefined;
      }
    };
    const timeFormat = compile('timeFormat');
    const dateFormat = compile('dateFormat');

    let date: CalendarDate | undefined;
    if (section.date !== undefined) {
      date = parseCalendarDate(section.date) ?? undefined;
      if (!date) problems.push({ path: ['date'], message: `"${section.date}" is not a date (expected YYYY-MM-DD)` });
    }
    if (problems.length > 0) throw new MappingError(problems);
    const roleKeys: Array<[Role, string]> = [];
    for (const [role, keys] of Object.entries(section.roleByKey ?? {}) as Array<[Role, string[] | undefined]>) {
      for (const key of keys ?? []) roleKeys.push([role, key]);
    }
    return new InputMapping(columns, listPath, roleValues, roleKeys, timeFormat, dateFormat, date);
  }

  /** Names the mapped columns a CSV header lacks, or undefined when all are there. */
  missingColumns(header: string[]): string | undefined {
    const names = new Set(header);
    const normalized = new Set(header.map(normalizeKey));
    const missing: string[] = [];
    for (const [field, path] of this.columns) {
      if (path.inMessage) missing.push(`${field} → "${path.written}" (a JSON path; CSV columns are named plainly)`);
      else if (!names.has(path.written) && !normalized.has(normalizeKey(path.written))) missing.push(`${field} → "${path.written}"`);
    }
    return missing.length > 0 ? `the header has no column named in input.columns: ${missing.join(', ')}` : undefined;
  }

  /** Whether `field` is mapped (a CSV header needs no synonym for it then). */
  maps(field: MappableField): boolean {
    return this.columns.has(field);
  }

  /** The role a value of the role column stands for: the `roles` lists first, then the built-in synonyms (by the caller). */
  role(value: string): Role | undefined {
    return this.roleValues.get(value.trim().toLowerCase());
  }

  /** The role (and, for an agent, the id) a message states by which of the `roleByKey` keys it has. */
  roleFromKeys(record: Record<string, unknown>): { role: Role; name: string } | undefined {
    for (const [role, key] of this.roleKeys) {
      const value = scalar(getKey(record, key));
      if (value !== undefined) return { role, name: value };
    }
    return undefined;
  }

  forFile(): FileMapping {
    return new FileMapping(this, this.columns, this.timeFormat, this.dateFormat, this.date);
  }
}

/** The mapping as one file is read: turns records into messages, dating time-only timestamps per conversation. */
export class FileMapping {
  private readonly clocks = new Map<string, TimeOfDayClock>();

  constructor(
    private readonly mapping: InputMapping,
    private readonly columns: Map<MappableField, ColumnPath>,
    private readonly timeFormat: TimeFormat | undefined,
    private readonly dateFormat: TimeFormat | undefined,
    private readonly date: CalendarDate | undefined,
  ) {}

  /**
   * One message record (a CSV row, a JSON object with what it inherits from its conversation) into a
   * message or a skip reason. `conversation` is the conversation object a JSON message sits in, if any.
   */
  message(record: Record<string, unknown>, source: SourceRef, zone: string, conversation?: Record<string, unknown>): MessageOrReason {
    const mapped = mapObject(record);
    const fromRecord = (path: ColumnPath): boolean => path.inMessage || !conversation || !this.mapping.listPath;
    const read = (path: ColumnPath): unknown => getPath(fromRecord(path) ? record : conversation, path.segments);
    for (const [field, path] of this.columns) if (field !== 'date') mapped.fields[field] = read(path);
    // Columns the mapping reads are not metadata; a synonym column of a mapped field is not used, so it is kept as metadata.
    const consumed = [...this.columns.values()].filter(fromRecord).map((p) => normalizeKey(p.segments.join('.')));
    for (const [key, value] of Object.entries(record)) {
      const mappedHere = consumed.includes(normalizeKey(key));
      const field = fieldForKey(key);
      if (mappedHere) delete mapped.meta[key];
      else if (field && this.columns.has(field) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) mapped.meta[key] = String(value);
    }

    // Role and time are resolved here (mapped role values, time formats, dates), then handed on as the
    // canonical values toMessage understands; everything else (ids, text, agent fallbacks) is toMessage's.
    const conversationId = scalar(mapped.fields.conversationId);
    if (conversationId === undefined && this.columns.has('conversationId')) return { reason: this.missing('conversationId') };
    if (conversationId !== undefined) {
      const rawTime = mapped.fields.timestamp;
      if (rawTime === undefined || rawTime === null || rawTime === '') return { reason: this.missing('timestamp') };
      const datePath = this.columns.get('date');
      const time = this.time(rawTime, datePath ? read(datePath) : undefined, conversationId, zone);
      if (typeof time === 'string') return { reason: time };
      mapped.fields.timestamp = time;
      const byKey = scalar(mapped.fields.role) === undefined ? this.mapping.roleFromKeys(record) : undefined;
      if (byKey) {
        mapped.fields.role = byKey.role;
        if (byKey.role === 'agent') mapped.fields.agentId ??= byKey.name;
      }
      const roleText = scalar(mapped.fields.role);
      if (!roleText) return { reason: this.missing('role') };
      const role = this.mapping.role(roleText);
      if (role) mapped.fields.role = role;
    }
    return toMessage(mapped, source, zone);
  }

  private missing(field: MappableField): string {
    const path = this.columns.get(field);
    const name = field === 'conversationId' ? 'conversation id' : field;
    return path ? `missing ${name} (input.columns.${field}: ${path.written})` : `missing ${name}`;
  }

  /** Epoch ms of a timestamp value, or the reason it cannot be used. */
  time(raw: unknown, dateValue: unknown, conversationId: string, zone: string): number | string {
    const text = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : undefined;
    const shown = JSON.stringify(String(text ?? JSON.stringify(raw))).slice(0, 80);
    if (this.timeFormat && text !== undefined) {
      const parsed = this.timeFormat.parse(text);
      if (parsed) {
        if (parsed.kind === 'instant') return parsed.ms;
        if (parsed.date) {
          const { year, month, day } = parsed.date;
          const { hour, minute, second, ms } = parsed.time;
          if (parsed.offsetMinutes !== null) return Date.UTC(year, month - 1, day, hour, minute, second, ms) - parsed.offsetMinutes * 60_000;
          return wallClockToEpoch(zone, year, month, day, hour, minute, second, ms);
        }
        return this.dated(parsed.time, dateValue, conversationId, zone, shown);
      }
    }
    const builtIn = parseTimestamp(raw, zone);
    if (builtIn !== null) return builtIn;
    const timeOfDay = text !== undefined ? parseTimeOfDay(text) : null;
    if (timeOfDay) return this.dated(timeOfDay, dateValue, conversationId, zone, shown);
    return this.timeFormat ? `timestamp ${shown} does not match input.timeFormat "${this.timeFormat.source}"` : `unparseable timestamp ${shown}`;
  }

  private dated(time: TimeOfDay, dateValue: unknown, conversationId: string, zone: string, shown: string): number | string {
    let date = this.date;
    const dateText = scalar(dateValue);
    if (dateText !== undefined) {
      const fromFormat = this.dateFormat?.parse(dateText);
      const parsed = fromFormat?.kind === 'wall' ? fromFormat.date : parseCalendarDate(dateText);
      if (!parsed) return `unparseable date ${JSON.stringify(dateText).slice(0, 60)}${this.dateFormat ? ` (input.dateFormat "${this.dateFormat.source}")` : ''}`;
      date = parsed;
    }
    if (!date) return `timestamp ${shown} is a time of day without a date (map a date column in input.columns.date, or set input.date)`;
    const key = `${conversationId}\u0000${date.year}-${date.month}-${date.day}`;
    let clock = this.clocks.get(key);
    if (!clock) {
      clock = new TimeOfDayClock(date, zone);
      this.clocks.set(key, clock);
    }
    return clock.at(time);
  }

  /**
   * Read events for one JSON value: a message, a conversation object (its `[]` list, or a list the
   * built-in names find), or an array of either. Conversation scalars are inherited as in records.ts.
   */
  *json(
    value: unknown,
    file: string,
    line: number | null,
    nextRecord: () => number,
    zone: string,
    inherited: Record<string, unknown> = {},
    conversation?: Record<string, unknown>,
    depth = 0,
  ): Generator<ReadEvent> {
    // The same guards as records.ts: hostile nesting and duplicated keys are skipped with a reason.
    const problem = jsonValueProblem(value, depth);
    if (problem) {
      yield { type: 'skip', skip: { file, line, record: nextRecord(), reason: problem } };
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) yield* this.json(item, file, line, nextRecord, zone, inherited, conversation, depth + 1);
      return;
    }
    const listPath = this.mapping.listPath;
    const listed = listPath ? getPath(value, listPath) : undefined;
    const list = Array.isArray(listed) ? listed : listPath ? undefined : messageList(value);
    if (list && isObject(value)) {
      const defaults: Record<string, unknown> = { ...inherited };
      for (const [key, field] of Object.entries(value)) {
        if (field === null || typeof field === 'object') continue;
        defaults[CONVERSATION_ID_KEYS.has(normalizeKey(key)) ? 'conversation_id' : key] = field;
      }
      for (const item of list) yield* this.json(item, file, line, nextRecord, zone, defaults, value, depth + 1);
      return;
    }
    const record = nextRecord();
    const source: SourceRef = { file, line, record };
    if (!isObject(value)) {
      const found = value === null ? 'null' : typeof value === 'string' ? `a string ${JSON.stringify(value.slice(0, 40))}` : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      yield { type: 'skip', skip: { file, line, record, reason: `expected a message object, found ${found}` } };
      return;
    }
    const result = this.message({ ...inherited, ...value }, source, zone, conversation);
    if ('message' in result) yield { type: 'message', message: result.message };
    else yield { type: 'skip', skip: { file, line, record, reason: result.reason } };
  }
}

/** Merges a `--map` file's section over a rule file's: each top-level key the map file sets replaces the rule file's. */
export function mergeInputSections(base: InputSection | undefined, override: InputSection | undefined): InputSection | undefined {
  if (!base) return override;
  if (!override) return base;
  const merged: InputSection = { ...base };
  for (const [key, value] of Object.entries(override) as Array<[keyof InputSection, InputSection[keyof InputSection]]>) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
