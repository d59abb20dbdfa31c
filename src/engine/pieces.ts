import type { InputEvent } from '../input/events.js';
import { labelOf, type ReadOptions } from '../input/options.js';
import { cutPoints, FILE_START, MIN_RANGE_BYTES, readJsonLinesPart, scanJsonLines, splittableJsonLines, type LinePosition } from '../input/ranges.js';
import { readFiles } from '../input/read.js';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { v8 } from '../model/node-modules.js';

/**
 * The part of a worker's share of a file that this thread's range gets. It stores every entry the workers send
 * besides checking its own, but a worker starts later (its isolate, the bundle, the rules) and collects a
 * smaller young generation more often: at 0.9 this thread finished its range 0.5-1.1 s (100 MB) and 2.2-3.6 s
 * (1 GB) before the worker and then waited; at 1 the two end within 0.05-0.7 s, at 1.05 the worker ends first
 * (2 cores, held messages kept as fields; 0.9 came from docs/performance.md, round nine).
 */
const THIS_THREAD_SHARE = 1;

/**
 * A unit of parallel reading: a whole file (any format, compressed, an archive), or a byte range of one
 * big JSON Lines file (cut at line starts). Pieces in this order are the read order of a one-thread run.
 */
export interface Piece {
  file: string;
  range?: { start: number; end: number | undefined };
}

/**
 * The pieces for `jobs` workers: every file whole, except that a big uncompressed JSON Lines file is cut
 * into ranges so that the workers get about the same number of bytes. CSV is never cut (a quoted field
 * may hold a newline), nor anything compressed, mapped or of another encoding.
 */
export async function planPieces(files: string[], options: ReadOptions, forced: string | undefined, jobs: number, minRangeBytes?: number): Promise<Piece[]> {
  const sizes = await Promise.all(files.map((file) => splittableJsonLines(file, options, forced, minRangeBytes)));
  const splittable = sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0);
  const pieces: Piece[] = [];
  for (const [i, file] of files.entries()) {
    const size = sizes[i];
    if (size === undefined) {
      pieces.push({ file });
      continue;
    }
    // A file gets ranges in proportion to its share of the bytes that can be cut (one range with one job: a
    // range can be re-read by lines, for the conversations that continue after memory ran short).
    const parts = Math.max(1, Math.round((jobs * size) / splittable));
    // The first piece is this thread's, which also stores what the workers send (see THIS_THREAD_SHARE).
    const cuts = parts > 1 ? await cutPoints(file, size, parts, i === 0 ? THIS_THREAD_SHARE / parts : 1 / parts) : [0];
    cuts.forEach((start, k) => pieces.push({ file, range: { start, end: cuts[k + 1] } }));
  }
  return pieces;
}

/**
 * A piece's input events, numbered as a one-thread read of the whole file numbers them. `started` learns
 * where a range starts, and the line positions its scan noted before that start (a re-read of some lines
 * starts scanning at the nearest).
 */
export async function* readPiece(piece: Piece, options: ReadOptions, forced: string | undefined, started?: (at: LinePosition, marks: LinePosition[]) => void): AsyncIterable<InputEvent> {
  if (!piece.range) {
    yield* readFiles([piece.file], options, forced);
    return;
  }
  let from = FILE_START;
  const marks: LinePosition[] = [];
  try {
    if (piece.range.start > 0) from = await scanJsonLines(piece.file, FILE_START, { byte: piece.range.start }, options, marks);
  } catch (error) {
    // The file went away (or became unreadable) after it was planned: an unreadable file, as for any reader.
    const code = (error as NodeJS.ErrnoException).code;
    if (!code) throw error;
    yield { type: 'file-error', file: labelOf(piece.file, options), reason: `cannot read file: ${code}` };
    return;
  }
  started?.(from, marks);
  yield* readJsonLinesPart(piece.file, from, piece.range.end, options, forced);
}

/**
 * The bytes the reader will see in the files: a gzip file counts what its trailer says it holds, a zstd
 * file what its first frame's header says (when it says), anything else its size. An unreadable file
 * counts nothing: the reader reports it.
 */
