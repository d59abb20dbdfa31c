import type { ReadEvent } from '../model/message.js';

/**
 * What reading one input yields: its records, plus a note of the format used or why the file was unusable,
 * and notes for stderr (the encoding assumed for a file that is not plain UTF-8).
 */
export type InputEvent =
  | ReadEvent
  /** Several records at once, in file order (streaming readers batch what one chunk completes). */
  | { type: 'batch'; events: ReadEvent[] }
  /** A file starts: the format and the encoding it is read as. */
  | { type: 'file'; file: string; format: string; encoding: string }
  | { type: 'file-error'; file: string; reason: string }
  | { type: 'note'; file: string; message: string };

/** The same events with batches opened up, one record at a time (for callers that want it simple). */
export async function* eachEvent(events: AsyncIterable<InputEvent>): AsyncIterable<Exclude<InputEvent, { type: 'batch' }>> {
  for await (const event of events) {
    if (event.type === 'batch') yield* event.events;
    else yield event;
  }
}
