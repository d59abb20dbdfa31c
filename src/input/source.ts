import { readFileSync, statSync } from 'node:fs';
import { compressionByMagic, decompressed, FILE_CHUNK_BYTES, openFileStream, withoutCompression } from './compressed.js';
import { InputError } from '../errors.js';
import { stream } from '../model/node-modules.js';

export const HEAD_BYTES = 64 * 1024;

/** Bytes handed to readers since the process started (the progress bar reads it). */
export const inputBytes = { read: 0 };

/** An input opened for reading: its first bytes (for sniffing) and an iterator that replays them, then the rest. */
export interface OpenedInput {
  /** Path as the user gave it, or `<stdin>`. */
  label: string;
  head: Buffer;
  chunks(): AsyncIterable<Buffer>;
  /** Lets go of the underlying stream (closes the file) whether or not it was read to the end. */
  close?(): Promise<void>;
}

/** Reads up to HEAD_BYTES without losing anything, so sniffing never consumes the stream. */
export async function openInput(label: string, stream: AsyncIterable<Buffer | string>): Promise<OpenedInput> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const buffered: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    buffered.push(chunk);
    size += chunk.length;
  }
  const head = Buffer.concat(buffered);
  let consumed = false;
  return {
    label,
    head: head.subarray(0, HEAD_BYTES),
    async *chunks() {
      if (consumed) throw new Error(`${label}: input can be read only once`);
      consumed = true;
      if (head.length > 0) {
        inputBytes.read += head.length;
        yield head;
      }
      if (done) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
        inputBytes.read += chunk.length;
        yield chunk;
      }
    },
    async close() {
      if (!done) await iterator.return?.();
      done = true;
    },
  };
}

/** What reports call standard input. */
export const STDIN_LABEL = '<stdin>';

/** Standard input, decompressed as it streams when it starts like gzip or zstd (`zcat` not needed). */
export async function openStdin(source: AsyncIterable<Buffer | string>, label = STDIN_LABEL): Promise<OpenedInput> {
  const input = await openInput(label, source);
  const suffix = compressionByMagic(input.head);
  return suffix ? openInput(label, decompressed(`stdin${suffix}`, stream().Readable.from(input.chunks()))) : input;
}

/** A file's bytes, decompressed as they stream when its name ends in `.gz` or `.zst`. */
export async function openFile(path: string, label = path): Promise<OpenedInput> {
  const whole = wholeSmallFile(path);
  return openInput(label, whole ? oneChunk(whole) : openFileStream(path));
}

/**
 * A regular uncompressed file that fits in one chunk of a file stream, read at once: the same one chunk the
 * stream would give, without making a stream (Node's file streams were ~3% of a one-transcript check's
 * instructions). Any other file, or one that cannot be read, is left to the stream and its errors.
 */
function wholeSmallFile(path: string): Buffer | undefined {
  if (withoutCompression(path) !== path) return undefined;
  try {
    const stats = statSync(path);
    return stats.isFile() && stats.size <= FILE_CHUNK_BYTES ? readFileSync(path) : undefined;
  } catch {
    return undefined;
  }
}

async function* oneChunk(bytes: Buffer): AsyncIterable<Buffer> {
  if (bytes.length > 0) yield bytes;
}

/**
 * Documents read whole (JSON documents, product exports) are capped, so a decompression bomb or a
 * runaway file is refused with a reason instead of exhausting memory; streamed formats have --max-line-bytes.
 */
export const MAX_WHOLE_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** Collects a whole input (for formats that are read whole: JSON documents, product exports). */
export async function readAll(input: OpenedInput, limit = MAX_WHOLE_DOCUMENT_BYTES): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of input.chunks()) {
    size += chunk.length;
    if (size > limit) {
      await input.close?.();
      throw new InputError(`over ${limit / 2 ** 20} MiB (decompressed), the limit for a document read whole; split it, or export JSON Lines`);
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}
