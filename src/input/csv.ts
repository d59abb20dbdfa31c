import { isUtf8 } from 'node:buffer';
import type { ReadEvent } from '../model/message.js';
import { CsvScanner, type CsvItem } from './csv-scanner.js';
import { decodeChunks } from './encoding.js';
import { fieldForKey, messageOrReason } from './fields.js';
import { LineCounter } from './line-counter.js';
import { ColumnPlan } from './records.js';
import type { ReadOptions } from './options.js';
import type { OpenedInput } from './source.js';
import { InputError } from '../errors.js';

async function* utf8Chunks(chunks: AsyncIterable<string>): AsyncIterable<Buffer> {
  for await (const chunk of chunks) yield Buffer.from(chunk, 'utf8');
}

/**
 * Chunks cut into pieces of at most PIECE_BYTES (views, not copies): a 1 MB chunk holds thousands of
 * records, and handed on as one batch they would all outlive young-generation collections together.
 */
async function* piecesOf(chunks: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += PIECE_BYTES) yield chunk.subarray(at, Math.min(at + PIECE_BYTES, chunk.length));
  }
}
const PIECE_BYTES = 64 * 1024;

/** A row keyed by the header as csv-parse's `columns` would key it: a later repeat of a name wins, in the first one's place. */
function keyed(header: readonly string[], fields: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  const count = Math.min(header.length, fields.length);
  for (let i = 0; i < count; i++) {
    const name = header[i] as string;
    // A column named __proto__ is data, like every other (an assignment would set the prototype).
    if (name === '__proto__') Object.defineProperty(record, name, { value: fields[i], enumerable: true, writable: true, configurable: true });
    else record[name] = fields[i] as string;
  }
  return record;
}

function holdsReplacementCharacter(record: Record<string, string>): boolean {
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'string' && value.includes('\uFFFD')) return true;
  }
  return false;
}

/**
 * Whether every byte of a UTF-8 input read so far is UTF-8. While it is, a U+FFFD in a record is the
 * file's own character, so records need no check of their bytes. Chunks are checked up to their last
 * ASCII byte (never inside a character, and every record ends at one or at the end of the file); the
 * bytes after it are checked with the next chunk. Input decoded from another encoding is never "valid"
 * here: a U+FFFD in it is a decoding error.
 */
class Utf8Watch {
  private tail: Buffer = Buffer.alloc(0);
  constructor(public allValid: boolean) {}

  check(chunk: Buffer): void {
    if (!this.allValid) return;
    let last = chunk.length - 1;
    while (last >= 0 && (chunk[last] as number) >= 0x80) last--;
    if (last < 0) {
      this.tail = Buffer.concat([this.tail, chunk]);
      return;
    }
    const head = chunk.subarray(0, last + 1);
    this.allValid = isUtf8(this.tail.length > 0 ? Buffer.concat([this.tail, head]) : head);
    this.tail = chunk.subarray(last + 1);
  }

  finish(): void {
    if (this.allValid && this.tail.length > 0) this.allValid = isUtf8(this.tail);
  }
}

