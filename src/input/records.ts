import type { ReadEvent, SourceRef } from '../model/message.js';
import { isJsonObject as isObject } from './json-shape.js';
import { FIELD_SYNONYMS, fieldForKey, mapObject, messageOrReason, NO_META, normalizeKey, toMessage, type CanonicalField, type MappedRecord, type MessageOrReason } from './fields.js';
import { DUPLICATE_KEY_MARK, jsonValueProblem } from './json-guard.js';
import { keyedByInput } from '../model/records.js';

const CONVERSATION_ID_KEYS = new Set(['id', ...FIELD_SYNONYMS.conversationId].map(normalizeKey));
const MESSAGE_LIST_KEYS = new Set(['messages', 'msgs', 'records', 'history', 'transcript', '消息', '消息列表'].map(normalizeKey));

/** The message list of a conversation object (`{"id": ..., "messages": [...]}`), if it is one. */
export function messageList(value: unknown): unknown[] | undefined {
  if (!isObject(value)) return undefined;
  for (const [key, list] of Object.entries(value)) {
    if (Array.isArray(list) && MESSAGE_LIST_KEYS.has(normalizeKey(key))) return list;
  }
  return undefined;
}

/** How JSON records become messages: by the built-in field names, or by an `input` mapping (see mapping.ts). */
export interface JsonRecordReader {
  /** The message list of a conversation object, if `value` is one. */
  messageList(value: unknown): unknown[] | undefined;
  /** One message record (with what it inherits) into a message or a skip reason; `conversation` is the object it sits in. */
  message(record: Record<string, unknown>, source: SourceRef, zone: string, conversation?: Record<string, unknown>): MessageOrReason;
}

/** Reads records by the built-in field names. */
export const BUILT_IN_RECORDS: JsonRecordReader = {
  messageList,
  message: (record, source, zone) => toMessage(mapObject(record), source, zone),
};

/**
 * Turns one JSON value into read events: a message object, a conversation object whose scalar fields
 * (id, agent, channel, …) the messages inherit, or an array of either. `nextRecord` numbers the records
 * within the file. Hostile nesting and duplicated keys are skipped with a reason (see json-guard.ts).
 */
export function* eventsFromJson(
  value: unknown,
  file: string,
  line: number | null,
  nextRecord: () => number,
  timezone: string,
  reader: JsonRecordReader = BUILT_IN_RECORDS,
  inherited: Record<string, unknown> = {},
  conversation?: Record<string, unknown>,
  depth = 0,
): Generator<ReadEvent> {
  const problem = jsonValueProblem(value, depth);
  if (problem) {
    yield { type: 'skip', skip: { file, line, record: nextRecord(), reason: problem } };
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) yield* eventsFromJson(item, file, line, nextRecord, timezone, reader, inherited, conversation, depth + 1);
    return;
  }
  const list = reader.messageList(value);
  if (list && isObject(value)) {
    const defaults: Record<string, unknown> = { ...inherited };
    for (const [key, field] of Object.entries(value)) {
      if (field === null || typeof field === 'object') continue;
      defaults[CONVERSATION_ID_KEYS.has(normalizeKey(key)) ? 'conversation_id' : key] = field;
    }
    for (const item of list) yield* eventsFromJson(item, file, line, nextRecord, timezone, reader, defaults, value, depth + 1);
    return;
  }
  const record = nextRecord();
  const source: SourceRef = { file, line, record };
  if (!isObject(value)) {
    yield { type: 'skip', skip: { file, line, record, reason: `expected a message object, found ${describe(value)}` } };
    return;
  }
  const result = reader.message({ ...inherited, ...value }, source, timezone, conversation);
  if ('message' in result) yield { type: 'message', message: result.message };
  else yield { type: 'skip', skip: { file, line, record, reason: result.reason } };
}

/** What a key of a message object is for: a canonical field or meta, and whether it can name a message list. */
export interface KeyRole {
  field: CanonicalField | 'meta';
  /** The field's index in CANONICAL_FIELDS, or -1 for meta. */
  slot: number;
  /** A message-list name: with an array under it, the object is a conversation object. */
  list: boolean;
  /** A key renamed by markDuplicateKeys: the record goes the general way, to be skipped with its reason. */
  mark: boolean;
}

/**
 * How the keys of one file's records map to fields, decided once per key name (exports repeat the same
 * few keys on every record) instead of a synonym lookup per key per record.
 */
export class KeyPlan {
  private readonly roles = new Map<string, KeyRole>();

