import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { ReadEvent } from '../model/message.js';
import type { InputEvent } from './read.js';
import { fieldForKey } from './fields.js';

/**
 * Guards for input chatlint did not write: limits on what one record may hold, binary files given by
 * mistake, duplicate JSON keys, nesting depth, and error positions that name a line.
 */

/** A message text longer than this (in UTF-16 units, as JavaScript counts) is skipped with a reason. */
export const DEFAULT_MAX_MESSAGE_CHARS = 100_000;

/** Arrays and conversation objects nested deeper than this are not followed (a message is never that deep). */
export const MAX_JSON_DEPTH = 32;

/**
 * Why a JSON value at `depth` cannot be read as chat records, or undefined: hostile nesting
 * ([[[[…]]]] 100,000 deep) stops here rather than in a stack overflow, and so does an object whose key
 * appears twice (JSON.parse would silently keep the last value; see markDuplicateKeys).
 */
export function jsonValueProblem(value: unknown, depth: number): string | undefined {
  if (depth > MAX_JSON_DEPTH) return `nested more than ${MAX_JSON_DEPTH} levels deep (a chat export never is)`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const duplicated = findDuplicatedKey(value);
  return duplicated === undefined ? undefined : `duplicate key ${JSON.stringify(duplicated)} in one JSON object (which value is meant?)`;
}

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
    else if (event.type === 'batch') yield { type: 'batch', events: event.events.map(limit) };
    else yield event;
  }
}

const MAGIC: Array<[number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an .xlsx workbook? export it as CSV)'],
  [[0x50, 0x4b, 0x05, 0x06], 'an empty ZIP archive'],
  [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 'an old Office file (an .xls workbook? export it as CSV)'],
  [[0x1f, 0x8b], 'a gzip file (decompress it first)'],
  [[0x42, 0x5a, 0x68], 'a bzip2 file (decompress it first)'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'an xz file (decompress it first)'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'a zstd file (decompress it first)'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'a 7-Zip archive'],
  [[0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], 'a RAR archive'],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an executable (ELF)'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74, 0x20, 0x33, 0x00], 'an SQLite database'],
];

/**
 * What kind of binary file `head` (a file's first bytes) starts, or null for text. Known signatures are
 * named; otherwise a head where NUL and other control bytes are common (more than 1 in 100 NULs, or 1 in
 * 10 control bytes) is binary. UTF-16 text (every other byte NUL, or a UTF-16 byte-order mark) is text,
 * and so is a text file with a stray NUL or two, whose lines are then skipped one by one.
 */
export function binaryKind(head: Buffer): string | null {
  for (const [magic, kind] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return kind;
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return null;
  const sample = head.subarray(0, 4096);
  if (sample.length === 0) return null;
  let nulEven = 0;
  let nulOdd = 0;
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i] as number;
    if (b === 0) {
      if (i % 2 === 0) nulEven++;
      else nulOdd++;
    } else if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) controls++;
  }
  const pairs = Math.max(1, Math.floor(sample.length / 2));
  const utf16 = (nulOdd / pairs > 0.3 && nulEven / pairs < 0.05) || (nulEven / pairs > 0.3 && nulOdd / pairs < 0.05);
  if (utf16) return null;
  const nuls = nulEven + nulOdd;
  if (nuls * 100 > sample.length || (nuls + controls) * 10 > sample.length) return 'a binary file (it holds NUL and control bytes)';
  return null;
}

/** Prefix given to the second and later occurrences of a key in one JSON object (see markDuplicateKeys). */
export const DUPLICATE_KEY_MARK = '\u0000duplicate:';

/** The key a duplicate mark stands for, or undefined for an ordinary key. */
export function duplicatedKey(key: string): string | undefined {
  return key.startsWith(DUPLICATE_KEY_MARK) ? key.slice(DUPLICATE_KEY_MARK.length) : undefined;
}

