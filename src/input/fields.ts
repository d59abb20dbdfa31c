import type { Message, Role, SourceRef } from '../model/message.js';
import { parseTimestamp } from './time/timestamps.js';
import { safeStringify } from './json-guard.js';
import { keyedByInput } from '../model/records.js';

/** The canonical fields and the names exports use for them (matched ignoring case, "_", "-" and spaces). */
export const FIELD_SYNONYMS = {
  conversationId: ['conversation_id', 'conversationId', 'chat_id', 'session_id', 'sessionId', 'conversation', '会话ID', '会话编号', '会话id'],
  timestamp: ['timestamp', 'time', 'created_at', 'createdAt', 'sent_at', 'sentAt', 'datetime', 'date', '时间', '发送时间', '消息时间'],
  role: ['role', 'sender_type', 'senderType', 'from', 'sender_role', '角色', '发送方', '发送者类型'],
  agentId: ['agent_id', 'agentId', 'operator_id', 'operatorId', 'staff_id', 'staffId', '客服工号', '工号', '客服ID', '坐席工号'],
  agentName: ['agent_name', 'agentName', 'operator_name', '客服昵称', '客服名称', '客服姓名'],
  text: ['text', 'message', 'content', 'body', 'msg', '内容', '消息内容', '消息'],
} as const;
export type CanonicalField = keyof typeof FIELD_SYNONYMS;

export const ROLE_SYNONYMS: Record<Role, readonly string[]> = {
  agent: ['agent', 'staff', 'operator', 'admin', 'support', '客服', '坐席', '人工', '人工客服'],
  customer: ['customer', 'user', 'visitor', 'client', 'guest', 'end-user', 'enduser', '客户', '访客', '用户', '顾客'],
  bot: ['bot', 'robot', 'chatbot', 'assistant', '机器人', '智能客服', '智能助手'],
  system: ['system', 'sys', 'notice', '系统', '系统消息'],
};

// Exports repeat the same few keys on every record, so normalised forms are cached (bounded).
const normalizedKeys = new Map<string, string>();
export function normalizeKey(key: string): string {
  let normalized = normalizedKeys.get(key);
  if (normalized === undefined) {
    normalized = key.toLowerCase().replace(/[\s_\-]/g, '');
    if (normalizedKeys.size > 10_000) normalizedKeys.clear();
    normalizedKeys.set(key, normalized);
  }
  return normalized;
}

const KEY_TO_FIELD = new Map<string, CanonicalField>();
for (const [field, names] of Object.entries(FIELD_SYNONYMS) as Array<[CanonicalField, readonly string[]]>) {
  for (const name of names) KEY_TO_FIELD.set(normalizeKey(name), field);
}
const ROLE_LOOKUP = new Map<string, Role>();
for (const [role, names] of Object.entries(ROLE_SYNONYMS) as Array<[Role, readonly string[]]>) {
  for (const name of names) ROLE_LOOKUP.set(name.toLowerCase(), role);
}

/** The canonical field a column or key name stands for, if any. */
export function fieldForKey(key: string): CanonicalField | undefined {
  return KEY_TO_FIELD.get(normalizeKey(key));
}

// The last two role texts looked up and their roles: exports alternate between two spellings (agent,
// customer), and a CSV field is a new string each row, which a Map lookup hashes again every time.
let lastRoleText = '';
let lastRole: Role | undefined;
let otherRoleText = '';
let otherRole: Role | undefined;

export function roleFromValue(value: string): Role | undefined {
  if (value === lastRoleText) return lastRole;
  if (value === otherRoleText) return otherRole;
  // Exports spell their roles one way on every record: the exact spelling is tried before trim and case.
  const role = ROLE_LOOKUP.get(value) ?? ROLE_LOOKUP.get(value.trim().toLowerCase());
  otherRoleText = lastRoleText;
  otherRole = lastRole;
  lastRoleText = value;
  lastRole = role;
  return role;
}

/** A record whose keys were already mapped: canonical fields plus whatever else it carried. */
export interface MappedRecord {
  fields: Partial<Record<CanonicalField, unknown>>;
  meta: Record<string, string>;
}

