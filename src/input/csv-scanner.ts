/**
 * A streaming CSV/TSV record scanner that gives the same records, byte offsets and errors as csv-parse
 * 7 with the options the CSV reader used (`bom`, `relax_column_count`, `skip_empty_lines`,
 * `skip_records_with_error`, quote and escape `"`, record delimiter discovered from the first line
 * break: CRLF, LF or CR), about ten times faster: a line without a quote is found and cut into fields with
 * indexOf, each field decoded on its own (nearly every line of an export); a line with a quote goes byte by byte through csv-parse's
 * own state machine. tests/input/csv-scanner.test.ts compares the two on generated input.
 */

import { utf8Slice } from './encoding.js';
import { MAX_SHARED_BYTES, SharedTexts } from './shared-text.js';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
/** Bytes looked at past a quote or a CR before deciding (csv-parse waits for as many). */
const LOOKAHEAD = 3;
/** nextQuote before it is looked for in a new buffer. */
const UNKNOWN = -2;

/** A record's fields and the byte offset just past it (its line break included), as csv-parse's `info.bytes`. */
export interface CsvRecord {
  fields: string[];
  end: number;
}

/**
 * A malformed record, skipped: `bytes` is csv-parse's `info.bytes` when it met the problem (where the last
 * field or record before it ended), `reason` its message's title. A record with two problems on one line
 * is reported once, as the reader always did.
 */
export interface CsvProblem {
  bytes: number;
  reason: string;
  unclosedQuote: boolean;
}

export type CsvItem = CsvRecord | CsvProblem;

/** `a` then `b`: a view of both when `b` continues `a` in the same memory (pieces of one chunk), else a copy. */
function joined(a: Buffer, b: Buffer): Buffer {
  if (a.buffer === b.buffer && a.byteOffset + a.length === b.byteOffset) return Buffer.from(a.buffer, a.byteOffset, a.length + b.length);
  return Buffer.concat([a, b]);
}

export class CsvScanner {
  private buffer: Buffer = Buffer.alloc(0);
  /** File offset of buffer[0]. */
  private base = 0;
  /** Next byte of `buffer` to look at. */
  private position = 0;
  private bomChecked = false;
  /** The record delimiter's first byte (CR or LF) and length, once discovered. */
  private delimiterByte = -1;
  private delimiterLength = 0;
  /** Position (in buffer) of the next quote at or after the line being looked at; -1: none in the buffer. */
  private nextQuote = UNKNOWN;

  /** csv-parse's info.bytes: where the last field delimiter or record ended. */
  private infoBytes = 0;

  // The record being scanned byte by byte (a record with a quote, or one cut by the end of a chunk).
  private inRecord = false;
  private fields: string[] = [];
  private field = Buffer.alloc(256);
  private fieldLength = 0;
  private quoting = false;
  private wasQuoting = false;
  private escaping = false;
  private hasError = false;
  /** File offsets of the last problem and of the last two line-break bytes seen byte by byte. */
  private lastProblemAt = -1;
  private lastBreak = -1;
  private previousBreak = -1;

  constructor(private readonly delimiter: number) {}

  /** Scans a chunk; complete records and problems are appended to `out`, in file order. */
  push(chunk: Buffer, out: CsvItem[]): void {
    const rest = this.buffer.length - this.position;
    this.nextQuote = UNKNOWN;
    this.buffer = rest > 0 ? joined(this.buffer.subarray(this.position), chunk) : chunk;
    this.base += this.position;
    this.position = 0;
    this.scan(false, out);
  }

  /** The end of the input: the last record (without a line break) or an unclosed quote. */
  end(out: CsvItem[]): void {
    this.scan(true, out);
    const fileEnd = this.base + this.buffer.length;
    if (this.quoting) {
      // csv-parse counts a line break as a line only once a byte follows it: a break that ends the file
      // does not part this problem from an earlier one on the same line.
      const lastBreak = this.lastBreak === fileEnd - 1 ? this.previousBreak : this.lastBreak;
      this.problem(this.infoBytes, 'Quote Not Closed', true, lastBreak, out);
    } else if (this.inRecord && (this.wasQuoting || this.fields.length > 0 || this.fieldLength > 0)) {
      this.infoBytes = fileEnd;
      this.endField();
      this.endRecord(out);
    }
    this.inRecord = false;
  }

