import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { compareKeys, merged, type KeyedCursor, type SortKey } from '../engine/sorted-merge.js';
import { makeTempFolder, removeTempFolder } from '../engine/temp-folder.js';

/** A record's place: the report's order (first message, conversation id), then the order records were added. */
export type RecordKey = SortKey;

/**
 * One record as a pass reads it: its head (JSON of an array whose first three fields are its key, parsed),
 * and its body, read only when asked (text as added, or its UTF-8 bytes when read from disk).
 */
export interface SortedRecord {
  fields: unknown[];
  /** Only while this record is the pass's current one (the pass reads bodies forward). */
  body(): string | Uint8Array;
}

interface Held {
  key: RecordKey;
  head: string;
  body: string;
}

/** Runs of one level merged into one of the next once there are this many (each open run costs read buffers). */
const FAN_IN = 128;
/** Bytes read from a run's file at a time: at most, at least, and what all the open files read at once aim at. */
const READ_CHUNK = 64 * 1024;
const MIN_READ_CHUNK = 4 * 1024;
const READ_BUDGET = 2 * 1024 * 1024;
const chunkFor = (files: number) => Math.max(MIN_READ_CHUNK, Math.min(READ_CHUNK, Math.floor(READ_BUDGET / Math.max(1, files))));
const WRITE_CHARS = 256 * 1024;
/** What a held record costs beyond its text. */
const HELD_OVERHEAD_BYTES = 120;
const NEWLINE = 10;
const TAB = 9;
const EMPTY = new Uint8Array(0);

/**
 * A file read forward a chunk at a time from `position` up to `size`: lines, or byte ranges at given
 * offsets (never backwards). Each chunk is fresh, so views of it stay valid after the next read.
 */
class ForwardReader {
  private readonly fd: number;
  private buffer = Buffer.alloc(0);
  /** File position of buffer[0]. */
  private base = 0;
  private start = 0;
  private end = 0;

  constructor(
    readonly path: string,
    private readonly size: number,
    private readonly chunk: number,
  ) {
    this.fd = openSync(path, 'r');
  }

  /** Makes the buffer hold `least` bytes from `start` on (or all that is left of the file). */
  private fill(least: number): void {
    const left = this.end - this.start;
    const next = Buffer.allocUnsafeSlow(Math.max(this.chunk, least));
    this.buffer.copy(next, 0, this.start, this.end);
    const from = this.base + this.end;
    const wanted = Math.min(next.length - left, this.size - from);
    let read = 0;
    while (read < wanted) {
      const n = readSync(this.fd, next, left + read, wanted - read, from + read);
      if (n === 0) throw new Error(`${this.path}: shorter than written`);
      read += n;
    }
    this.base += this.start;
    this.buffer = next;
    this.start = 0;
    this.end = left + read;
  }

  /** The next line without its newline, or undefined at the end. */
  line(): Buffer | undefined {
    for (;;) {
      const at = this.buffer.indexOf(NEWLINE, this.start);
      if (at !== -1 && at < this.end) {
        const line = this.buffer.subarray(this.start, at);
        this.start = at + 1;
        return line;
      }
      if (this.base + this.end >= this.size) {
        if (this.start < this.end) throw new Error(`${this.path}: ends inside a record`);
        return undefined;
      }
      this.fill(2 * (this.end - this.start));
    }
  }

