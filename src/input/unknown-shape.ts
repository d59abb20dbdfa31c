/**
 * A JSON or CSV file that is not a chat export chatlint knows (another product's export, a Discord or
 * Telegram file without a mapping) would otherwise give one "missing conversation id" skip per record.
 * When none of a file's records is a message and all fail for want of the basic fields, the file is
 * refused with one line that says what it looks like and how to map it.
 */
import type { ReadEvent } from '../model/message.js';
import { isJsonObject } from './json-shape.js';
import type { InputEvent } from './events.js';

/** Reasons that mean "these records do not have the fields of a chat message", not "this record is broken". */
const SHAPE_REASONS = /^(?:missing conversation id|missing timestamp|missing role|expected a message object)/;
export const MAPPING_HINT = 'map its fields with input.columns (README: "Exports with other column names")';

const list = (keys: string[]): string => {
  const shown = keys.slice(0, 8).map((k) => k.slice(0, 40));
  return shown.join(', ') + (keys.length > shown.length ? `, … (${keys.length} in all)` : '');
};

/** Exports people try that chatlint has no reader for, by the keys at their top level. */
const KNOWN_OTHERS: Array<{ keys: string[]; name: string }> = [
  { keys: ['guild', 'channel', 'messages'], name: 'a DiscordChatExporter file' },
  { keys: ['tickets'], name: 'a helpdesk tickets export' },
  // Keys are matched in lower case.
  { keys: ['schemaversion', 'tool', 'summary', 'findings'], name: 'a chatlint report, not an export (compare two with chatlint diff, join shards with chatlint merge)' },
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
 * Passes a canonical reader's events through, except when a file holds no message at all and every one
 * of its records failed for want of the basic fields: then the file is one file-error. Skips are held
 * back only until the first message (or a skip of another kind) shows the file is a chat export; the
 * report keeps every skip anyway, so holding them costs no more memory than the report does. The
 * decision does not depend on the order of the records.
 */
export async function* guardUnknownShape(events: AsyncIterable<InputEvent>, file: string, looksLike: () => string): AsyncIterable<InputEvent> {
  let held: ReadEvent[] | undefined = [];
  for await (const event of events) {
    if (held === undefined || (event.type !== 'batch' && event.type !== 'message' && event.type !== 'skip')) {
      yield event;
      continue;
    }
    const records = event.type === 'batch' ? event.events : [event];
    const recognised = records.findIndex((r) => r.type !== 'skip' || !SHAPE_REASONS.test(r.skip.reason));
    if (recognised === -1) {
      held.push(...records);
      continue;
    }
    const released: ReadEvent[] = [...held, ...records];
    held = undefined;
    yield { type: 'batch', events: released };
  }
  if (held !== undefined && held.length > 0) yield { type: 'file-error', file, reason: unknownShapeReason(looksLike()) };
}
