import type { Finding } from '../../model/report.js';
import { releasePiece } from '../../engine/piece-pool.js';
import { utf8Slice } from '../../input/encoding.js';
import { localTime, localTimeInto } from '../local-time.js';

/**
 * CSV rows of findings straight from the JSON the store printed them as (elements joined with ",\n"), without
 * JSON.parse making each finding and csvCell and join making each row: a plain value's bytes are the cell's
 * (a JSON string without an escape is its text in UTF-8; a number is printed as String prints it). Anything
 * else (an escape, a cell that might start a formula after a space, a value of another type, a finding
 * without its source) is parsed and given to `plainRow`, so every row is exactly the plain path's.
 */
export function* printedFindingRows(
  pieces: Iterable<Uint8Array>,
  timezone: string,
  plainRow: (finding: Finding) => string,
  csvCell: (value: string) => string,
): Generator<Uint8Array> {
  const printer = new RowPrinter(timezone, plainRow, csvCell);
  for (const piece of pieces) {
    const bytes = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.length);
    for (let at = 0; at < bytes.length; ) {
      at = printer.element(bytes, at);
      yield* printer.take();
    }
    // Every row is copied out of it: the store can fill it again.
    releasePiece(piece);
  }
  yield* printer.take(true);
}

/** A finding's cells, by CSV column (see FINDING_COLUMNS, before localTime): its keys, then its source's. */
const TOP_KEYS = ['conversationId', 'timestamp', 'agentId', 'agentName', 'ruleId', 'kind', 'severity', 'message', 'match', 'offset', 'seconds', 'messageIndex', 'excerpt'];
const SOURCE_KEYS = ['file', 'line', 'record'];
const CELLS = TOP_KEYS.length + SOURCE_KEYS.length;
const TIMESTAMP = 1;
const encodeKeys = (keys: readonly string[]) => keys.map((key) => Buffer.from(key, 'latin1'));
const TOP_KEY_BYTES = encodeKeys(TOP_KEYS);
const SOURCE_KEY_BYTES = encodeKeys(SOURCE_KEYS);
const SOURCE_KEY = Buffer.from('source', 'latin1');

/** What a cell holds: nothing (a missing key, or null), a string without an escape or comma, with a comma, with an escape, a number. */
const NONE = 0;
const PLAIN = 1;
const COMMA_IN = 2;
const ESCAPED = 3;
const NUMBER = 4;

/**
 * The layout the store prints a finding in (print-finding.ts, and JSON.stringify with a gap for its keys in
 * this order): the text before each value, with the value's cell, and the text after the last. A finding
 * laid out so is read by comparing that text; any other is read key by key.
 */
const LAYOUT_KEYS = ['ruleId', 'kind', 'severity', 'agentId', 'agentName', 'conversationId', 'messageIndex', 'timestamp', 'message', 'match', 'offset', 'seconds', 'excerpt'];
const LAYOUT: Array<{ before: Buffer; cell: number }> = [
  ...LAYOUT_KEYS.map((key, i) => ({ before: Buffer.from(`${i === 0 ? '{' : ','}\n      "${key}": `, 'latin1'), cell: TOP_KEYS.indexOf(key) })),
  ...SOURCE_KEYS.map((key, i) => ({ before: Buffer.from(`,\n${i === 0 ? '      "source": {\n' : ''}        "${key}": `, 'latin1'), cell: TOP_KEYS.length + i })),
];
const LAYOUT_END = Buffer.from('\n      }\n    }', 'latin1');

/** Room for a local time written by localTimeInto (`2026-11-27 19:03:27`). */
const LOCAL_TIME_BYTES = 32;
/** Values up to this many bytes are copied byte by byte. */
const SHORT_COPY = 48;
/** Bytes of the buffers rows are printed into (each handed out whole: the writer holds it until written). */
const OUT_BYTES = 256 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const SPACE = 0x20;
const APOSTROPHE = 0x27;

const isSpace = (b: number) => b === SPACE || b === 0x0a || b === 0x0d || b === 0x09;

/** Thrown (and caught in element()) when an element is not of the plain shape: it goes the plain way. */
const NOT_PLAIN = Symbol('not plain');

class RowPrinter {
  private out = Buffer.allocUnsafeSlow(OUT_BYTES);
  private at = 0;
  private readonly full: Uint8Array[] = [];
  private readonly kinds = new Uint8Array(CELLS);
  private readonly starts = new Int32Array(CELLS);
  private readonly ends = new Int32Array(CELLS);
  private bytes: Buffer = Buffer.alloc(0);
  private hasSource = false;

