import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync, writevSync, type Stats } from 'node:fs';
import { enterPhase } from '../engine/progress.js';
import { releasePiece } from '../engine/piece-pool.js';
import { basename, dirname, join } from 'node:path';

/** Lets the event loop turn (a signal's handler, the progress bar) between pieces of a long write. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Eight random hex digits for a temporary file's name. Math.random, not crypto (which a small check would load
 * for this alone): the name need not be secret, as the file is created with 'wx', which refuses a name that
 * exists (a symbolic link included), and the process id already tells concurrent processes apart.
 */
const tempSuffix = (): string => Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0');

const inFlight = new Set<string>();
let cleanupInstalled = false;

function removeInFlight(): void {
  for (const temp of inFlight) {
    try {
      unlinkSync(temp);
    } catch {
      // Already gone.
    }
  }
  inFlight.clear();
}

/**
 * At exit (a crash, or the signal handlers of cli/run.ts, which end the process with process.exit),
 * half-written temporaries are deleted so only complete reports ever exist.
 */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', removeInFlight);
}

function existingMode(path: string): number | undefined {
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats.mode & 0o777 : undefined;
  } catch {
    return undefined;
  }
}

const BATCH_CHARS = 1 << 20;
/** Pieces written with one call (IOV_MAX on Linux). */
const MAX_PIECES_PER_WRITE = 1024;

/** What a report is written from: one string or byte array, or a sequence of them (see Formatter). */
export type ReportData = string | Uint8Array | Iterable<string | Uint8Array>;

/**
 * Joins small chunks into pieces of about a megabyte: few system calls, never one giant string. Text alone
 * is joined as text; once bytes come (lists printed ahead), text around them is encoded and joined with them,
 * or, when `gather` (a file descriptor's writer, see writeAll), handed over as the list of pieces to write
 * with one call, uncopied.
 */
export function batched(data: ReportData): Generator<string | Uint8Array>;
export function batched(data: ReportData, gather: true): Generator<string | Uint8Array | Uint8Array[]>;
export function* batched(data: ReportData, gather = false): Generator<string | Uint8Array | Uint8Array[]> {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    yield data;
    return;
  }
  let pending: string[] = [];
  let size = 0;
  // Bytes since the last piece (then pending text is encoded before each bytes chunk).
  let bytes: Uint8Array[] = [];
  let byteSize = 0;
  const encodePending = () => {
    if (pending.length === 0) return;
    const encoded = Buffer.from(pending.join(''), 'utf8');
    bytes.push(encoded);
    byteSize += encoded.length;
    pending = [];
    size = 0;
  };
  for (const chunk of data) {
    if (typeof chunk !== 'string') {
      encodePending();
      bytes.push(chunk);
      byteSize += chunk.length;
    } else if (chunk.length >= BATCH_CHARS / 4 && bytes.length === 0) {
      // A piece as big as a batch goes out alone: joining would only copy it.
      if (pending.length > 0) yield pending.join('');
      pending = [];
      size = 0;
      yield chunk;
      continue;
    } else {
      pending.push(chunk);
      size += chunk.length;
      if (size < BATCH_CHARS) continue;
      if (bytes.length === 0) {
        yield pending.join('');
        pending = [];
        size = 0;
        continue;
      }
      encodePending();
    }
    if (byteSize >= BATCH_CHARS || (gather && bytes.length >= MAX_PIECES_PER_WRITE)) {
      yield gather ? bytes : joined(bytes, byteSize);
      bytes = [];
      byteSize = 0;
    }
  }
  if (bytes.length > 0) {
    encodePending();
    yield gather ? bytes : joined(bytes, byteSize);
  } else if (pending.length > 0) yield pending.join('');
}

/** The pieces copied into one buffer; a list's piece the store printed is given back (see releasePiece). */
function joined(pieces: Uint8Array[], size: number): Buffer {
  const bytes = Buffer.concat(pieces, size);
  for (const piece of pieces) releasePiece(piece);
  return bytes;
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EPIPE: 'the reader closed the pipe',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EFBIG: 'file too large',
  ENXIO: 'nothing is reading at the other end',
  EISDIR: 'is a folder',
  ENOENT: 'no such file or folder',
};

