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
import { MappingError, type InputProblem } from '../errors.js';
import { ROLES, type Role, type SourceRef } from '../model/message.js';
import { compileSignaturePattern } from './agent-identity.js';
import { fieldForKey, mapObject, normalizeKey, toMessage, type MessageOrReason } from './fields.js';
import { getKey, getPath, parsePath, scalar, type ColumnPath } from './json-path.js';
import { messageList, type JsonRecordReader } from './records.js';
import type { InputSection } from './schema.js';
import type { CalendarDate } from './time/calendar.js';
import { compileTimeFormat, type TimeFormat } from './time/time-format.js';
import { parseCalendarDate, parseTimeOfDay, TimeOfDayClock, type TimeOfDay } from './time/time-of-day.js';
import { parseTimestamp, wallClockToEpoch } from './time/timestamps.js';

/** Fields `input.columns` can name: the canonical fields, plus `date` for exports that write the date apart. */
export const MAPPABLE_FIELDS = ['conversationId', 'timestamp', 'role', 'agentId', 'agentName', 'text', 'date'] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];

/** A compiled `input` section: the mapping readers use, and every problem the schema cannot see. */
export interface CompiledInputSection {
  /** Undefined when the section says nothing about columns, roles or times (only agentIdFrom or agents). */
  mapping: InputMapping | undefined;
  /** Bad paths, patterns, time formats and dates, by key path under `input`. */
  problems: InputProblem[];
}

/** Compiles an `input` section once, for validation and for the readers alike. */
export function compileInputSection(section: InputSection): CompiledInputSection {
  const problems: InputProblem[] = [];
  let mapping: InputMapping | undefined;
  try {
    mapping = InputMapping.compile(section);
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    problems.push(...error.inputProblems);
  }
  if (section.agentIdFrom) {
    try {
      compileSignaturePattern(section.agentIdFrom.pattern);
    } catch (error) {
      problems.push({ path: ['agentIdFrom', 'pattern'], message: (error as Error).message });
    }
  }
  const { columns, roles, roleByKey, timeFormat, dateFormat, date } = section;
  const readsRecords = Boolean(columns || roles || roleByKey || timeFormat || dateFormat || date);
  return { mapping: readsRecords ? mapping : undefined, problems };
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
export class FileMapping implements JsonRecordReader {
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

  /** The message list of a conversation object: the `[]` list when the mapping names one, else a list the built-in names find. */
  messageList(value: unknown): unknown[] | undefined {
    const listPath = this.mapping.listPath;
    if (!listPath) return messageList(value);
    const listed = getPath(value, listPath);
    return Array.isArray(listed) ? listed : undefined;
  }
}