/** The first duplicated key among an object's own keys, if any. */
export function findDuplicatedKey(value: object): string | undefined {
  for (const key of Object.keys(value)) {
    const original = duplicatedKey(key);
    if (original !== undefined) return original;
  }
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * JSON.parse keeps the last of two equal keys in an object and drops the first without a word. This
 * scan (iterative, linear, safe on any nesting depth) renames the second and later occurrences of a key
 * to DUPLICATE_KEY_MARK + key, so the parsed value keeps both and the reader can skip the record that
 * holds them with a reason. Text without duplicate keys is returned as it is; malformed text is left
 * for JSON.parse to reject.
 */
export function markDuplicateKeys(text: string): string {
  const marks = duplicateKeys(text);
  if (marks.length === 0) return text;
  let out = '';
  let from = 0;
  for (const { at } of marks) {
    out += `${text.slice(from, at + 1)}\\u0000duplicate:`;
    from = at + 1;
  }
  return out + text.slice(from);
}

/**
 * A cheap test for whether `text` may hold a repeated key, given `parsed` (JSON.parse of it): every key in
 * the text is a closing quote followed (after white space) by a colon, so when the parsed objects hold as
 * many keys as the text has such quote-colons, no key was lost to a repeat. Only when they hold fewer (or a
 * string contains `":`) does the full scan (duplicateKeys) run.
 */
export function mayRepeatKeys(text: string, parsed: unknown): boolean {
  const keys = countKeys(parsed, 0);
  if (keys === Number.POSITIVE_INFINITY) return true;
  let quoteColons = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) {
    let before = at - 1;
    while (before >= 0 && isJsonSpace(text.charCodeAt(before))) before--;
    if (text.charCodeAt(before) === QUOTE && ++quoteColons > keys) return true;
  }
  return false;
}

const isJsonSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Keys in all objects of a parsed value; Infinity past the depth limit (the full scan decides then). */
function countKeys(value: unknown, depth: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (depth > MAX_JSON_DEPTH) return Number.POSITIVE_INFINITY;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += countKeys(item, depth + 1);
    return count;
  }
  for (const key in value) {
    count += 1 + countKeys((value as Record<string, unknown>)[key], depth + 1);
  }
  return count;
}

/** Where keys repeat within one JSON object: the offset of each repeat's opening quote, and the key. */
export function duplicateKeys(text: string): Array<{ at: number; key: string }> {
  // Per open container: the keys seen so far (objects) or null (arrays).
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  const marks: Array<{ at: number; key: string }> = [];
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end !== -1) {
        let slashes = 0;
        for (let k = end - 1; text.charCodeAt(k) === BACKSLASH; k--) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) return marks;
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        const raw = text.slice(i + 1, end);
        let key = raw;
        if (raw.includes('\\')) {
          try {
            key = JSON.parse(`"${raw}"`) as string;
          } catch {
            return marks;
          }
        }
        if (keys.has(key)) marks.push({ at: i, key });
        else keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
    }
  }
  return marks;
}

/**
 * Where JSON.parse gave up, as "line L, column C", from the position V8 puts in its message (or the end
 * of the text for "Unexpected end of JSON input"); null when the message names no position.
 */
export function jsonErrorLocation(text: string, message: string): string | null {
  let position: number | null = null;
  const at = /at position (\d+)/.exec(message);
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineColumn) return `line ${lineColumn[1]}, column ${lineColumn[2]}`;
  if (at) position = Number(at[1]);
  else if (/Unexpected end of JSON input/.test(message)) position = text.length;
  if (position === null) return null;
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${position - lineStart + 1}`;
}

/** The 1-based line holding the first byte sequence that is not UTF-8, or null when all of it is. */
export function firstInvalidUtf8Line(bytes: Buffer): number | null {
  if (isUtf8(bytes)) return null;
  let line = 1;
  for (let start = 0; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    if (!isUtf8(bytes.subarray(start, end))) return line;
    start = end + 1;
  }
  return null;
}

/** JSON.stringify that gives up (returns null) on values too deep to render, instead of overflowing the stack. */
export function safeStringify(value: unknown): string | null {
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}

/**
 * Whether the file at `path` holds a chat export (its field names include a timestamp and a role)
 * rather than a chatlint report or nothing, so `-o` never overwrites an input.
 * Reports never carry a role field; a file that does not exist or cannot be read holds nothing.
 */
export function holdsChatExport(path: string): boolean {
  let head: string;
  try {
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8').replace(/^\uFEFF/, '');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  const names = new Set<string>();
  for (const match of head.matchAll(/"([^"\\\n]{1,60})"\s*:/g)) names.add(match[1] as string);
  for (const name of (head.split('\n', 1)[0] ?? '').split(/[,\t]/)) names.add(name.trim().replace(/^"|"$/g, ''));
  const fields = new Set([...names].map(fieldForKey));
  return fields.has('timestamp') && fields.has('role');
}
