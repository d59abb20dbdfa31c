import { closeSync, openSync, readSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { compareKeys, listCursor, merged, type KeyedCursor, type SortKey } from '../engine/sorted-merge.js';
import { chunkFor, RangeReader, writeAll } from '../engine/file-ranges.js';
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
/** Bytes of read buffers a merge aims at over all its open files. */
const READ_BUDGET = 2 * 1024 * 1024;
const WRITE_CHARS = 256 * 1024;
/** What a held record costs beyond its text. */
const HELD_OVERHEAD_BYTES = 120;
const NEWLINE = 10;
const TAB = 9;
const EMPTY = new Uint8Array(0);

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
      writeAll(this.fd, piece, 0, piece.length, this.written);
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
    writeAll(this.fd, bytes, 0, bytes.length, this.written);
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

/** A whole file read forward (see RangeReader), with its descriptor. */
function fileReader(path: string, size: number, chunk: number): { reader: RangeReader; close(): void } {
  const fd = openSync(path, 'r');
  return { reader: new RangeReader(fd, 0, size, chunk), close: () => closeSync(fd) };
}

function runCursor(run: Run, chunk: number): Cursor {
  const heads = fileReader(run.heads, run.headBytes, chunk);
  let bodies: ReturnType<typeof fileReader> | undefined;
  // Bytes of the bodies file passed so far: bodies not asked for are skipped, not read.
  let bodiesPassed = 0;
  let line: Buffer = Buffer.alloc(0);
  let tab = 0;
  let bodyAt = 0;
  let bodyLength = 0;
  let fields: unknown[] = [];
  const body = (): Uint8Array => {
    if (bodyLength === 0) return EMPTY;
    bodies ??= fileReader(run.bodies, run.bodyBytes, chunk);
    if (bodyAt < bodiesPassed) throw new Error(`${run.bodies}: a body is read twice`);
    bodies.reader.skip(bodyAt - bodiesPassed);
    const start = bodies.reader.bytes(bodyLength);
    bodiesPassed = bodyAt + bodyLength;
    return bodies.reader.current.subarray(start, start + bodyLength);
  };
  const cursor: Cursor = {
    key: ['', '', 0],
    advance() {
      if (!heads.reader.line()) return false;
      bodyAt += bodyLength;
      line = heads.reader.current.subarray(heads.reader.lineStart, heads.reader.lineEnd);
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
  const list = listCursor(held);
  return Object.assign(list, {
    record(): SortedRecord {
      const { head, body } = list.item();
      return { fields: JSON.parse(head) as unknown[], body: () => body };
    },
    copyTo(heads: AppendFile, bodies: AppendFile) {
      const { head, body } = list.item();
      heads.append(`${body === '' ? 0 : Buffer.byteLength(body)}\t${head}\n`);
      if (body !== '') bodies.append(body);
    },
    close: () => undefined,
  });
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
      const chunk = chunkFor(2 * same.length, READ_BUDGET);
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
    const chunk = chunkFor(2 * this.runs.length, READ_BUDGET);
    for (const cursor of mergedClosing([...this.runs.map((run) => runCursor(run, chunk)), heldCursor(this.held)])) yield cursor.record();
  }

  close(): void {
    if (this.folderPath !== undefined) removeTempFolder(this.folderPath);
    this.folderPath = undefined;
    this.runs = [];
    this.held = [];
  }
}
