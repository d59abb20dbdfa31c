import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { readDelimited } from './csv.js';
import { InputError } from '../errors.js';
import { decodeChunks, decoderLabel, decodeStrict, firstInvalidUtf8Line, stripUtf8Bom, type Encoding } from './encoding.js';
import { detectEncoding } from './detect-encoding.js';
import { PRODUCT_FORMATS, findProductFormat } from './formats/index.js';
import type { ProductFormat } from './formats/types.js';
import { readJsonDocument } from './json.js';
import { readJsonLines } from './jsonl.js';
import { describeShape, guardUnknownShape } from './unknown-shape.js';
import { labelOf, type ReadOptions } from './options.js';
import { HEAD_BYTES, openFile, openInput, openStdin, readAll, STDIN_LABEL, type OpenedInput } from './source.js';
import { DecompressionError, isZip, withoutCompression, zipEntries } from './compressed.js';
import { binaryKind } from './binary.js';
import { DEFAULT_MAX_MESSAGE_CHARS, limitMessageLength } from './limits.js';
import { jsonErrorLocation, markDuplicateKeys } from './json-guard.js';
import type { InputEvent } from './events.js';
import type { ReadEvent } from '../model/message.js';

export const CANONICAL_FORMATS = ['jsonl', 'json', 'csv', 'tsv'] as const;
export type CanonicalFormat = (typeof CANONICAL_FORMATS)[number];

export function inputFormatNames(): string[] {
  return [...CANONICAL_FORMATS, ...PRODUCT_FORMATS.map((f) => f.name)];
}

const BY_EXTENSION: Record<string, CanonicalFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json', '.csv': 'csv', '.tsv': 'tsv' };

/**
 * Guesses the canonical format from content, for stdin and files with unfamiliar names: JSON Lines when
 * the first line is a whole JSON value and more lines follow, JSON when the text opens with { or [
 * otherwise, else CSV or TSV by which separator the header row uses more.
 */
function sniffCanonical(head: string): CanonicalFormat {
  const trimmed = head.replace(/^\uFEFF/, '').trimStart();
  const [firstLine = '', ...rest] = trimmed.split('\n');
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      JSON.parse(firstLine);
      return rest.some((l) => l.trim() !== '') ? 'jsonl' : 'json';
    } catch {
      return 'json';
    }
  }
  return (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? 'tsv' : 'csv';
}

/** The product format whose sniffer claims this content, if any. */
export function sniffProduct(label: string, head: string, json: unknown): ProductFormat | undefined {
  return PRODUCT_FORMATS.find((format) => {
    try {
      return format.sniff({ fileName: label, head, json });
    } catch {
      return false;
    }
  });
}

function decodeWhole(bytes: Buffer, options: ReadOptions): string {
  const text = decodeStrict(stripUtf8Bom(bytes), options.encoding);
  if (text === null) {
    const line = options.encoding === 'utf8' ? firstInvalidUtf8Line(stripUtf8Bom(bytes)) : null;
    throw new InputError(`not valid ${options.encoding === 'utf8' ? 'UTF-8' : options.encoding} text${line ? ` at line ${line}` : ''} (try --encoding)`);
  }
  return text;
}

function parseJson(text: string): unknown {
  // Duplicate keys are marked, not dropped, so the record holding them is skipped with a reason.
  const marked = markDuplicateKeys(text);
  try {
    return JSON.parse(marked);
  } catch (error) {
    const where = jsonErrorLocation(marked, (error as Error).message);
    throw new InputError(`invalid JSON${where ? ` at ${where}` : ''}: ${(error as Error).message}`);
  }
}

/**
 * Reads one opened input with the forced format, or the one its name and content show.
 * Product exports are claimed by their sniffers first (JSON ones need the parsed document, CSV ones
 * the header row, text ones the first lines); what nobody claims is read as a canonical format.
 */
export async function* readInput(given: OpenedInput, givenOptions: ReadOptions, forced?: string): AsyncIterable<InputEvent> {
  // A binary file given by mistake is refused whole, with what it looks like; an empty one has no records.
  const binary = givenOptions.encoding === 'utf16le' || givenOptions.encoding === 'utf16be' ? null : binaryKind(given.head);
  if (binary) {
    yield { type: 'file-error', file: given.label, reason: `looks like ${binary}, not a chat export` };
    return;
  }
  if (given.head.length < HEAD_BYTES && stripUtf8Bom(given.head).toString('latin1').trim() === '') {
    yield { type: 'file', file: given.label, format: 'empty', encoding: givenOptions.encoding === 'auto' ? 'utf8' : givenOptions.encoding };
    return;
  }
  yield* limitMessageLength(readDetected(given, givenOptions, forced), givenOptions.maxMessageChars ?? DEFAULT_MAX_MESSAGE_CHARS);
}

