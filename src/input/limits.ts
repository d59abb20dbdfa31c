import type { ReadEvent } from '../model/message.js';
import type { InputEvent } from './events.js';

/** Limits on what one record may hold: past them a record is skipped with a reason, never buffered or crashed on. */

/** A message text longer than this (in UTF-16 units, as JavaScript counts) is skipped with a reason. */
export const DEFAULT_MAX_MESSAGE_CHARS = 100_000;

/** Skips every message whose text is over `maxChars`, with a reason; everything else passes unchanged. */
export async function* limitMessageLength(events: AsyncIterable<InputEvent>, maxChars: number): AsyncIterable<InputEvent> {
  const limit = (event: ReadEvent): ReadEvent => {
    if (event.type !== 'message' || event.message.text.length <= maxChars) return event;
    const { file, line, record } = event.message.source;
    const reason = `message text is ${event.message.text.length} characters, over the limit of ${maxChars} (--max-message-chars)`;
    return { type: 'skip', skip: { file, line, record, reason } };
  };
  for await (const event of events) {
    if (event.type === 'message') yield limit(event);
    else if (event.type === 'batch') yield { type: 'batch', events: limitBatch(event.events, limit) };
    else yield event;
  }
}

/** The batch with `limit` applied, copied only when some event changes (almost never: no copy per batch). */
function limitBatch(events: ReadEvent[], limit: (event: ReadEvent) => ReadEvent): ReadEvent[] {
  let out: ReadEvent[] | undefined;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as ReadEvent;
    const limited = limit(event);
    if (limited !== event) (out ??= events.slice())[i] = limited;
  }
  return out ?? events;
}
