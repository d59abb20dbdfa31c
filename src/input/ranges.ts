import { createReadStream } from 'node:fs';
import { fsPromises } from '../model/node-modules.js';
import { extname } from 'node:path';
import { binaryKind } from './binary.js';
import { isZip, withoutCompression } from './compressed.js';
import { detectEncoding } from './detect-encoding.js';
import type { InputEvent } from './events.js';
import { readJsonLines } from './jsonl.js';
import { DEFAULT_MAX_MESSAGE_CHARS, limitMessageLength } from './limits.js';
import { labelOf, type ReadOptions } from './options.js';
import { readInput } from './read.js';
import { HEAD_BYTES, openInput, type OpenedInput } from './source.js';
import type { ReadEvent } from '../model/message.js';

/**
 * Reading one JSON Lines file in parts (worker threads each take a byte range; a re-check reads only the
 * lines of a few conversations). Line and record numbers must come out exactly as one read from the start
 * gives them, so a part starts at a LinePosition: a byte at the start of a line, with the lines and records
 * before it counted by scanJsonLines (which parses only the rare lines that may hold other than one record).
 */
export interface LinePosition {
  byte: number;
  /** Lines before `byte`. */
  lines: number;
  /** Records before `byte` (blank lines are none; a conversation object is one per message). */
  records: number;
}

export const FILE_START: LinePosition = { byte: 0, lines: 0, records: 0 };

const LF = 0x0a;
const CR = 0x0d;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CHUNK_BYTES = 1 << 20;

/** Files smaller than this are read whole by one worker: cutting them saves less than a worker costs. */
export const MIN_RANGE_BYTES = 8 * 1024 * 1024;

/** The events one line gives, as readJsonLines reads it as line `number` of its file. */
async function eventsOfLine(line: Buffer, number: number, options: ReadOptions): Promise<ReadEvent[]> {
  const single: OpenedInput = {
    label: '',
    head: line,
    async *chunks() {
      yield line;
    },
  };
  const events: ReadEvent[] = [];
  const reading: ReadOptions = { ...options, shard: undefined, onlyConversations: undefined, linesBefore: number - 1, recordsBefore: 0 };
  for await (const batch of readJsonLines(single, reading)) events.push(...batch);
  return events;
}

/** Bytes an array can follow in JSON (after a key, in a list, or after spaces); a "[" after others is in a string. */
const BEFORE_ARRAY = new Set([0x3a, 0x2c, OPEN_BRACKET, 0x20, 0x09, CR]);

/** Whether some "[" from `bracket` to `end` could open an array (else every one is inside a string: "[图片]"). */
function mayOpenArray(buffer: Buffer, bracket: number, end: number): boolean {
  for (let at = bracket; at !== -1 && at < end; at = buffer.indexOf(OPEN_BRACKET, at + 1)) if (BEFORE_ARRAY.has(buffer[at - 1] as number)) return true;
  return false;
}

/**
 * The records of the line at `start`…`end` of `buffer` (line `number` of the file, LF not included), as
 * readJsonLines reads it. `bracket` is the first "[" at or after `start` (-1: none in the buffer).
 */
function recordsOfLine(buffer: Buffer, start: number, end: number, number: number, bracket: number, options: ReadOptions): number | Promise<number> {
  // A line over the limit is one skip, counted as splitLines measures it (a trailing CR included).
  if (end - start > options.maxLineBytes) return 1;
  const content = end > start && buffer[end - 1] === CR ? end - 1 : end;
  let first = start;
  if (number === 1 && buffer[start] === 0xef && buffer[start + 1] === 0xbb && buffer[start + 2] === 0xbf) first = start + 3;
  // One object without arrays is one record, whatever it holds (a message, or a skip with its reason).
  if (buffer[first] === OPEN_BRACE && (bracket === -1 || bracket >= content || !mayOpenArray(buffer, bracket, content))) return 1;
  // Anything else (blank, an array, a conversation object, not JSON) is counted by the reader itself.
  return eventsOfLine(buffer.subarray(start, content), number, options).then((events) => events.length);
}

/**
 * At most this many bytes between the line positions a scan to a byte notes on its way (`marks`), and about
 * MARKS_PER_SCAN of them on a shorter scan: a later re-read of a few lines scans from the nearest.
 */
const MARK_BYTES = 1 << 20;
const MARKS_PER_SCAN = 256;

/**
 * Counts lines and records from `from` up to `until`: the first line that starts at or after `until.byte`,
 * or the line after `until.line`, or the end of the file. Returns the position there. On a scan to a byte,
 * line positions noted on the way go to `marks` (see MARK_BYTES).
 */
