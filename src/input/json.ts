import type { ReadEvent } from '../model/message.js';
import { isObjectWith } from './json-shape.js';
import { InputError } from '../errors.js';
import { findDuplicatedKey } from './json-guard.js';
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
  const mapping = options.mapping?.forFile();
  const events = (json: unknown) => eventsFromJson(json, file, null, nextRecord, options.timezone, mapping);
  const conversations = isObjectWith(value, 'conversations');
  if (conversations && !messageList(value) && !(options.mapping?.listPath && isObjectWith(value, options.mapping.listPath.join('.').toLowerCase()))) {
    const duplicate = findDuplicatedKey(value as object);
    if (duplicate !== undefined) throw new InputError(`duplicate key ${JSON.stringify(duplicate)} at the top level of the document (which value is meant?)`);
    yield* events(conversations);
    return;
  }
  yield* events(value);
}