  private roleOf(key: string): KeyRole {
    let role = this.roles.get(key);
    if (role === undefined) {
      const field = fieldForKey(key) ?? 'meta';
      const slot = field === 'meta' ? -1 : CANONICAL_FIELDS.indexOf(field);
      role = { field, slot, list: MESSAGE_LIST_KEYS.has(normalizeKey(key)), mark: key.startsWith(DUPLICATE_KEY_MARK) };
      if (this.roles.size < 10_000) this.roles.set(key, role);
    }
    return role;
  }

  /**
   * mapObject for a plain message object at the top of a line, or undefined when the object needs the
   * general path (eventsFromJson): a conversation object, or keys marked as repeated. Also says how many
   * keys the object has and whether it is flat (no object or array values), so the reader can tell
   * without walking it again whether its text may hold a key that JSON.parse dropped (json-guard.ts).
   * The record returned is the plan's own, valid until the next call.
   */
  map(value: Record<string, unknown>): PlannedRecord | undefined {
    // One record object per plan, refilled for each record (its reader uses it before asking for the next):
    // two objects fewer per message, and one shape for every record's fields.
    // Fields go to numbered slots first (an array store per key), then to the record by name, once each.
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) slots[i] = undefined;
    let meta: Record<string, string> | undefined;
    let keys = 0;
    let flat = true;
    // The shortest text the object could have been written as: the braces, and per key its quoted name, a
    // colon, the shortest form of its value and a comma (one too many, taken off below).
    let shortestText = 1;
    for (const key in value) {
      const field = value[key];
      const role = this.roleAt(keys, key);
      keys++;
      if (role.mark || (role.list && Array.isArray(field))) return undefined;
      if (typeof field === 'string') shortestText += key.length + field.length + 6;
      else if (typeof field === 'object' && field !== null) flat = false;
      else shortestText += key.length + (field === false ? 9 : field === true || field === null ? 8 : 5);
      const slot = role.slot;
      if (slot < 0) {
        if (typeof field === 'string' || typeof field === 'number' || typeof field === 'boolean') (meta ??= keyedByInput<string>())[key] = String(field);
      } else {
        const current = slots[slot];
        if (current === undefined || current === null || current === '') slots[slot] = field;
      }
    }
    const planned = this.planned;
    const fields = planned.fields;
    fillFields(fields, slots);
    planned.meta = meta ?? NO_META;
    planned.keys = keys;
    planned.flat = flat;
    planned.shortestText = keys === 0 ? 2 : shortestText;
    return planned;
  }

  /** The role of the key at `position` in a record: records of one export list the same keys in the same order, so the last record's are reused. */
  roleAt(position: number, key: string): KeyRole {
    const last = this.lastRoles[position];
    if (last !== undefined && this.lastKeys[position] === key) return last;
    const role = this.roleOf(key);
    this.lastKeys[position] = key;
    this.lastRoles[position] = role;
    return role;
  }

  private readonly slots: unknown[] = CANONICAL_FIELDS.map(() => undefined);
  private readonly lastKeys: string[] = [];
  private readonly lastRoles: KeyRole[] = [];
  private readonly planned: PlannedRecord & { fields: Record<CanonicalField, unknown> } = {
    fields: { conversationId: undefined, timestamp: undefined, role: undefined, agentId: undefined, agentName: undefined, text: undefined },
    meta: NO_META,
    keys: 0,
    flat: true,
    shortestText: 2,
  };
}

export const CANONICAL_FIELDS = Object.keys(FIELD_SYNONYMS) as CanonicalField[];
/** Each canonical field's slot (its index in CANONICAL_FIELDS). */
const SLOT = Object.fromEntries(CANONICAL_FIELDS.map((field, i) => [field, i])) as Record<CanonicalField, number>;

/** A record mapped by a KeyPlan, with what the duplicate-key guard needs to know about its object. */
export interface PlannedRecord extends MappedRecord {
  /** Own keys of the object (after JSON.parse kept the last of any repeated ones). */
  keys: number;
  /** No value is an object or array: `keys` is every key in the record's text that JSON.parse kept. */
  flat: boolean;
  /**
   * For a flat object, the length of the shortest JSON text it can be parsed from (no white space, no
   * escapes, numbers as one digit). Every key JSON.parse dropped for a repeat adds at least `,"":0` (5
   * characters) to the real text, so a text shorter than this plus 5 lost none (see keysCertainlyKept).
   */
  shortestText: number;
}

