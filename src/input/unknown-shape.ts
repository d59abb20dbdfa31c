/**
 * A JSON or CSV file that is not a chat export chatlint knows (another product's export, a Discord or
 * Telegram file without a mapping) would otherwise give one "missing conversation id" skip per record.
 * When a file's first records all fail for want of the basic fields, and none is a message, the file is
 * refused with one line that says what it looks like and how to map it.
 */
import type { ReadEvent } from '../model/message.js';
import { isJsonObject } from './json-shape.js';
import type { InputEvent } from './events.js';

/** Reasons that mean "these records do not have the fields of a chat message", not "this record is broken". */
const SHAPE_REASONS = /^(?:missing conversation id|missing timestamp|missing role|expected a message object)/;
/** How many such records in a row, from the start of a file, settle that the file is not a chat export. */
export const UNKNOWN_SHAPE_RECORDS = 20;
export const MAPPING_HINT = 'map its fields with input.columns (README: "Exports with other column names")';

const list = (keys: string[]): string => {
  const shown = keys.slice(0, 8).map((k) => k.slice(0, 40));
  return shown.join(', ') + (keys.length > shown.length ? `, … (${keys.length} in all)` : '');
};

/** Exports people try that chatlint has no reader for, by the keys at their top level. */
const KNOWN_OTHERS: Array<{ keys: string[]; name: string }> = [
  { keys: ['guild', 'channel', 'messages'], name: 'a DiscordChatExporter file' },
  { keys: ['tickets'], name: 'a helpdesk tickets export' },
];

function describeJson(value: unknown): string {
  if (Array.isArray(value)) {
    const first = value.find(isJsonObject);
    return first ? `a JSON array of objects with keys ${list(Object.keys(first))}` : 'a JSON array without objects';
  }
  if (isJsonObject(value)) {
    const keys = Object.keys(value);
    const lower = new Set(keys.map((k) => k.toLowerCase()));
    const known = KNOWN_OTHERS.find((o) => o.keys.every((k) => lower.has(k)));
    // The first list of objects inside is where the records are: name its keys too, for the mapping.
    const listed = Object.entries(value).find(([, v]) => Array.isArray(v) && v.some(isJsonObject));
    const inner = listed ? (listed[1] as unknown[]).find(isJsonObject) : undefined;
    const records = listed && inner ? `, its ${listed[0]}[] objects with keys ${list(Object.keys(inner))}` : '';
    return `${known ? `${known.name}: ` : ''}a JSON object with keys ${list(keys)}${records}`;
  }
  return `a JSON ${value === null ? 'null' : typeof value}`;
}

/** What the head of a file looks like, in a few words, for the one-line refusal. */
export function describeShape(format: string, headText: string, json?: unknown): string {
  if (format === 'json') return describeJson(json);
  const firstLine = headText.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  if (format === 'jsonl') {
    try {
      const first: unknown = JSON.parse(firstLine);
      return isJsonObject(first) ? `JSON Lines whose first object has keys ${list(Object.keys(first))}` : 'JSON Lines';
    } catch {
      return 'JSON Lines';
    }
  }
  const delimiter = format === 'tsv' ? '\t' : ',';
  const columns = firstLine.split(delimiter).map((c) => c.trim().replace(/^"|"$/g, '')).filter(Boolean);
  return `a ${format.toUpperCase()} with columns ${list(columns)}`;
}

export function unknownShapeReason(looksLike: string): string {
  return `not a chat export chatlint recognises (it looks like ${looksLike}); ${MAPPING_HINT}`;
}

/**
 * Passes a canonical reader's events through, except when the file's first records (up to
 * UNKNOWN_SHAPE_RECORDS, or all of a shorter file) are all shape failures and none is a message: then
 * the file is one file-error. Only the first records are held back, so streaming stays streaming.
 */
export async function* guardUnknownShape(events: AsyncIterable<InputEvent>, file: string, looksLike: () => string): AsyncIterable<InputEvent> {
  let held: ReadEvent[] | undefined = [];
  const release = function* (rest: ReadEvent[]): Iterable<InputEvent> {
    const records = [...(held ?? []), ...rest];
    held = undefined;
    if (records.length > 0) yield { type: 'batch', events: records };
  };
  for await (const event of events) {
    if (held === undefined || (event.type !== 'batch' && event.type !== 'message' && event.type !== 'skip')) {
      yield event;
      continue;
    }
    const records = event.type === 'batch' ? event.events : [event];
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as ReadEvent;
      if (record.type === 'message' || !SHAPE_REASONS.test(record.skip.reason)) {
        yield* release(records.slice(i));
        break;
      }
      held.push(record);
      if (held.length >= UNKNOWN_SHAPE_RECORDS) {
        yield { type: 'file-error', file, reason: unknownShapeReason(looksLike()) };
        return;
      }
    }
  }
  if (held === undefined) return;
  if (held.length > 0) yield { type: 'file-error', file, reason: unknownShapeReason(looksLike()) };
}
