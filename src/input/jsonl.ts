import type { ReadEvent } from '../model/message.js';
import { decodeStrict, stripUtf8Bom } from './encoding.js';
import { splitLines } from './lines.js';
import { markDuplicateKeys } from './json-guard.js';
import type { ReadOptions } from './options.js';
import { eventsFromJson } from './records.js';
import type { OpenedInput } from './source.js';

/**
 * JSON Lines: one message or conversation object per line, streamed. Blank lines are not records.
 * Yields the records of each chunk read as one batch: per-record awaits through every stage above
 * cost more than parsing the record.
 */
export async function* readJsonLines(input: OpenedInput, options: ReadOptions): AsyncIterable<ReadEvent[]> {
  const file = input.label;
  let record = 0;
  const nextRecord = () => ++record;
  const mapping = options.mapping?.forFile();
  for await (const lines of splitLines(input.chunks(), options.maxLineBytes)) {
    const batch: ReadEvent[] = [];
    for (const line of lines) {
      const skip = (reason: string) => batch.push({ type: 'skip', skip: { file, line: line.number, record: nextRecord(), reason } });
      if (line.tooLong) {
        skip(`line is ${line.length} bytes, over the limit of ${options.maxLineBytes} (--max-line-bytes)`);
        continue;
      }
      const bytes = line.number === 1 ? stripUtf8Bom(line.bytes) : line.bytes;
      const text = decodeStrict(bytes, options.encoding);
      if (text === null) {
        skip(`not valid ${options.encoding === 'utf8' ? 'UTF-8' : options.encoding.toUpperCase()} text (try --encoding)`);
        continue;
      }
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(markDuplicateKeys(text));
      } catch (error) {
        skip(`invalid JSON: ${(error as Error).message}`);
        continue;
      }
      const events = eventsFromJson(value, file, line.number, nextRecord, options.timezone, mapping);
      for (const event of events) batch.push(event);
    }
    if (batch.length > 0) yield batch;
  }
}