export function inputBytes(files: readonly string[]): number {
  let bytes = 0;
  for (const file of files) {
    try {
      const size = statSync(file).size;
      bytes += Math.max(size, contentBytes(file, size) ?? 0);
    } catch {
      // Reported by the reader.
    }
  }
  return bytes;
}

/** The bytes a compressed file holds, by its own account, or undefined (not compressed, or not told). */
function contentBytes(file: string, size: number): number | undefined {
  const suffix = /\.(gz|zst)$/i.exec(file)?.[1]?.toLowerCase();
  if (!suffix || size < 18) return undefined;
  const descriptor = openSync(file, 'r');
  try {
    // gzip: ISIZE, the last member's length mod 2^32 (a bigger or multi-member file is underestimated,
    // never below its compressed size).
    if (suffix === 'gz') return readAt(descriptor, size - 4, 4).readUInt32LE(0);
    return zstdContentSize(readAt(descriptor, 0, 18));
  } finally {
    closeSync(descriptor);
  }
}

function readAt(descriptor: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  readSync(descriptor, buffer, 0, length, position);
  return buffer;
}

/** Frame_Content_Size of a zstd frame header (RFC 8878, 3.1.1.1), when the header carries it. */
function zstdContentSize(head: Buffer): number | undefined {
  if (head.readUInt32LE(0) !== 0xfd2fb528) return undefined;
  const descriptor = head[4] as number;
  const singleSegment = (descriptor >> 5) & 1;
  const sizeFlag = descriptor >> 6;
  const at = 5 + (singleSegment ? 0 : 1) + ([0, 1, 2, 4][descriptor & 3] as number);
  if (sizeFlag === 0) return singleSegment ? head[at] : undefined;
  if (sizeFlag === 1) return head.readUInt16LE(at) + 256;
  if (sizeFlag === 2) return head.readUInt32LE(at);
  return Number(head.readBigUInt64LE(at));
}

/**
 * Input size (as read: compressed files count what they hold) from which worker threads pay for themselves. Workers cost CPU of their own (each compiles the
 * rules, warms up, collects its own garbage, and checks again what two pieces both saw), while one thread
 * already has V8's collector working on a second core: on 2 cores, two workers took 15% longer than one
 * thread on 100 MB and 13–16% less time on 300 MB and 1 GB (docs/performance.md, round six).
 */
export const WORKERS_WORTH_BYTES = 192 * 1024 * 1024;

/** Worker threads when not asked: one per core for an input worth it, else one, in this thread. */
export function defaultJobs(bytes: number, minBytes = WORKERS_WORTH_BYTES): number {
  return bytes >= minBytes ? availableParallelism() : 1;
}

/**
 * V8 settings for a big input (process-wide, so worker threads started afterwards follow them too):
 * - V8 lets a heap grow to several times what survived its last full collection before collecting again, so a
 *   night whose live data stays small (messages past the budget are checked and let go) still took 430–600 MB.
 *   Growing by as much as survived at most keeps peak RSS near twice the live data; by half at most cost one
 *   thread ~15% more CPU in full collections for ~20 MB less. The caller says how much (`heapGrowingPercent`):
 *   runs that hold more than the JSON report's one heap grow less (docs/performance.md, rounds five, eight, ten).
 * - V8's optimizing compiler inlines up to 920 bytes of bytecode into a function; the hot loops here inline
 *   whole printers and readers, and each isolate spent ~0.6 s of a 100 MB run compiling them on helper threads.
 *   At 300 the code runs as fast and two threads finished a 1 GB night 12% sooner (docs/performance.md, round nine).
 */
export function tuneV8(bytes: number, heapGrowingPercent = 100, minBytes = MIN_RANGE_BYTES): void {
  if (bytes < minBytes) return;
  v8().setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
  v8().setFlagsFromString('--max-inlined-bytecode-size-cumulative=300');
  v8Tuned = true;
}

let v8Tuned = false;
/**
 * Whether this process changed V8's flags (tuneV8). A code cache made afterwards carries them, and V8
 * refuses it in the next process, which starts without them: bin/chatlint.js then writes none.
 */
export const v8FlagsChanged = (): boolean => v8Tuned;
