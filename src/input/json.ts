import type { ReadEvent } from '../model/message.js';
import { isObjectWith } from './json-shape.js';
import { eventsFromJson, messageList } from './records.js';
import type { ReadOptions } from './options.js';

/**
 * A whole JSON document: an array of messages, an array of conversations, `{"conversations": [...]}`,
 * or one conversation object (a single exported transcript). JSON has no useful line numbers, so
 * records are numbered instead.
 */
export function* readJsonDocument(value: unknown, file: string, options: ReadOptions): Generator<ReadEvent> {
  let record = 0;
  const nextRecord = () => ++record;
  const conversations = isObjectWith(value, 'conversations');
  if (conversations && !messageList(value)) {
    yield* eventsFromJson(conversations, file, null, nextRecord, options.timezone);
    return;
  }
  yield* eventsFromJson(value, file, null, nextRecord, options.timezone);
}