/** A report that could not be written: the path (or "standard output") and why, in one line. */
export class ReportWriteError extends Error {
  constructor(
    readonly target: string,
    readonly code: string | undefined,
  ) {
    super(`${target}: cannot write the report: ${(code && REASONS[code]) ?? 'write failed'}${code ? ` (${code})` : ''}`);
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * Whether `-o path` names something that is not a regular file (a FIFO, a character or block device,
 * a socket): such a target is written into as it is, never replaced by a rename, so `-o /dev/null`
 * stays a device even for root.
 */
export function isSpecialTarget(path: string): boolean {
  const stats = statOrNull(path);
  return stats !== null && !stats.isFile() && !stats.isDirectory();
}

function writeAll(fd: number, piece: string | Uint8Array | Uint8Array[]): void {
  writePieces(fd, piece);
  // Written: a list's piece the store printed can be filled again (see releasePiece).
  if (Array.isArray(piece)) for (const bytes of piece) releasePiece(bytes);
  else if (typeof piece !== 'string') releasePiece(piece);
}

function writePieces(fd: number, piece: string | Uint8Array | Uint8Array[]): void {
  if (Array.isArray(piece)) {
    // Pieces IOV_MAX at a time; what a short write left goes out one piece at a time.
    for (let first = 0; first < piece.length; first += MAX_PIECES_PER_WRITE) {
      const pieces = piece.slice(first, first + MAX_PIECES_PER_WRITE);
      let written = writevSync(fd, pieces);
      for (const bytes of pieces) {
        if (written >= bytes.length) written -= bytes.length;
        else {
          writePieces(fd, bytes.subarray(written));
          written = 0;
        }
      }
    }
    return;
  }
  const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
}

/**
 * Writes a report to `-o path`. A regular file (or a new one) is replaced atomically: written to a
 * temporary file beside it, flushed, renamed; any failure removes the temporary and leaves the previous
 * report as it was. A FIFO or device is written into directly. Between pieces the event loop runs, so
 * an interrupt is handled mid-write (and the temporary removed at exit). Failures are ReportWriteErrors.
 */
export async function writeReport(path: string, data: ReportData): Promise<void> {
  installCleanup();
  if (isSpecialTarget(path)) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'w');
      await enterPhase('writing');
      for (const piece of batched(data, true)) {
        writeAll(fd, piece);
        await nextTurn();
      }
    } catch (error) {
      throw new ReportWriteError(path, (error as NodeJS.ErrnoException).code);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return;
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${tempSuffix()}.tmp`);
  inFlight.add(temp);
  try {
    const fd = openSync(temp, 'wx', existingMode(path) ?? 0o644);
    try {
      await enterPhase('writing');
      for (const piece of batched(data, true)) {
        writeAll(fd, piece);
        await nextTurn();
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    inFlight.delete(temp);
  } catch (error) {
    throw new ReportWriteError(path, (error as NodeJS.ErrnoException).code);
  } finally {
    if (inFlight.has(temp)) {
      inFlight.delete(temp);
      try {
        unlinkSync(temp);
      } catch {
        // Never created.
      }
    }
  }
}

/**
 * Writes to standard output piece by piece, waiting for each write to be taken, so a full disk or a
 * closed pipe surfaces here as a ReportWriteError instead of an unhandled stream error.
 */
export async function writeToStream(stream: NodeJS.WritableStream, data: ReportData): Promise<void> {
  await enterPhase('writing');
  for (const piece of batched(data)) {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: NodeJS.ErrnoException) => reject(new ReportWriteError('standard output', error.code));
      stream.once('error', fail);
      try {
        stream.write(piece, (error?: Error | null) => {
          stream.off('error', fail);
          if (error) fail(error as NodeJS.ErrnoException);
          else resolve();
        });
      } catch (error) {
        stream.off('error', fail);
        fail(error as NodeJS.ErrnoException);
      }
    });
  }
}
