import { readSync, writeSync } from 'node:fs';

const NEWLINE = 10;
/** Bytes read from a file at a time, at most and at least. */
const READ_CHUNK = 64 * 1024;
const MIN_READ_CHUNK = 4 * 1024;

/** How much each of `readers` open at once reads at a time, for their buffers to come to about `budgetBytes`. */
export const chunkFor = (readers: number, budgetBytes: number) => Math.max(MIN_READ_CHUNK, Math.min(READ_CHUNK, Math.floor(budgetBytes / Math.max(1, readers))));

/** A byte range of a file, read forward a chunk at a time: lines, or bytes (the sorted runs on disk of the entry store and of HTML timelines). */
export class RangeReader {
  // A fresh chunk per read: the lists handed out are views into it.
  private buffer = Buffer.allocUnsafeSlow(0);
  private start = 0;
  private end = 0;

  constructor(
    private readonly fd: number,
    private position: number,
    private readonly stop: number,
    private readonly chunk: number,
    /**
     * Whether a read may reuse the chunk, for a caller that copies what it read before reading on (no view
     * of the chunk outlives the next read): a pass makes no chunk per read to collect.
     */
    private readonly reuse = false,
  ) {}

  /** Reads the next chunk; what is left of the current one comes first. */
  private more(least: number): void {
    const left = this.end - this.start;
    const size = Math.max(this.chunk, least);
    const next = this.reuse && this.buffer.length >= size ? this.buffer : Buffer.allocUnsafeSlow(size);
    if (next === this.buffer) next.copyWithin(0, this.start, this.end);
    else this.buffer.copy(next, 0, this.start, this.end);
    const wanted = Math.min(size - left, this.stop - this.position);
    const read = wanted > 0 ? readSync(this.fd, next, left, wanted, this.position) : 0;
    if (read === 0) throw new Error('a run on disk ends before its last record');
    this.position += read;
    this.buffer = next;
    this.start = 0;
    this.end = left + read;
  }

  /** Reads the next line: true with it from `lineStart` to `lineEnd` (its newline) of `current`, false at the end of the range. */
  line(): boolean {
    for (;;) {
      const at = this.buffer.indexOf(NEWLINE, this.start);
      if (at !== -1 && at < this.end) {
        this.lineStart = this.start;
        this.lineEnd = at;
        this.start = at + 1;
        return true;
      }
      if (this.position >= this.stop) return false;
      this.more(2 * (this.end - this.start));
    }
  }

  /** Where the last line read starts and ends in `current`. */
  lineStart = 0;
  lineEnd = 0;

  /** The chunk the last line or bytes read are in (a later read may move on to another). */
  get current(): Buffer {
    return this.buffer;
  }

  /** Passes over the next `size` bytes without reading what is not read yet. */
  skip(size: number): void {
    const buffered = this.end - this.start;
    if (size <= buffered) this.start += size;
    else {
      this.position += size - buffered;
      this.start = this.end;
    }
  }

  /** Reads the next `size` bytes: where they start in `current`. */
  bytes(size: number): number {
    if (this.end - this.start < size) this.more(size);
    const start = this.start;
    this.start += size;
    return start;
  }
}

/** Writes `size` bytes of `from` from `start` at `position`, over as many writes as it takes. */
export function writeAll(fd: number, from: Uint8Array, start: number, size: number, position: number): void {
  for (let offset = 0; offset < size; ) offset += writeSync(fd, from, start + offset, size - offset, position + offset);
}