  constructor(
    private readonly timezone: string,
    private readonly plainRow: (finding: Finding) => string,
    private readonly csvCell: (value: string) => string,
  ) {}

  /** The buffers filled (and, at the end, the last one). */
  *take(end = false): Generator<Uint8Array> {
    if (end && this.at > 0) {
      this.full.push(this.out.subarray(0, this.at));
      this.at = 0;
    }
    while (this.full.length > 0) yield this.full.shift() as Uint8Array;
  }

  /** Prints the row of the element at `start` (spaces before it allowed); where the next element starts. */
  element(bytes: Buffer, start: number): number {
    this.bytes = bytes;
    let end = -1;
    try {
      end = this.readFinding(start);
    } catch (error) {
      if (error !== NOT_PLAIN) throw error;
    }
    // Read whole before anything is printed: an element not of the plain shape goes the plain way.
    if (end !== -1) this.printRow();
    else {
      const from = this.skipSpace(start);
      end = this.valueEnd(from);
      this.text(this.plainRow(JSON.parse(utf8Slice(bytes, from, end)) as Finding));
    }
    // The comma between elements (the last one of a piece has none).
    const next = this.skipSpace(end);
    if (next < bytes.length && bytes[next] === COMMA) return next + 1;
    if (next < bytes.length) throw new Error(`CSV: unexpected byte after a printed finding at ${next}`);
    return next;
  }

  private skipSpace(at: number): number {
    const bytes = this.bytes;
    while (at < bytes.length && isSpace(bytes[at] as number)) at++;
    return at;
  }

  /** Reads a finding object's cells; where it ends. Throws NOT_PLAIN for anything but plain values where cells are. */
  private readFinding(start: number): number {
    this.kinds.fill(NONE);
    this.hasSource = false;
    const from = this.skipSpace(start);
    let at = this.readLaidOut(from);
    if (at !== -1) this.hasSource = true;
    else {
      this.kinds.fill(NONE);
      at = this.readObject(from, TOP_KEY_BYTES, 0, true);
    }
    // The plain path reads its source's fields, and the wall clock of its timestamp (as a string).
    const timestamp = this.kinds[TIMESTAMP] as number;
    if (!this.hasSource || timestamp === NONE || timestamp === NUMBER) throw NOT_PLAIN;
    return at;
  }

  /** Reads a finding in LAYOUT at `start`; where it ends, or -1 when it is laid out otherwise. */
  private readLaidOut(start: number): number {
    let at = start;
    for (let i = 0; i < LAYOUT.length; i++) {
      const { before, cell } = LAYOUT[i] as { before: Buffer; cell: number };
      if (!this.textAt(at, before)) return -1;
      at = this.readValue(at + before.length, cell);
    }
    return this.textAt(at, LAYOUT_END) ? at + LAYOUT_END.length : -1;
  }

