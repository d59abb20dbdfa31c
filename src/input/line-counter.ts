const LF = 0x0a;
const CR = 0x0d;

/**
 * Tracks line numbers by byte offset over a stream of chunks, for parsers that report where a record
 * ends in bytes but count lines unreliably (csv-parse counts a CRLF inside quotes as two lines).
 * Offsets must be asked in increasing order; bytes before the last offset asked are let go.
 */
export class LineCounter {
  private readonly chunks: Buffer[] = [];
  /** Byte offset of chunks[0][0]. */
  private base = 0;
  /** Position up to which newlines are counted, and the count. */
  private position = 0;
  private line = 1;

  async *pass(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
    for await (const chunk of source) {
      this.chunks.push(chunk);
      yield chunk;
    }
  }

  private byteAt(offset: number): number | undefined {
    let start = this.base;
    for (const chunk of this.chunks) {
      if (offset < start + chunk.length) return chunk[offset - start];
      start += chunk.length;
    }
    return undefined;
  }

  private advance(to: number): void {
    while (this.position < to) {
      const chunk = this.chunks[0];
      if (!chunk) {
        this.position = to;
        return;
      }
      const end = this.base + chunk.length;
      const stop = Math.min(to, end);
      for (let i = chunk.indexOf(LF, this.position - this.base); i !== -1 && i < stop - this.base; i = chunk.indexOf(LF, i + 1)) this.line++;
      this.position = stop;
      if (stop === end) {
        this.chunks.shift();
        this.base = end;
      }
    }
  }

  /** The line of the first non-blank byte at or after `offset`, and that byte's offset. */
  firstContentLine(offset: number): { line: number; offset: number } {
    this.advance(offset);
    let at = Math.max(offset, this.position);
    for (let b = this.byteAt(at); b === LF || b === CR; b = this.byteAt(at)) {
      at++;
      this.advance(at);
    }
    return { line: this.line, offset: at };
  }

  /** The bytes from `start` to `end` (offsets not yet let go), or undefined when they are gone. */
  bytesBetween(start: number, end: number): Buffer | undefined {
    if (start < this.base || end < start) return undefined;
    const parts: Buffer[] = [];
    let at = this.base;
    for (const chunk of this.chunks) {
      const from = Math.max(start, at);
      const to = Math.min(end, at + chunk.length);
      if (from < to) parts.push(chunk.subarray(from - at, to - at));
      at += chunk.length;
      if (at >= end) break;
    }
    return at >= end ? Buffer.concat(parts) : undefined;
  }

  /** The offset just past the end of the line that contains `offset`. */
  endOfLine(offset: number): number {
    let at = offset;
    for (let b = this.byteAt(at); b !== undefined && b !== LF; b = this.byteAt(at)) at++;
    return this.byteAt(at) === LF ? at + 1 : at;
  }
}
