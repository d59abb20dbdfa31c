import type { ReadEvent, SourceRef } from '../model/message.js';
import { isJsonObject as isObject } from './json-shape.js';
import { FIELD_SYNONYMS, mapObject, normalizeKey, toMessage } from './fields.js';
import { jsonValueProblem } from './limits.js';

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

/**
 * Turns one JSON value into read events: a message object, a conversation object whose scalar fields
 * (id, agent, channel, …) the messages inherit, or an array of either.
 * `nextRecord` numbers the records within the file.
 */
export function* eventsFromJson(
  value: unknown,
  file: string,
  line: number | null,
  nextRecord: () => number,
  timezone: string,
  inherited: Record<string, unknown> = {},
  depth = 0,
): Generator<ReadEvent> {
  const problem = jsonValueProblem(value, depth);
  if (problem) {
    yield { type: 'skip', skip: { file, line, record: nextRecord(), reason: problem } };
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) yield* eventsFromJson(item, file, line, nextRecord, timezone, inherited, depth + 1);
    return;
  }
  const list = messageList(value);
  if (list && isObject(value)) {
    const defaults: Record<string, unknown> = { ...inherited };
    for (const [key, field] of Object.entries(value)) {
      if (field === null || typeof field === 'object') continue;
      defaults[CONVERSATION_ID_KEYS.has(normalizeKey(key)) ? 'conversation_id' : key] = field;
    }
    for (const item of list) yield* eventsFromJson(item, file, line, nextRecord, timezone, defaults, depth + 1);
    return;
  }
  const record = nextRecord();
  const source: SourceRef = { file, line, record };
  if (!isObject(value)) {
    yield { type: 'skip', skip: { file, line, record, reason: `expected a message object, found ${describe(value)}` } };
    return;
  }
  const result = toMessage(mapObject({ ...inherited, ...value }), source, timezone);
  if ('message' in result) yield { type: 'message', message: result.message };
  else yield { type: 'skip', skip: { file, line, record, reason: result.reason } };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value === 'object' ? 'an array' : `a ${typeof value}`;
}