  /** Whether `text` is at `at`. */
  private textAt(at: number, text: Buffer): boolean {
    const bytes = this.bytes;
    if (at + text.length > bytes.length) return false;
    for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text[i]) return false;
    return true;
  }

  /** Reads an object whose keys in `keys` are cells from `first` on; where it ends. */
  private readObject(start: number, keys: readonly Buffer[], first: number, top: boolean): number {
    const bytes = this.bytes;
    if (bytes[start] !== OPEN_BRACE) throw NOT_PLAIN;
    let at = this.skipSpace(start + 1);
    if (bytes[at] === CLOSE_BRACE) return at + 1;
    for (;;) {
      if (bytes[at] !== QUOTE) throw NOT_PLAIN;
      const keyStart = at + 1;
      at = keyStart;
      while (at < bytes.length && bytes[at] !== QUOTE) {
        if (bytes[at] === BACKSLASH) throw NOT_PLAIN;
        at++;
      }
      const keyEnd = at;
      at = this.skipSpace(at + 1);
      if (bytes[at] !== COLON) throw NOT_PLAIN;
      at = this.skipSpace(at + 1);
      const cell = keyIndex(bytes, keyStart, keyEnd, keys);
      if (top && cell === -1 && sameBytes(bytes, keyStart, keyEnd, SOURCE_KEY)) {
        // A later "source" replaces an earlier one whole (as JSON.parse keeps the last).
        for (let i = TOP_KEYS.length; i < CELLS; i++) this.kinds[i] = NONE;
        at = this.readObject(at, SOURCE_KEY_BYTES, TOP_KEYS.length, false);
        this.hasSource = true;
      } else if (cell === -1) at = this.valueEnd(at);
      else at = this.readValue(at, first + cell);
      at = this.skipSpace(at);
      if (bytes[at] === COMMA) at = this.skipSpace(at + 1);
      else if (bytes[at] === CLOSE_BRACE) return at + 1;
      else throw NOT_PLAIN;
    }
  }

  /** Reads a cell's value (a string, number or null); where it ends. */
  private readValue(start: number, cell: number): number {
    const bytes = this.bytes;
    const b = bytes[start] as number;
    let at = start;
    let kind: number;
    if (b === QUOTE) {
      kind = PLAIN;
      for (at = start + 1; at < bytes.length; at++) {
        const c = bytes[at] as number;
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          kind = ESCAPED;
          at++;
        } else if (c === COMMA && kind === PLAIN) kind = COMMA_IN;
      }
      if (at >= bytes.length) throw NOT_PLAIN;
      at++;
    } else if (b === 0x6e && bytes[start + 1] === 0x75 && bytes[start + 2] === 0x6c && bytes[start + 3] === 0x6c) {
      kind = NONE;
      at = start + 4;
    } else if (b === 0x2d || (b >= 0x30 && b <= 0x39)) {
      kind = NUMBER;
      for (at = start + 1; at < bytes.length; at++) {
        const c = bytes[at] as number;
        if (!((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d)) break;
      }
    } else throw NOT_PLAIN;
    this.kinds[cell] = kind;
    this.starts[cell] = start;
    this.ends[cell] = at;
    return at;
  }

  /** Where the JSON value at `start` ends (strings and nesting skipped over). */
  private valueEnd(start: number): number {
    const bytes = this.bytes;
    let depth = 0;
    let at = start;
    for (; at < bytes.length; at++) {
      const b = bytes[at] as number;
      if (b === QUOTE) {
        for (at++; at < bytes.length && bytes[at] !== QUOTE; at++) if (bytes[at] === BACKSLASH) at++;
        if (depth === 0) return at + 1;
      } else if (b === OPEN_BRACE || b === OPEN) depth++;
      else if (b === CLOSE_BRACE || b === CLOSE) {
        if (depth === 0) return at;
        if (--depth === 0) return at + 1;
      } else if (depth === 0 && (b === COMMA || isSpace(b))) return at;
    }
    return at;
  }

  /** Prints the row of the cells read. */
  private printRow(): void {
    const { kinds, starts, ends, bytes } = this;
    const timestamp = this.stringOf(TIMESTAMP);
    for (let cell = 0; cell < CELLS; cell++) {
      if (cell > 0) this.byte(COMMA);
      const kind = kinds[cell] as number;
      if (kind === NONE) continue;
      const start = starts[cell] as number;
      const end = ends[cell] as number;
      if (kind === NUMBER) {
        if (isPlainWhole(bytes, start, end)) this.copy(start, end);
        else this.text(String(Number(utf8Slice(bytes, start, end))));
      } else this.stringCell(start + 1, end - 1, cell);
    }
    this.byte(COMMA);
    // The local time straight into the row when it is the fast path's digits (nothing for csvCell to change).
    this.room(LOCAL_TIME_BYTES);
    const end = localTimeInto(timestamp, this.timezone, this.out, this.at);
    if (end !== -1) this.at = end;
    else this.wallClock(localTime(timestamp, this.timezone));
    this.byte(0x0d);
    this.byte(0x0a);
  }

  /**
   * The local time's cell: as it is when it starts with a digit and is ASCII without a comma, quote or line
   * break (what csvCell leaves alone: no formula start, nothing to quote), else through csvCell.
   */
  private wallClock(text: string): void {
    const first = text.charCodeAt(0);
    if (first >= 0x30 && first <= 0x39) {
      this.room(text.length);
      const out = this.out;
      let to = this.at;
      let i = 0;
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80 || c === COMMA || c === QUOTE || c === 0x0d || c === 0x0a) break;
        out[to++] = c;
      }
      if (i === text.length) {
        this.at = to;
        return;
      }
    }
    this.text(this.csvCell(text));
  }

  /** A string cell's value. */
  private stringOf(cell: number): string {
    const start = this.starts[cell] as number;
    const end = this.ends[cell] as number;
    return this.kinds[cell] !== ESCAPED ? utf8Slice(this.bytes, start + 1, end - 1) : (JSON.parse(utf8Slice(this.bytes, start, end)) as string);
  }

  /**
   * A string cell's JSON from `start` to `end` (inside its quotes) as csvCell prints its value: without an
   * escape the bytes are the value in UTF-8, and \" and \\ are a quote and a backslash. It is quoted for a
   * comma or a quote (a line break is another escape), its quotes doubled; an apostrophe goes before what a
   * spreadsheet would run as a formula. Any other escape, and what starts with a space or a character past
   * ASCII after its apostrophes (it might be Unicode white space), goes to csvCell.
   */
  private stringCell(start: number, end: number, cell: number): void {
    const bytes = this.bytes;
    let first = start;
    while (first < end && bytes[first] === APOSTROPHE) first++;
    const lead = first < end ? (bytes[first] as number) : 0;
    const kind = this.kinds[cell] as number;
    let quoted = kind === COMMA_IN;
    let plain = !mayBeSpace(bytes, first);
    // Only an escaped string is looked through again (readValue noted a comma in any other).
    for (let at = start; plain && kind === ESCAPED && at < end; at++) {
      const b = bytes[at] as number;
      if (b === COMMA) quoted = true;
      else if (b === BACKSLASH) {
        const escaped = bytes[++at];
        if (escaped === QUOTE) quoted = true;
        else if (escaped !== BACKSLASH) plain = false;
      }
    }
    if (!plain) {
      this.text(this.csvCell(this.stringOf(cell)));
      return;
    }
    this.room(2 * (end - start) + 3);
    const out = this.out;
    let to = this.at;
    if (quoted) out[to++] = QUOTE;
    if (lead === 0x3d || lead === 0x2b || lead === 0x2d || lead === 0x40) out[to++] = APOSTROPHE;
    if (kind !== ESCAPED && end - start > SHORT_COPY) {
      out.set(bytes.subarray(start, end), to);
      to += end - start;
    } else {
      for (let at = start; at < end; at++) {
        let b = bytes[at] as number;
        if (b === BACKSLASH) {
          b = bytes[++at] as number;
          if (b === QUOTE) out[to++] = QUOTE;
        }
        out[to++] = b;
      }
    }
    if (quoted) out[to++] = QUOTE;
    this.at = to;
  }

  private room(size: number): void {
    if (this.at + size <= this.out.length) return;
    if (this.at > 0) this.full.push(this.out.subarray(0, this.at));
    this.out = Buffer.allocUnsafeSlow(Math.max(OUT_BYTES, size));
    this.at = 0;
  }

  private byte(b: number): void {
    this.room(1);
    this.out[this.at++] = b;
  }

  private copy(start: number, end: number): void {
    this.room(end - start);
    if (end - start > SHORT_COPY) this.out.set(this.bytes.subarray(start, end), this.at);
    else {
      // A short value byte by byte: a view to copy from costs more.
      const { out, bytes } = this;
      for (let from = start, to = this.at; from < end; ) out[to++] = bytes[from++] as number;
    }
    this.at += end - start;
  }

  private text(text: string): void {
    this.room(3 * text.length);
    this.at += this.out.write(text, this.at, 'utf8');
  }
}