export async function scanJsonLines(path: string, from: LinePosition, until: { byte?: number; line?: number }, options: ReadOptions, marks?: LinePosition[]): Promise<LinePosition> {
  let { byte, lines, records } = from;
  const markBytes = marks && until.byte !== undefined ? Math.max(1, Math.min(MARK_BYTES, Math.ceil((until.byte - byte) / MARKS_PER_SCAN))) : Infinity;
  let nextMark = byte + markBytes;
  const stopsAt = (lineStart: number, number: number) => {
    if (lineStart >= nextMark) {
      marks?.push({ byte: lineStart, lines: number - 1, records });
      nextMark = lineStart + markBytes;
    }
    return (until.byte !== undefined && lineStart >= until.byte) || (until.line !== undefined && number > until.line);
  };
  let pending: Buffer[] = [];
  const stream = createReadStream(path, { start: from.byte, highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      let bracket = chunk.indexOf(OPEN_BRACKET);
      for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, start)) {
        if (stopsAt(byte, lines + 1)) return { byte, lines, records };
        lines++;
        if (pending.length > 0) {
          const line = Buffer.concat([...pending, chunk.subarray(start, at)]);
          pending = [];
          records += await recordsOfLine(line, 0, line.length, lines, line.indexOf(OPEN_BRACKET), options);
          byte += line.length + 1;
        } else {
          if (bracket !== -1 && bracket < start) bracket = chunk.indexOf(OPEN_BRACKET, start);
          // Awaited only when the reader must count (an await per line costs more than the scan).
          const counted = recordsOfLine(chunk, start, at, lines, bracket, options);
          records += typeof counted === 'number' ? counted : await counted;
          byte += at - start + 1;
        }
        start = at + 1;
      }
      if (start < chunk.length) pending.push(Buffer.from(chunk.subarray(start)));
    }
  } finally {
    stream.destroy();
  }
  if (pending.length > 0 && !stopsAt(byte, lines + 1)) {
    const line = Buffer.concat(pending);
    lines++;
    records += await recordsOfLine(line, 0, line.length, lines, line.indexOf(OPEN_BRACKET), options);
    byte += line.length;
  }
  return { byte, lines, records };
}

/** The bytes `from.byte` up to `endByte` (or the end) of a file, as an input (no sniffing: the file is known JSON Lines). */
function openRange(path: string, label: string, from: number, endByte: number | undefined): Promise<OpenedInput> {
  const end = endByte === undefined ? undefined : endByte - 1;
  return openInput(label, createReadStream(path, { start: from, ...(end === undefined ? {} : { end }), highWaterMark: CHUNK_BYTES }));
}

/**
 * Reads a JSON Lines file from a line position to `endByte` (exclusive, a line start) or the end: its
 * records numbered as a read from the start numbers them. From the start of the file it is read like any
 * file (format and encoding noted, a 'file' event); from the middle only records come.
 */
export async function* readJsonLinesPart(path: string, from: LinePosition, endByte: number | undefined, options: ReadOptions, forced?: string): AsyncIterable<InputEvent> {
  let input: OpenedInput;
  const file = labelOf(path, options);
  try {
    input = await openRange(path, file, from.byte, endByte);
  } catch (error) {
    yield { type: 'file-error', file, reason: `cannot read file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
    return;
  }
  try {
    if (from.byte === 0) {
      yield* readInput(input, options, forced);
      return;
    }
    const reading: ReadOptions = { ...options, encoding: 'utf8', linesBefore: from.lines, recordsBefore: from.records };
    const batches = async function* (): AsyncIterable<InputEvent> {
      for await (const events of readJsonLines(input, reading)) yield { type: 'batch', events };
    };
    yield* limitMessageLength(batches(), options.maxMessageChars ?? DEFAULT_MAX_MESSAGE_CHARS);
  } finally {
    await input.close?.();
  }
}

/**
 * The size of a file that can be cut into byte ranges, or undefined: an uncompressed JSON Lines file (by
 * name, or forced), read without a mapping, UTF-8 by its head, whose first line is a message object (so the
 * unknown-shape guard of a whole read would let it through), and big enough to be worth it.
 */
export async function splittableJsonLines(path: string, options: ReadOptions, forced: string | undefined, minBytes = MIN_RANGE_BYTES): Promise<number | undefined> {
  if (isZip(path) || withoutCompression(path) !== path || options.mapping) return undefined;
  const extension = extname(path).toLowerCase();
  if (forced ? forced !== 'jsonl' : extension !== '.jsonl' && extension !== '.ndjson') return undefined;
  if (options.encoding !== 'utf8' && options.encoding !== 'auto') return undefined;
  let size: number;
  let head: Buffer;
  try {
    size = (await fsPromises().stat(path)).size;
    if (size < minBytes) return undefined;
    const handle = await fsPromises().open(path, 'r');
    try {
      head = Buffer.alloc(Math.min(HEAD_BYTES, size));
      await handle.read(head, 0, head.length, 0);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
  if (binaryKind(head)) return undefined;
  if (options.encoding === 'auto') {
    const guess = detectEncoding(head, false);
    if (guess.encoding !== 'utf8' || guess.note) return undefined;
  }
  const lf = head.indexOf(LF);
  if (lf === -1) return undefined;
  const firstLine = head.subarray(0, head[lf - 1] === CR ? lf - 1 : lf);
  // Its first record is a message: a whole read would never refuse the file as an unknown shape.
  const first = await eventsOfLine(firstLine, 1, options);
  if (first[0]?.type !== 'message') return undefined;
  return size;
}

/** Byte offsets that cut a file into `parts` ranges, each at the start of a line: the first `firstShare` of the bytes, the rest in equal parts. */
export async function cutPoints(path: string, size: number, parts: number, firstShare = 1 / parts): Promise<number[]> {
  const cuts: number[] = [0];
  const first = size * firstShare;
  const handle = await fsPromises().open(path, 'r');
  try {
    const probe = Buffer.alloc(64 * 1024);
    for (let k = 1; k < parts; k++) {
      let at = Math.max(Math.floor(first + ((size - first) * (k - 1)) / (parts - 1)), (cuts[cuts.length - 1] as number) + 1);
      // The first line start at or after `at`: just past the first LF at or after at - 1.
      let found = -1;
      for (let from = at - 1; found === -1 && from < size; from += probe.length) {
        const { bytesRead } = await handle.read(probe, 0, probe.length, from);
        const lf = probe.subarray(0, bytesRead).indexOf(LF);
        if (lf !== -1) found = from + lf + 1;
        if (bytesRead === 0) break;
      }
      at = found;
      if (at === -1 || at >= size) break;
      cuts.push(at);
    }
  } finally {
    await handle.close();
  }
  return cuts;
}