/**
 * True when the text a flat planned record was parsed from cannot have held a key JSON.parse dropped for a
 * repeat: it is too short to hold one more key than the record has. This costs no scan of the text; a
 * text with white space, escapes or long numbers is not decided here and goes to the scan (textHasMoreKeys).
 */
export function keysCertainlyKept(planned: PlannedRecord, textLength: number): boolean {
  return planned.flat && textLength < planned.shortestText + 5;
}


/** The message (or skip) of a record a KeyPlan mapped. */
export function pushPlannedRecord(
  batch: ReadEvent[],
  mapped: MappedRecord,
  file: string,
  line: number,
  nextRecord: () => number,
  timezone: string,
): void {
  const record = nextRecord();
  const result = messageOrReason(mapped, { file, line, record }, timezone);
  if (typeof result === 'string') batch.push({ type: 'skip', skip: { file, line, record, reason: result } });
  else batch.push({ type: 'message', message: result });
}

/**
 * The events of one parsed JSON line with the built-in field names: a plain message object goes straight
 * through the file's key plan (no generator, no spread); anything else (conversation objects, arrays,
 * scalars) through eventsFromJson.
 */
export function pushEventsFromJson(
  batch: ReadEvent[],
  value: unknown,
  plan: KeyPlan,
  file: string,
  line: number,
  nextRecord: () => number,
  timezone: string,
): void {
  const mapped = isObject(value) ? plan.map(value) : undefined;
  if (mapped) pushPlannedRecord(batch, mapped, file, line, nextRecord, timezone);
  else for (const event of eventsFromJson(value, file, line, nextRecord, timezone)) batch.push(event);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value === 'object' ? 'an array' : `a ${typeof value}`;
}

/**
 * How the columns of a delimited file's header map to fields, decided once per file: a row (an array of
 * fields as long as the header) becomes the record KeyPlan.map would make of the row keyed by the header
 * (as csv-parse's `columns` keys it: a later repeat of a name wins, in the first one's place), without
 * building that keyed object per row.
 */
const UNSHARED_FIELDS: ReadonlySet<CanonicalField | undefined> = new Set(['conversationId', 'timestamp', 'text']);

export class ColumnPlan {
  /** Per distinct name, in first-occurrence order: the column its value comes from (the name's last). */
  private readonly names: string[] = [];
  private readonly columns: number[] = [];
  private readonly slots: number[] = [];
  private readonly values: Array<string | undefined> = CANONICAL_FIELDS.map(() => undefined);
  private readonly record: MappedRecord & { fields: Record<CanonicalField, unknown> } = {
    fields: { conversationId: undefined, timestamp: undefined, role: undefined, agentId: undefined, agentName: undefined, text: undefined },
    meta: NO_META,
  };

  /** Per column: whether its values are few and short enough to share (not ids, times or texts). */
  readonly sharedColumns: readonly boolean[];

  constructor(header: readonly string[]) {
    this.sharedColumns = header.map((name) => !UNSHARED_FIELDS.has(fieldForKey(name)));
    const position = new Map<string, number>();
    header.forEach((name, column) => {
      const at = position.get(name);
      if (at !== undefined) {
        this.columns[at] = column;
        return;
      }
      position.set(name, this.names.length);
      const field = fieldForKey(name);
      this.names.push(name);
      this.columns.push(column);
      this.slots.push(field === undefined ? -1 : CANONICAL_FIELDS.indexOf(field));
    });
  }

  /** The mapped record of a row with as many fields as the header; the plan's own, valid until the next call. */
  map(row: readonly string[]): MappedRecord {
    const values = this.values;
    values.fill(undefined);
    let meta: Record<string, string> | undefined;
    const { names, columns, slots } = this;
    for (let i = 0; i < names.length; i++) {
      const value = row[columns[i] as number] as string;
      const slot = slots[i] as number;
      if (slot < 0) (meta ??= keyedByInput<string>())[names[i] as string] = value;
      else if (values[slot] === undefined || values[slot] === '') values[slot] = value;
    }
    const fields = this.record.fields;
    fillFields(fields, values);
    this.record.meta = meta ?? NO_META;
    return this.record;
  }
}

/** The canonical fields of a record from its numbered slots, always every key, so records keep one shape. */
export function fillFields(fields: MappedRecord['fields'], slots: readonly unknown[]): void {
  fields.conversationId = slots[SLOT.conversationId];
  fields.timestamp = slots[SLOT.timestamp];
  fields.role = slots[SLOT.role];
  fields.agentId = slots[SLOT.agentId];
  fields.agentName = slots[SLOT.agentName];
  fields.text = slots[SLOT.text];
}