/**
 * Whether the UTF-8 character at `at` may be white space to a RegExp's \s (a space, U+00A0, U+1680,
 * U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF; other controls are escaped in JSON): every
 * character led by C2, E1 or E2 counts, to be safe.
 */
function mayBeSpace(bytes: Buffer, at: number): boolean {
  const b = bytes[at] as number;
  if (b === SPACE || b === 0xc2 || b === 0xe1 || b === 0xe2) return true;
  if (b === 0xe3) return bytes[at + 1] === 0x80 && bytes[at + 2] === 0x80;
  if (b === 0xef) return bytes[at + 1] === 0xbb && bytes[at + 2] === 0xbf;
  return false;
}

/** Which of `keys` the bytes from `start` to `end` spell, or -1. */
function keyIndex(bytes: Buffer, start: number, end: number, keys: readonly Buffer[]): number {
  for (let i = 0; i < keys.length; i++) if (sameBytes(bytes, start, end, keys[i] as Buffer)) return i;
  return -1;
}

function sameBytes(bytes: Buffer, start: number, end: number, key: Buffer): boolean {
  if (end - start !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (bytes[start + i] !== key[i]) return false;
  return true;
}

/** Whether a number's JSON is a whole number String prints the same way (digits, no leading zero, short enough to be exact). */
function isPlainWhole(bytes: Buffer, start: number, end: number): boolean {
  if (end - start > 15 || (bytes[start] === 0x30 && end - start > 1)) return false;
  for (let at = start; at < end; at++) {
    const b = bytes[at] as number;
    if (b < 0x30 || b > 0x39) return false;
  }
  return true;
}
