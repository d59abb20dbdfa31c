import type { TranscriptMessage } from '../../model/transcript.js';
import { localTime } from '../local-time.js';

/**
 * JSON for a `<script type="application/json">`: `<`, `>` and `&` become \u escapes, so no string in the
 * data can close the script element (`</script`) or open a comment (`<!--`); JSON.parse reads them back.
 */
export function scriptSafeJson(value: unknown): string {
  const json = JSON.stringify(value);
  // Most JSON holds none of them: one scan, no copy.
  return UNSAFE.test(json) ? json.replace(UNSAFE_ALL, (ch) => ESCAPES[ch] ?? ch) : json;
}
const UNSAFE = /[<>&\u2028\u2029]/;
const UNSAFE_ALL = /[<>&\u2028\u2029]/g;
const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

export const ROLES = ['agent', 'customer', 'bot', 'system'] as const;

/**
 * A timeline's messages as the page embeds them, [position, local time, role, agent id, agent name, text,
 * reply seconds] each: the elements of the JSON array, script-safe, without its brackets.
 */
export function timelineMessages(messages: readonly TranscriptMessage[], timezone: string): string {
  return printedMessages(messages.map((m) => messageRow(m, timezone)));
}

/** A message as the page's timeline holds it: [position, local time, role, agent id, agent name, text, reply seconds]. */
export type MessageRow = [number, string, number, string | null, string | null, string, number | null];

export const messageRow = (m: TranscriptMessage, timezone: string): MessageRow => [m.index, localTime(m.timestamp, timezone), ROLES.indexOf(m.role), m.agentId, m.agentName, m.text, m.replySeconds];

/** Rows as timelineMessages prints them. */
export const printedMessages = (rows: readonly MessageRow[]): string => scriptSafeJson(rows).slice(1, -1);