/** Maps an object's keys onto canonical fields; scalar leftovers become meta. */
export function mapObject(record: Record<string, unknown>): MappedRecord {
  const fields: Partial<Record<CanonicalField, unknown>> = {};
  const meta = keyedByInput<string>();
  for (const [key, value] of Object.entries(record)) {
    const field = fieldForKey(key);
    if (field) {
      if (fields[field] === undefined || fields[field] === null || fields[field] === '') fields[field] = value;
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      meta[key] = String(value);
    }
  }
  return { fields, meta };
}

const scalarText = (value: unknown): string | undefined => {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
};

export type MessageOrReason = { message: Message } | { reason: string };

/** An id given as a JSON number past 2^53 has already lost digits (two ids may have become one): say so. */
function inexactNumber(value: unknown, what: string): string | undefined {
  if (typeof value !== 'number' || Number.isSafeInteger(value) || !Number.isInteger(value)) return undefined;
  return `${what} ${value} is a number too large to be exact (over 2^53); the export must give it as a string`;
}

/** A number, or a numeric or year-first date text, that names a time outside what parseTimestamp accepts (1970–2199). */
function outOfRange(value: unknown): boolean {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(?:\.\d+)?\s*$/.test(value) ? Number(value) : null;
  if (number !== null) return !Number.isNaN(number);
  const year = typeof value === 'string' ? /^\s*(\d{4,})\s*[-/.年]/.exec(value)?.[1] : undefined;
  return year !== undefined && (Number(year) < 1970 || Number(year) >= 2200);
}

/** Whether an object has an own enumerable key, without listing its keys (this runs once per record). */
function hasKeys(record: Record<string, string>): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}

/** The meta of a record that has none, shared (a message gets meta only when it holds keys). */
export const NO_META: Record<string, string> = Object.freeze(keyedByInput<string>());

/** Turns a mapped record into a Message, or the reason it cannot be used. */
export function toMessage(record: MappedRecord, source: SourceRef, timezone: string): MessageOrReason {
  const result = messageOrReason(record, source, timezone);
  return typeof result === 'string' ? { reason: result } : { message: result };
}

/**
 * toMessage without the wrapper object: the Message, or the reason (a string) it cannot be used. Readers
 * of big files call this once per record.
 */
export function messageOrReason(record: MappedRecord, source: SourceRef, timezone: string): Message | string {
  const { fields, meta } = record;
  const conversationId = scalarText(fields.conversationId);
  if (!conversationId) return 'missing conversation id';
  const inexact = inexactNumber(fields.conversationId, 'conversation id') ?? inexactNumber(fields.agentId, 'agent id');
  if (inexact) return inexact;
  const rawTime = fields.timestamp;
  if (rawTime === undefined || rawTime === null || rawTime === '') return 'missing timestamp';
  const timestamp = parseTimestamp(rawTime, timezone);
  if (timestamp === null) {
    const shown = JSON.stringify(String(rawTime)).slice(0, 80);
    return outOfRange(rawTime) ? `timestamp ${shown} is outside the years 1970–2199` : `unparseable timestamp ${shown}`;
  }
  const roleText = scalarText(fields.role);
  if (!roleText) return 'missing role';
  const role = roleFromValue(roleText);
  if (!role) return `unknown role ${JSON.stringify(roleText).slice(0, 60)}`;
  const text = fields.text === undefined || fields.text === null ? '' : typeof fields.text === 'string' ? fields.text : safeStringify(fields.text);
  if (text === null) return 'text is not a string, and too deeply nested to show as one';
  const staff = role === 'agent' || role === 'bot';
  const agentName = staff ? scalarText(fields.agentName) : undefined;
  const agentId = staff ? scalarText(fields.agentId) ?? (role === 'agent' ? agentName ?? 'unknown' : undefined) : undefined;
  // Every message gets every key, in one literal (undefined where absent; JSON and the rules cannot tell
  // the difference): one object and one shape for all messages, where keys added later would give agent
  // messages a second object for them and every reader of messages two shapes to handle.
  return { conversationId, timestamp, role, text, source, agentId, agentName, meta: meta !== NO_META && hasKeys(meta) ? meta : undefined };
}