/** CSV or TSV with a header row, streamed. Ragged rows and broken quoting are skipped with their line. */
export async function* readDelimited(input: OpenedInput, options: ReadOptions, delimiter: ',' | '\t'): AsyncIterable<ReadEvent[]> {
  const file = input.label;
  let header: string[] = [];
  let headerRead = false;
  const mapping = options.mapping?.forFile();
  let plan: ColumnPlan | undefined;
  /** The header row's names, checked: the columns the input needs are there (or mapped). */
  const readHeader = (names: string[]): string[] => {
    const trimmed = names.map((n) => n.trim());
    const unmatched = options.mapping?.missingColumns(trimmed);
    if (unmatched) throw new InputError(unmatched);
    const mapped = new Set(trimmed.map(fieldForKey));
    const missing = (['conversationId', 'timestamp', 'role'] as const).filter((f) => !mapped.has(f) && !options.mapping?.maps(f));
    if (missing.length > 0) {
      throw new InputError(
        `header row has no column for ${missing.join(', ')} (found: ${trimmed.slice(0, 12).join(', ') || 'nothing'}); ` +
          'is the header missing, or do the columns need mapping?',
      );
    }
    return trimmed;
  };
  // Records come from the scanner (csv-scanner.ts) as arrays with the byte offset just past each, and are keyed here.
  const scanner = new CsvScanner(delimiter === ',' ? 0x2c : 0x09);
  // Malformed records, by where the scanner stopped in the file, until the next good record is read.
  const pendingSkips: Array<{ bytes: number; reason: string }> = [];
  let record = 0;
  // Lines are counted from byte offsets: where the previous record ended is where the next one starts.
  const lines = new LineCounter();
  // The header row is one line (a header with line breaks inside quotes would be a strange export).
  let previousEnd: number | null = null;
  const recordStart = () => lines.firstContentLine((previousEnd ??= lines.endOfLine(0)));
  /** The skips of malformed records that lie before byte `end`, in file order, each with its first line. */
  function* skipsBefore(end: number): Generator<ReadEvent> {
    while (pendingSkips.length > 0 && (pendingSkips[0] as { bytes: number }).bytes < end) {
      const pending = pendingSkips.shift() as { bytes: number; reason: string };
      const { line, offset } = recordStart();
      previousEnd = lines.endOfLine(Math.max(offset, pending.bytes - 1));
      yield { type: 'skip', skip: { file, line, record: ++record, reason: pending.reason } };
    }
  }
  const bytes = options.encoding === 'utf8' ? input.chunks() : utf8Chunks(decodeChunks(input.chunks(), options.encoding));
  const items: CsvItem[] = [];
  /** The events of the records and problems the scanner found in the last chunk. */
  const eventsOf = (found: CsvItem[]): ReadEvent[] => {
    const batch: ReadEvent[] = [];
    for (const item of found) {
      if (!('fields' in item)) {
        pendingSkips.push({
          bytes: item.bytes,
          reason: `malformed CSV: ${item.reason}${
            item.unclosedQuote ? ' (the quote opened in this record runs to the end of the file, so every line after it is part of this record)' : ''
          }`,
        });
        continue;
      }
      const { fields, end: bytes } = item;
      if (!headerRead) {
        // The header row is one line (a header with line breaks inside quotes would be a strange export).
        header = readHeader(fields);
        plan = new ColumnPlan(header);
        scanner.sharedColumns = plan.sharedColumns;
        headerRead = true;
        continue;
      }
      if (pendingSkips.length > 0) for (const event of skipsBefore(bytes)) batch.push(event);
      const { line, offset } = recordStart();
      const skip = (reason: string): ReadEvent => ({ type: 'skip', skip: { file, line, record: ++record, reason } });
      // Bytes that are not UTF-8 decode to U+FFFD without a word; such a record is skipped instead.
      if (!utf8.allValid && holdsReplacementCharacter(keyed(header, fields))) {
        const raw = options.encoding === 'utf8' ? lines.bytesBetween(offset, bytes) : undefined;
        if (!raw || !isUtf8(raw)) {
          previousEnd = bytes;
          batch.push(skip(`not valid ${options.encoding === 'utf8' ? 'UTF-8' : options.encoding.toUpperCase()} text (try --encoding)`));
          continue;
        }
      }
      previousEnd = bytes;
      // A ragged row is any row whose length is not the header's.
      if (fields.length !== header.length) {
        batch.push(skip(`row has ${fields.length} fields, header has ${header.length}`));
        continue;
      }
      const source = { file, line, record: record + 1 };
      const mapped = mapping?.message(keyed(header, fields), source, options.timezone);
      const result = mapped ? ('message' in mapped ? mapped.message : mapped.reason) : messageOrReason((plan as ColumnPlan).map(fields), source, options.timezone);
      record++;
      if (typeof result === 'string') batch.push({ type: 'skip', skip: { file, line, record, reason: result } });
      else batch.push({ type: 'message', message: result });
    }
    found.length = 0;
    return batch;
  };

  const utf8 = new Utf8Watch(options.encoding === 'utf8');
  try {
    for await (const chunk of lines.pass(piecesOf(bytes))) {
      utf8.check(chunk);
      scanner.push(chunk, items);
      const batch = eventsOf(items);
      if (batch.length > 0) yield batch;
    }
    utf8.finish();
    scanner.end(items);
    const batch = eventsOf(items);
    if (batch.length > 0) yield batch;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof InputError) throw cause;
    throw new InputError((error as Error).message);
  }
  const rest = [...skipsBefore(Number.POSITIVE_INFINITY)];
  if (rest.length > 0) yield rest;
}