async function* readDetected(given: OpenedInput, givenOptions: ReadOptions, forced?: string): AsyncIterable<InputEvent> {
  const file = given.label;
  const extension = extname(withoutCompression(file)).toLowerCase();
  const { input, encoding, note, readAs } = resolveEncoding(given, givenOptions);
  if (note) yield { type: 'note', file, message: note };
  const started = (format: string): InputEvent => ({ type: 'file', file, format, encoding: readAs });
  const options: ReadOptions = { ...givenOptions, encoding };
  // The head is only for sniffing: a character cut at its end (or a stray bad byte) must not hide the format.
  const headText = new TextDecoder(decoderLabel(encoding)).decode(stripUtf8Bom(input.head));
  const mapping = options.mapping;
  const context = { file, timezone: options.timezone, agents: options.agents, roleOf: mapping ? (value: string) => mapping.role(value) : undefined };
  // Without a mapping, a canonical file none of whose records has the basic fields is refused in one line.
  const guarded = (events: AsyncIterable<InputEvent>, format: string, json?: unknown): AsyncIterable<InputEvent> =>
    options.mapping ? events : guardUnknownShape(events, file, () => describeShape(format, headText, json));
  try {
    const forcedProduct = forced ? findProductFormat(forced) : undefined;
    if (forcedProduct) {
      // An explicit format always wins: a text format is never parsed as JSON, whatever its first character.
      const text = decodeWhole(await readAll(input), options);
      const json = forcedProduct.reads === 'json' ? parseJson(text) : undefined;
      yield started(forcedProduct.name);
      yield* forcedProduct.read(text, json, context);
      return;
    }
    const format: string = forced ?? BY_EXTENSION[extension] ?? sniffCanonical(headText);
    if (format === 'json') {
      const text = decodeWhole(await readAll(input), options);
      // JSON only when the text parses as JSON: a WhatsApp iOS export also opens with "[".
      let json: unknown;
      let notJson: InputError | undefined;
      if (/^\s*[[{]/.test(text)) {
        try {
          json = parseJson(text);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          notJson = error;
        }
      } else {
        notJson = new InputError('not JSON');
      }
      const product = forced ? undefined : sniffProduct(file, headText, json);
      if (product) {
        yield started(product.name);
        yield* product.read(text, json, context);
        return;
      }
      if (notJson) throw notJson;
      yield started('json');
      yield* guarded(toAsync(readJsonDocument(json, file, options)), 'json', json);
      return;
    }
    if (!forced && format !== 'jsonl') {
      const product = sniffProduct(file, headText, undefined);
      if (product) {
        const text = decodeWhole(await readAll(input), options);
        yield started(product.name);
        yield* product.read(text, undefined, context);
        return;
      }
    }
    yield started(format);
    const batches = format === 'jsonl' ? readJsonLines(input, options) : readDelimited(input, options, format === 'tsv' ? '\t' : ',');
    yield* guarded(asBatches(batches), format);
  } catch (error) {
    if (error instanceof InputError) {
      yield { type: 'file-error', file, reason: error.message };
      return;
    }
    if (error instanceof DecompressionError) {
      yield { type: 'file-error', file, reason: error.message };
      return;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code) {
      yield { type: 'file-error', file, reason: `cannot read file: ${code}` };
      return;
    }
    throw error;
  }
}

async function* toAsync(events: Iterable<ReadEvent>): AsyncIterable<InputEvent> {
  yield* events;
}

async function* asBatches(batches: AsyncIterable<ReadEvent[]>): AsyncIterable<InputEvent> {
  for await (const events of batches) yield { type: 'batch', events };
}

/**
 * The encoding to read an input in (`auto` detected from its head), and the input to read: UTF-16 is
 * transcoded to UTF-8 as it streams, so the line splitter (which cuts at byte 0x0A) and every reader
 * see UTF-8. `readAs` is the file's own encoding (for the report), whatever it is transcoded to.
 */
export function resolveEncoding(input: OpenedInput, options: ReadOptions): { input: OpenedInput; encoding: Encoding; readAs: Encoding; note?: string } {
  let encoding: Encoding;
  let note: string | undefined;
  if (options.encoding === 'auto') {
    const guess = detectEncoding(input.head, input.head.length < HEAD_BYTES);
    encoding = guess.encoding;
    note = guess.note;
  } else {
    encoding = options.encoding;
  }
  if (encoding !== 'utf16le' && encoding !== 'utf16be') return { input, encoding, readAs: encoding, ...(note ? { note } : {}) };
  const label = decoderLabel(encoding);
  const transcoded: OpenedInput = {
    label: input.label,
    head: Buffer.from(new TextDecoder(label).decode(input.head, { stream: true }), 'utf8'),
    async *chunks() {
      for await (const text of decodeChunks(input.chunks(), encoding)) yield Buffer.from(text, 'utf8');
    },
  };
  return { input: transcoded, encoding: 'utf8', readAs: encoding, ...(note ? { note } : {}) };
}

/** Entry names in an archive that are read: the canonical extensions, possibly gzipped or zstd-compressed. */
const ARCHIVE_ENTRY = /\.(?:jsonl|ndjson|json|csv|tsv)(?:\.gz|\.zst)?$/i;
/** Entries read only when a product format recognises their content (as in a directory walk). */
const SNIFFED_ENTRY = /\.(?:txt|html?)(?:\.gz|\.zst)?$/i;

/** Reads one opened input and always lets go of it, even when its reader stopped early. */
async function* readOpened(input: OpenedInput, options: ReadOptions, forced?: string): AsyncIterable<InputEvent> {
  try {
    yield* readInput(input, options, forced);
  } finally {
    // A reader that stopped early (a file error) must not leave the file open: thousands of files would run out of descriptors.
    await input.close?.();
  }
}

/**
 * A zip archive, entry by entry: each entry is an input of its own named `archive.zip:path/in/archive`,
 * so findings and skips point into the archive. Entries of other kinds are counted in one note.
 */
async function* readZip(file: string, options: ReadOptions, forced?: string): AsyncIterable<InputEvent> {
  let passed = 0;
  try {
    for await (const entry of zipEntries(file)) {
      const label = `${file}:${entry.name}`;
      const wanted = ARCHIVE_ENTRY.test(entry.name) || (forced !== undefined && !isZip(entry.name));
      if (!wanted && !SNIFFED_ENTRY.test(entry.name)) {
        passed++;
        continue;
      }
      let input: OpenedInput;
      try {
        input = await openInput(label, await entry.open());
      } catch (error) {
        yield { type: 'file-error', file: label, reason: error instanceof DecompressionError ? error.message : `cannot read: ${(error as Error).message}` };
        continue;
      }
      if (!wanted && !sniffProduct(entry.name, new TextDecoder().decode(stripUtf8Bom(input.head)), undefined)) {
        await input.close?.();
        passed++;
        continue;
      }
      yield* readOpened(input, options, forced);
    }
  } catch (error) {
    if (!(error instanceof DecompressionError)) throw error;
    yield { type: 'file-error', file, reason: error.message };
    return;
  }
  if (passed > 0) yield { type: 'note', file, message: passed === 1 ? '1 entry is not a chat export; left unread' : `${passed} entries are not chat exports; left unread` };
}

/** Reads standard input (gzip or zstd decompressed by its first bytes); broken compressed data is a file-error. */
export async function* readStdin(stream: AsyncIterable<Buffer | string>, options: ReadOptions, forced?: string): AsyncIterable<InputEvent> {
  let input: OpenedInput;
  try {
    input = await openStdin(stream);
  } catch (error) {
    if (!(error instanceof DecompressionError)) throw error;
    yield { type: 'file-error', file: STDIN_LABEL, reason: error.message };
    return;
  }
  yield* readOpened(input, options, forced);
}

/**
 * Standard input that failed to decompress part-way (spoolStdin kept its whole lines in `path`), read as
 * readStdin reads it: the records before the failure, then the failure.
 */
export async function* readFailedSpool(path: string, failure: DecompressionError, options: ReadOptions, forced?: string): AsyncIterable<InputEvent> {
  async function* replay(): AsyncIterable<Buffer> {
    yield* createReadStream(path) as AsyncIterable<Buffer>;
    throw failure;
  }
  let input: OpenedInput;
  try {
    input = await openInput(STDIN_LABEL, replay());
  } catch (error) {
    if (error !== failure) throw error;
    yield { type: 'file-error', file: STDIN_LABEL, reason: failure.message };
    return;
  }
  yield* readOpened(input, options, forced);
}

/** Whether content that starts with `head` is read as JSON Lines when nothing names its format (standard input). */
export const sniffsAsJsonLines = (head: Buffer): boolean => sniffCanonical(new TextDecoder().decode(stripUtf8Bom(head))) === 'jsonl';

/** Reads every file in order; a file that cannot be opened is a file-error, never a crash. */
export async function* readFiles(paths: string[], options: ReadOptions, forced?: string): AsyncIterable<InputEvent> {
  for (const path of paths) {
    const file = labelOf(path, options);
    if (isZip(path)) {
      yield* readZip(path, options, forced);
      continue;
    }
    let input: OpenedInput;
    try {
      input = await openFile(path, file);
    } catch (error) {
      if (error instanceof DecompressionError) {
        yield { type: 'file-error', file, reason: error.message };
        continue;
      }
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      yield { type: 'file-error', file, reason: code === 'EISDIR' ? 'is a directory' : `cannot read file: ${code}` };
      continue;
    }
    yield* readOpened(input, options, forced);
  }
}
