import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import type { CsvError, Options as CsvOptions, Parser } from 'csv-parse';
import type { ReadEvent } from '../model/message.js';
import { decodeChunks } from './encoding.js';
import { fieldForKey, mapObject, toMessage } from './fields.js';
import { LineCounter } from './line-counter.js';
import { KeyPlan } from './records.js';
import type { ReadOptions } from './options.js';
import type { OpenedInput } from './source.js';
import { InputError } from '../errors.js';

/** A record's fields and the byte offset just past it (csv-parse counts UTF-8 bytes, even of string input). */
type CsvRow = [fields: string[], bytes: number];

/**
 * csv-parse with each record paired with the parser's byte count as it emits the record. Its own
 * `info: true` builds that from two object spreads per record, a seventh of a CSV run; the count read
 * at push time is the same number (`info.bytes` is the parser's public running total).
 */
let OffsetParser: (new (options: CsvOptions) => Parser) | undefined;
async function offsetParser(options: CsvOptions): Promise<Parser> {
  // csv-parse is loaded with the first CSV file: a run over JSON never pays for it at start-up.
  OffsetParser ??= class extends (await import('csv-parse')).Parser {
    override push(record: unknown, encoding?: BufferEncoding): boolean {
      return super.push(record === null ? null : ([record, this.info.bytes] as CsvRow), encoding);
    }
  };
  return new OffsetParser(options);
}

async function* utf8Chunks(chunks: AsyncIterable<string>): AsyncIterable<Buffer> {
  for await (const chunk of chunks) yield Buffer.from(chunk, 'utf8');
}

/**
 * Everything an object-mode stream has ready, as one array each time it has something: one await per
 * parsed chunk instead of one per record (the stream's own async iterator yields record by record).
 */
export async function* readableBatches<T>(stream: Readable): AsyncIterable<T[]> {
  let failure: unknown;
  let ended = false;
  stream.on('error', (error) => {
    failure = error;
  });
  stream.on('end', () => {
    ended = true;
  });
  for (;;) {
    const batch: T[] = [];
    for (let item = stream.read() as T | null; item !== null; item = stream.read() as T | null) batch.push(item);
    if (batch.length > 0) yield batch;
    if (failure !== undefined) throw failure;
    if (ended || stream.destroyed) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        for (const event of ['readable', 'end', 'error', 'close']) stream.off(event, wake);
        resolve();
      };
      for (const event of ['readable', 'end', 'error', 'close']) stream.on(event, wake);
    });
  }
}

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

/** CSV or TSV with a header row, streamed. Ragged rows and broken quoting are skipped with their line. */
export async function* readDelimited(input: OpenedInput, options: ReadOptions, delimiter: ',' | '\t'): AsyncIterable<ReadEvent[]> {
  const file = input.label;
  let header: string[] = [];
  let headerRead = false;
  const mapping = options.mapping?.forFile();
  const plan = new KeyPlan();
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
  // Rows come as arrays and are keyed here: csv-parse's `columns` defines every field of every record
  // with Object.defineProperty, a tenth of a CSV run.
  const parser = await offsetParser({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: false,
    skip_empty_lines: true,
    skip_records_with_error: true,
  });
  // Malformed records as the parser met them (it runs ahead of this loop), by where it stopped in the file.
  const pendingSkips: Array<{ bytes: number; reason: string }> = [];
  let lastSkipLine = -1;
  let record = 0;
  // Lines are counted from byte offsets: where the previous record ended is where the next one starts.
  const lines = new LineCounter();
  // The header row is one line (a header with line breaks inside quotes would be a strange export).
  let previousEnd: number | null = null;
  const recordStart = () => lines.firstContentLine((previousEnd ??= lines.endOfLine(0)));
  parser.on('skip', (error: CsvError & { bytes?: number; lines?: number }) => {
    // One record can raise two errors (both quotes of 他说"没收到"): it is one skipped record.
    if (error.lines !== undefined && error.lines === lastSkipLine) return;
    lastSkipLine = error.lines ?? -1;
    pendingSkips.push({
      bytes: error.bytes ?? Number.MAX_SAFE_INTEGER,
      reason: `malformed CSV: ${error.message.replace(/ at line \d+.*$/, '').replace(/:.*$/, '')}${
        error.code === 'CSV_QUOTE_NOT_CLOSED' ? ' (the quote opened in this record runs to the end of the file, so every line after it is part of this record)' : ''
      }`,
    });
  });
  /** The skips of malformed records that lie before byte `end`, in file order, each with its first line. */
  function* skipsBefore(end: number): Generator<ReadEvent> {
    while (pendingSkips.length > 0 && (pendingSkips[0] as { bytes: number }).bytes < end) {
      const pending = pendingSkips.shift() as { bytes: number; reason: string };
      const { line, offset } = recordStart();
      if (pending.bytes !== Number.MAX_SAFE_INTEGER) previousEnd = lines.endOfLine(Math.max(offset, pending.bytes - 1));
      yield { type: 'skip', skip: { file, line, record: ++record, reason: pending.reason } };
    }
  }
  const bytes = options.encoding === 'utf8' ? input.chunks() : utf8Chunks(decodeChunks(input.chunks(), options.encoding));
  const source = Readable.from(lines.pass(bytes));
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);

  try {
    for await (const rows of readableBatches<CsvRow>(parser)) {
      const batch: ReadEvent[] = [];
      for (const [fields, bytes] of rows) {
        if (!headerRead) {
          // The header row is one line (a header with line breaks inside quotes would be a strange export).
          header = readHeader(fields);
          headerRead = true;
          continue;
        }
        const keyedRecord = keyed(header, fields);
        if (pendingSkips.length > 0) for (const event of skipsBefore(bytes)) batch.push(event);
        const { line, offset } = recordStart();
        const skip = (reason: string): ReadEvent => ({ type: 'skip', skip: { file, line, record: ++record, reason } });
        // csv-parse turns bytes that are not UTF-8 into U+FFFD without a word; such a record is skipped instead.
        if (holdsReplacementCharacter(keyedRecord)) {
          const raw = options.encoding === 'utf8' ? lines.bytesBetween(offset, bytes) : undefined;
          if (!raw || !isUtf8(raw)) {
            previousEnd = bytes;
            batch.push(skip(`not valid ${options.encoding === 'utf8' ? 'UTF-8' : options.encoding.toUpperCase()} text (try --encoding)`));
            continue;
          }
        }
        previousEnd = bytes;
        // csv-parse's expected length is its first record's, which is the header: a ragged row is any other length.
        if (fields.length !== header.length) {
          batch.push(skip(`row has ${fields.length} fields, header has ${header.length}`));
          continue;
        }
        const source = { file, line, record: record + 1 };
        const result = mapping ? mapping.message(keyedRecord, source, options.timezone) : toMessage(plan.map(keyedRecord) ?? mapObject(keyedRecord), source, options.timezone);
        record++;
        if ('message' in result) batch.push({ type: 'message', message: result.message });
        else batch.push({ type: 'skip', skip: { file, line, record, reason: result.reason } });
      }
      if (batch.length > 0) yield batch;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof InputError) throw cause;
    throw new InputError((error as Error).message);
  }
  const rest = [...skipsBefore(Number.POSITIVE_INFINITY)];
  if (rest.length > 0) yield rest;
}