  private scan(eof: boolean, out: CsvItem[]): void {
    const buffer = this.buffer;
    if (!this.bomChecked) {
      if (buffer.length < 3 && !eof) return;
      if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) this.position = 3;
      this.bomChecked = true;
    }
    for (;;) {
      if (this.inRecord) {
        if (!this.scanBytes(eof, out)) return;
        continue;
      }
      if (this.position >= buffer.length) return;
      if (this.delimiterByte === -1) {
        this.startRecord();
        continue;
      }
      // A whole line without a quote: decoded once and split.
      const start = this.position;
      const end = this.lineEnd(start);
      if (end === -1 && !eof) {
        // No line break in what is left: scanned byte by byte, so a very long line is not copied over and over.
        this.startRecord();
        continue;
      }
      const contentEnd = end === -1 ? buffer.length : end;
      if (this.nextQuote === UNKNOWN || (this.nextQuote !== -1 && this.nextQuote < start)) this.nextQuote = buffer.indexOf(QUOTE, start);
      if (this.nextQuote !== -1 && this.nextQuote < contentEnd) {
        this.startRecord();
        continue;
      }
      const next = end === -1 ? buffer.length : end + this.delimiterLength;
      this.position = next;
      // An empty line is skipped (skip_empty_lines).
      if (contentEnd === start) continue;
      this.infoBytes = this.base + next;
      out.push({ fields: this.split(start, contentEnd), end: this.infoBytes });
    }
  }

  /**
   * Columns whose short values are shared (see SharedTexts): what a header names as roles, agents, teams,
   * never ids, times or texts. Set by the reader once it has read the header.
   */
  sharedColumns: readonly boolean[] = [];
  private readonly shared = new SharedTexts();

  /**
   * The fields of a line without quotes, each decoded from its own bytes: a field that was a slice of its
   * decoded line kept the whole line alive for as long as its message was held.
   */
  private split(start: number, end: number): string[] {
    const buffer = this.buffer;
    const fields: string[] = [];
    let from = start;
    for (let at = buffer.indexOf(this.delimiter, from); at !== -1 && at < end; at = buffer.indexOf(this.delimiter, from)) {
      fields.push(this.fieldText(from, at, fields.length));
      from = at + 1;
    }
    fields.push(this.fieldText(from, end, fields.length));
    return fields;
  }

  private fieldText(start: number, end: number, column: number): string {
    if (this.sharedColumns[column] !== true || end - start > MAX_SHARED_BYTES) return utf8Slice(this.buffer, start, end);
    const shared = this.shared.find(this.buffer, start, end);
    if (shared !== undefined) return shared;
    const text = utf8Slice(this.buffer, start, end);
    this.shared.remember(this.buffer, start, end, text);
    return text;
  }

  /** Where the line starting at `from` ends (its record delimiter), or -1 when the buffer holds no end yet. */
  private lineEnd(from: number): number {
    const buffer = this.buffer;
    if (this.delimiterLength === 1) return buffer.indexOf(this.delimiterByte, from);
    for (let at = buffer.indexOf(CR, from); at !== -1; at = buffer.indexOf(CR, at + 1)) {
      if (at + 1 >= buffer.length) return -1;
      if (buffer[at + 1] === LF) return at;
    }
    return -1;
  }

  private startRecord(): void {
    this.inRecord = true;
    this.fields = [];
    this.fieldLength = 0;
    this.quoting = false;
    this.wasQuoting = false;
    this.escaping = false;
    this.hasError = false;
  }

  /** The length of a record delimiter at `at` (discovering it from the first line break), else 0. */
  private delimiterAt(at: number): number {
    const buffer = this.buffer;
    const byte = buffer[at];
    if (this.delimiterByte === -1) {
      if (byte === CR) {
        this.delimiterByte = CR;
        this.delimiterLength = buffer[at + 1] === LF ? 2 : 1;
        return this.delimiterLength;
      }
      if (byte === LF) {
        this.delimiterByte = LF;
        this.delimiterLength = 1;
        return 1;
      }
      return 0;
    }
    if (byte !== this.delimiterByte) return 0;
    return this.delimiterLength === 1 || buffer[at + 1] === LF ? this.delimiterLength : 0;
  }

  /**
   * csv-parse's loop over one record, byte by byte, for the options the reader uses. Returns true when
   * the record ended (scanning goes back to whole lines), false when the buffer ran out first.
   */
  private scanBytes(eof: boolean, out: CsvItem[]): boolean {
    const buffer = this.buffer;
    const length = buffer.length;
    for (let at = this.position; at < length; at++) {
      const byte = buffer[at] as number;
      // Only a quote or a CR is decided by the bytes after it: wait for them (as csv-parse does). Any
      // other byte is taken now, so a chunk is usually used up and the next one is not copied onto a rest.
      if (!eof && length - at - 1 < LOOKAHEAD && (byte === QUOTE || byte === CR)) {
        this.position = at;
        return false;
      }
      if (byte === CR || byte === LF) {
        this.previousBreak = this.lastBreak;
        this.lastBreak = this.base + at;
      }
      if (this.delimiterByte === -1 && !this.quoting) this.delimiterAt(at);
      if (this.escaping) {
        this.escaping = false;
      } else {
        if (byte === QUOTE) {
          if (this.quoting) {
            // "" inside quotes is one quote: the first is dropped, the second kept as data.
            if (at + 1 < length && buffer[at + 1] === QUOTE) {
              this.escaping = true;
              continue;
            }
            const next = buffer[at + 1];
            if (next === undefined || next === 0 || next === this.delimiter || this.delimiterAt(at + 1) > 0) {
              this.quoting = false;
              this.wasQuoting = true;
              continue;
            }
            // csv-parse's message, cut as the reader cuts it (a line break after `got "` survives the cut).
            this.problem(this.infoBytes, next === CR || next === LF ? `Invalid Closing Quote: got "${String.fromCharCode(next)}"` : 'Invalid Closing Quote', false, this.lastBreak, out);
            this.lastProblemAt = this.base + at;
          } else if (this.fieldLength !== 0) {
            this.problem(this.infoBytes, 'Invalid Opening Quote', false, this.lastBreak, out);
            this.lastProblemAt = this.base + at;
          } else {
            this.quoting = true;
            continue;
          }
        }
        if (!this.quoting) {
          const delimiterLength = this.delimiterAt(at);
          if (delimiterLength > 0) {
            const next = at + delimiterLength;
            if (!this.wasQuoting && this.fields.length === 0 && this.fieldLength === 0) {
              // An empty line (skip_empty_lines): the record goes on after it.
              at = next - 1;
              continue;
            }
            this.infoBytes = this.base + at;
            this.endField();
            this.infoBytes = this.base + next;
            this.endRecord(out);
            this.inRecord = false;
            this.position = next;
            return true;
          }
          if (byte === this.delimiter) {
            this.infoBytes = this.base + at;
            this.endField();
            continue;
          }
        }
      }
      this.append(byte);
    }
    this.position = length;
    return false;
  }

  private append(byte: number): void {
    if (this.fieldLength === this.field.length) {
      const grown = Buffer.alloc(this.field.length * 2);
      this.field.copy(grown);
      this.field = grown;
    }
    this.field[this.fieldLength++] = byte;
  }

  private endField(): void {
    this.fields.push(utf8Slice(this.field, 0, this.fieldLength));
    this.fieldLength = 0;
    this.wasQuoting = false;
  }

  private endRecord(out: CsvItem[]): void {
    if (!this.hasError) out.push({ fields: this.fields, end: this.infoBytes });
    this.fields = [];
    this.hasError = false;
  }

  /**
   * A problem drops the record. csv-parse reports every problem, with the line it was on; the reader kept
   * one per line, so a problem is reported unless the last one came before any line break since.
   */
  private problem(bytes: number, reason: string, unclosedQuote: boolean, lastBreak: number, out: CsvItem[]): void {
    this.hasError = true;
    if (this.lastProblemAt === -1 || lastBreak > this.lastProblemAt) out.push({ bytes, reason, unclosedQuote });
  }
}
