import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

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

/** On SIGINT/SIGTERM or a crash, delete half-written temporaries so only complete reports ever exist. */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', removeInFlight);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      removeInFlight();
      process.kill(process.pid, signal);
    });
  }
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

/** Joins small chunks into pieces of about a megabyte: few system calls, never one giant string. */
export function* batched(data: string | Uint8Array | Iterable<string>): Generator<string | Uint8Array> {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    yield data;
    return;
  }
  let pending: string[] = [];
  let size = 0;
  for (const chunk of data) {
    // A piece as big as a batch goes out alone: joining would only copy it.
    if (chunk.length >= BATCH_CHARS / 4) {
      if (pending.length > 0) yield pending.join('');
      pending = [];
      size = 0;
      yield chunk;
      continue;
    }
    pending.push(chunk);
    size += chunk.length;
    if (size >= BATCH_CHARS) {
      yield pending.join('');
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) yield pending.join('');
}

/**
 * Writes a file so that it is complete or absent: the data goes to a temporary file in the same
 * directory (same file system, so the rename is atomic), is flushed to disk, then renamed over the target.
 * An interrupted run leaves the previous file intact.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | Iterable<string>): void {
  installCleanup();
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  inFlight.add(temp);
  try {
    // A report replacing another keeps its permissions: a report kept private (0600) must not become readable to all.
    const fd = openSync(temp, 'wx', existingMode(path) ?? 0o644);
    try {
      for (const piece of batched(data)) {
        const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
        for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    inFlight.delete(temp);
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