  /** `length` bytes at file offset `offset` (at or after what was read last). */
  bytes(offset: number, length: number): Buffer {
    if (offset < this.base + this.start) throw new Error(`${this.path}: read backwards`);
    if (offset > this.base + this.end) {
      // Past what is buffered: start over there.
      this.base = offset;
      this.start = 0;
      this.end = 0;
    } else this.start = offset - this.base;
    if (this.end - this.start < length) this.fill(length);
    const bytes = this.buffer.subarray(this.start, this.start + length);
    this.start += length;
    return bytes;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Appends text (as UTF-8, or UTF-16 when asked) and bytes to a new file, written in pieces of about WRITE_CHARS. */
export class AppendFile {
  private readonly fd: number;
  private pending: string[] = [];
  private chars = 0;
  /** Bytes in the file (not those pending). */
  private written = 0;

  /** `encoding`: UTF-16 costs a copy where UTF-8 costs a transcoding (Chinese text), for more bytes on disk. */
  constructor(
    readonly path: string,
    private readonly encoding: 'utf8' | 'utf16le' = 'utf8',
  ) {
    this.fd = openSync(path, 'wx+', 0o600);
  }

  /** Bytes appended so far: in UTF-16 counted as they come; in UTF-8 once encoded (asking writes what is pending). */
  get size(): number {
    if (this.encoding === 'utf8') this.flush();
    return this.written + 2 * this.chars;
  }

  append(piece: string | Uint8Array): void {
    if (typeof piece !== 'string') {
      this.flush();
      writeAll(this.fd, piece, this.written);
      this.written += piece.length;
      return;
    }
    this.pending.push(piece);
    this.chars += piece.length;
    if (this.chars >= WRITE_CHARS) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const bytes = Buffer.from(this.pending.join(''), this.encoding);
    writeAll(this.fd, bytes, this.written);
    this.written += bytes.length;
    this.pending = [];
    this.chars = 0;
  }

  /** `length` bytes from `offset` (pending writes first reach the file). */
  read(offset: number, length: number): Buffer {
    this.flush();
    const bytes = Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const n = readSync(this.fd, bytes, done, length - done, offset + done);
      if (n === 0) throw new Error(`${this.path}: shorter than written`);
      done += n;
    }
    return bytes;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/** A sorted run: a file of head lines (`<body bytes>\t<head>`), and one of the bodies one after another. */
interface Run {
  level: number;
  heads: string;
  headBytes: number;
  bodies: string;
  bodyBytes: number;
}

/** A source of records in key order for the merge. */
interface Cursor extends KeyedCursor {
  record(): SortedRecord;
  /** Appends the current record to a run being written. */
  copyTo(heads: AppendFile, bodies: AppendFile): void;
  close(): void;
}

function runCursor(run: Run, chunk: number): Cursor {
  const heads = new ForwardReader(run.heads, run.headBytes, chunk);
  let bodies: ForwardReader | undefined;
  let line: Buffer = Buffer.alloc(0);
  let tab = 0;
  let bodyAt = 0;
  let bodyLength = 0;
  let fields: unknown[] = [];
  const body = (): Uint8Array => {
    if (bodyLength === 0) return EMPTY;
    bodies ??= new ForwardReader(run.bodies, run.bodyBytes, chunk);
    return bodies.bytes(bodyAt, bodyLength);
  };
  const cursor: Cursor = {
    key: ['', '', 0],
    advance() {
      const next = heads.line();
      if (next === undefined) return false;
      bodyAt += bodyLength;
      line = next;
      tab = line.indexOf(TAB);
      bodyLength = Number(line.toString('latin1', 0, tab));
      fields = JSON.parse(line.toString('utf8', tab + 1)) as unknown[];
      cursor.key = [fields[0] as string, fields[1] as string, fields[2] as number];
      return true;
    },
    record() {
      // The body of this record only: a later advance moves on.
      const at = bodyAt;
      const length = bodyLength;
      return {
        fields,
        body: () => {
          if (at !== bodyAt || length !== bodyLength) throw new Error('SortedRecords: a body is read while its record is the current one');
          return body();
        },
      };
    },
    copyTo(headsOut, bodiesOut) {
      headsOut.append(line);
      headsOut.append(NEWLINE_BYTES);
      if (bodyLength > 0) bodiesOut.append(body());
    },
    close() {
      heads.close();
      bodies?.close();
    },
  };
  return cursor;
}
const NEWLINE_BYTES = new Uint8Array([NEWLINE]);

function heldCursor(held: readonly Held[]): Cursor {
  let next = 0;
  let item: Held | undefined;
  const cursor: Cursor = {
    key: ['', '', 0],
    advance() {
      item = held[next++];
      if (!item) return false;
      cursor.key = item.key;
      return true;
    },
    record() {
      const { head, body } = item as Held;
      return { fields: JSON.parse(head) as unknown[], body: () => body };
    },
    copyTo(heads, bodies) {
      const { head, body } = item as Held;
      heads.append(`${body === '' ? 0 : Buffer.byteLength(body)}\t${head}\n`);
      if (body !== '') bodies.append(body);
    },
    close: () => undefined,
  };
  return cursor;
}

/** The cursors' records in key order; closes them at the end. */
function* mergedClosing(cursors: Cursor[]): Generator<Cursor> {
  try {
    yield* merged(cursors);
  } finally {
    for (const cursor of cursors) cursor.close();
  }
}

/**
 * Records (a head: JSON without a newline; a body: other text) kept in key order without holding them: up to
 * `budgetBytes` in memory, then sorted and written as a run in a private temporary folder, heads apart
 * from bodies so a pass that reads no body reads only heads; runs are merged FAN_IN at a time into the
 * next level as they pile up. records() merges the runs and what is held into key order, as often as
 * asked; adding ends at the first read. close() removes the folder (as does exit).
 */
export class SortedRecords {
  private held: Held[] = [];
  private heldBytes = 0;
  private folderPath: string | undefined;
  private runs: Run[] = [];
  private files = 0;
  private sealed = false;

  constructor(
    private readonly prefix: string,
    private readonly budgetBytes: number,
  ) {}

  /** The private folder (made on first use), for files that go with the records. */
  folder(): string {
    return (this.folderPath ??= makeTempFolder(this.prefix));
  }

  /** `head`: JSON of an array whose first fields are the key. */
  add(key: RecordKey, head: string, body: string): void {
    if (this.sealed) throw new Error('SortedRecords: add after reading began');
    this.held.push({ key, head, body });
    this.heldBytes += HELD_OVERHEAD_BYTES + 2 * (head.length + body.length);
    if (this.heldBytes > this.budgetBytes) this.spill();
  }

  private newRun(level: number, cursors: Iterable<Cursor>): void {
    const name = `run-${this.files++}`;
    const heads = new AppendFile(join(this.folder(), `${name}.heads`));
    const bodies = new AppendFile(join(this.folder(), `${name}.bodies`));
    try {
      for (const cursor of cursors) cursor.copyTo(heads, bodies);
    } finally {
      heads.close();
      bodies.close();
    }
    this.runs.push({ level, heads: heads.path, headBytes: heads.size, bodies: bodies.path, bodyBytes: bodies.size });
  }

  private spill(): void {
    const held = this.held.sort((a, b) => compareKeys(a.key, b.key));
    this.held = [];
    this.heldBytes = 0;
    this.newRun(0, mergedClosing([heldCursor(held)]));
    for (let level = 0; ; level++) {
      const same = this.runs.filter((run) => run.level === level);
      if (same.length < FAN_IN) return;
      this.runs = this.runs.filter((run) => run.level !== level);
      const chunk = chunkFor(2 * same.length);
      this.newRun(level + 1, mergedClosing(same.map((run) => runCursor(run, chunk))));
      for (const run of same) {
        unlinkSync(run.heads);
        unlinkSync(run.bodies);
      }
    }
  }

  /** Every record in key order: a fresh pass each call. */
  *records(): Generator<SortedRecord> {
    if (!this.sealed) {
      this.sealed = true;
      this.held.sort((a, b) => compareKeys(a.key, b.key));
    }
    const chunk = chunkFor(2 * this.runs.length);
    for (const cursor of mergedClosing([...this.runs.map((run) => runCursor(run, chunk)), heldCursor(this.held)])) yield cursor.record();
  }

  close(): void {
    if (this.folderPath !== undefined) removeTempFolder(this.folderPath);
    this.folderPath = undefined;
    this.runs = [];
    this.held = [];
  }
}
