import type { ReadEvent } from '../model/message.js';
import { afterUtf8Bom, decodeRange } from './encoding.js';
import { splitLines } from './lines.js';
import { FlatRecordReader } from './flat-json.js';
import { countKeys, markDuplicateKeys, mayRepeatKeys, textHasMoreKeys } from './json-guard.js';
import { isJsonObject } from './json-shape.js';
import type { ReadOptions } from './options.js';
import { eventsFromJson, KeyPlan, keysCertainlyKept, pushEventsFromJson, pushPlannedRecord } from './records.js';
import type { OpenedInput } from './source.js';
import { inShard } from '../model/shard.js';

// Every spelling of a key the built-in names read as a conversation id (normalizeKey drops case, spaces, _ and -).
const CONVERSATION_KEYISH = new RegExp(
  ['conversation', 'chatid', 'sessionid', '会话'].map((word) => [...word].join('[\\s_\\-]*')).join('|'),
  'gi',
);
const ID_KEY = '"conversation_id":"';

/**
 * The conversation id a JSON Lines record certainly has, read without parsing it, or undefined when that
 * is not certain: the line is one object without arrays (no conversation object), `"conversation_id":"`
 * is the only key in it that could name a conversation, and its value has no escapes. A line that is a
 * message has exactly this id; one that is not is a skip, which then goes with the same shard.
 */
export function certainConversationId(text: string): string | undefined {
  if (text.charCodeAt(0) !== 0x7b || text.charCodeAt(text.length - 1) !== 0x7d) return undefined;
  if (text.includes('[') && /:\s*\[/.test(text)) return undefined;
  const at = text.indexOf(ID_KEY);
  if (at < 0) return undefined;
  CONVERSATION_KEYISH.lastIndex = 0;
  const first = CONVERSATION_KEYISH.exec(text);
  if (!first || first.index !== at + 1 || CONVERSATION_KEYISH.exec(text) !== null) return undefined;
  const end = text.indexOf('"', at + ID_KEY.length);
  const raw = end < 0 ? '' : text.slice(at + ID_KEY.length, end);
  return end < 0 || raw.includes('\\') ? undefined : raw.trim();
}

/** Why a line is not JSON. */
class InvalidLine {
  constructor(readonly reason: string) {}
}

/** JSON.parse of a line with its repeated keys marked (see json-guard.ts), or why it is not JSON. */
function parseMarked(text: string): unknown {
  try {
    return JSON.parse(markDuplicateKeys(text));
  } catch (error) {
    return new InvalidLine(`invalid JSON: ${(error as Error).message}`);
  }
}

/**
 * JSON Lines: one message or conversation object per line, streamed. Blank lines are not records.
 * Yields the records of each chunk read as one batch: per-record awaits through every stage above
 * cost more than parsing the record.
 */
export async function* readJsonLines(input: OpenedInput, options: ReadOptions): AsyncIterable<ReadEvent[]> {
  const file = input.label;
  let record = options.recordsBefore ?? 0;
  const nextRecord = () => ++record;
  const mapping = options.mapping?.forFile();
  const plan = new KeyPlan();
  // Checking one shard of several: records of other shards' conversations are counted, not parsed.
  const plain = !mapping && (options.encoding === 'utf8' || options.encoding === 'auto');
  const shard = options.shard && options.shard.count > 1 && plain ? options.shard : undefined;
  const only = plain ? options.onlyConversations : undefined;
  // The common record is read from its bytes (with a shard or conversation filter too: the engine keeps the
  // messages it owns, and reading a record whole from its bytes costs less than finding its id in its text).
  const flat = plain ? new FlatRecordReader(plan) : undefined;
  /** Whether the conversation a line certainly belongs to is another shard's or not asked for (no certain id: no). */
  const elsewhere = (certain: string | undefined) => certain !== undefined && ((shard && !inShard(certain, shard)) || (only && !only.has(certain)));
  for await (const lines of splitLines(input.chunks(), options.maxLineBytes, options.linesBefore)) {
    const batch: ReadEvent[] = [];
    const skipLine = (number: number, reason: string) => batch.push({ type: 'skip', skip: { file, line: number, record: nextRecord(), reason } });
    for (const line of lines) {
      if (line.tooLong) {
        skipLine(line.number, `line is ${line.length} bytes, over the limit of ${options.maxLineBytes} (--max-line-bytes)`);
        continue;
      }
      const start = line.number === 1 ? afterUtf8Bom(line.buffer, line.start, line.end) : line.start;
      const read = flat?.read(line.buffer, start, line.end);
      if (read) {
        const from = batch.length;
        pushPlannedRecord(batch, read, file, line.number, nextRecord, options.timezone);
        const event = batch[from];
        // A skip goes where the general path below sends it (rare: its text is decoded for that).
        if (event?.type === 'skip' && (shard || only) && line.number > 1) {
          const certain = certainConversationId(decodeRange(line.buffer, start, line.end, options.encoding) ?? '');
          if (elsewhere(certain)) batch[from] = { type: 'elsewhere' };
          else if (certain !== undefined) event.shardOwned = true;
        }
        continue;
      }
      const text = decodeRange(line.buffer, start, line.end, options.encoding);
      if (text === null) {
        skipLine(line.number, `not valid ${options.encoding === 'utf8' ? 'UTF-8' : options.encoding.toUpperCase()} text (try --encoding)`);
        continue;
      }
      if (text.charCodeAt(0) !== 0x7b /* { */ && text.trim() === '') continue;
      const certain = (shard || only) && line.number > 1 ? certainConversationId(text) : undefined;
      if (elsewhere(certain)) {
        nextRecord();
        batch.push({ type: 'elsewhere' });
        continue;
      }
      const from = batch.length;
      // Parse once; the duplicate-key scan runs only when the parsed value may have lost a key to a repeat.
      let value: unknown;
      let marked = false;
      try {
        value = JSON.parse(text);
      } catch {
        value = parseMarked(text);
        marked = true;
      }
      // A plain message object: the key plan maps it and counts its keys in the same walk; the text is
      // scanned for a repeated key only when its length leaves room for one.
      const planned = !mapping && !marked && isJsonObject(value) ? plan.map(value) : undefined;
      if (planned && (keysCertainlyKept(planned, text.length) || !textHasMoreKeys(text, planned.flat ? planned.keys : countKeys(value, 0)))) {
        pushPlannedRecord(batch, planned, file, line.number, nextRecord, options.timezone);
      } else {
        if (!marked && (planned !== undefined || mayRepeatKeys(text, value))) value = parseMarked(text);
        if (value instanceof InvalidLine) skipLine(line.number, value.reason);
        else if (mapping) for (const event of eventsFromJson(value, file, line.number, nextRecord, options.timezone, mapping)) batch.push(event);
        else pushEventsFromJson(batch, value, plan, file, line.number, nextRecord, options.timezone);
      }
      // A skip from a line whose conversation is certain belongs to that conversation's shard.
      if (certain !== undefined) {
        for (let i = from; i < batch.length; i++) {
          const event = batch[i];
          if (event?.type === 'skip') event.shardOwned = true;
        }
      }
    }
    if (batch.length > 0) yield batch;
  }
}
