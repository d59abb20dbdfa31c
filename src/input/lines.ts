/**
 * One line of a file: the bytes `start`…`end` of `buffer` (a range, so no Buffer is made per line), or a
 * note that it was longer than allowed (its bytes were not kept).
 */
export type Line = { number: number; buffer: Buffer; start: number; end: number; tooLong: false } | { number: number; length: number; tooLong: true };

const NEWLINE = 0x0a;
const CR = 0x0d;
/**
 * Lines handed on together, at most. A 1 MB chunk holds thousands of lines: their records, held as one
 * batch until the engine takes it, would outlive young-generation collections and be copied for nothing.
 */
export const LINES_PER_BATCH = 256;

/**
 * Splits byte chunks into lines without decoding (LF never appears inside a UTF-8 or GB18030 character).
 * A line longer than `maxLineBytes` is reported as too long and skipped as it streams past, so one
 * runaway line cannot make the reader buffer without end. A trailing CR is dropped (CRLF files).
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number, linesBefore = 0): AsyncIterable<Line[]> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let overflow = false;
  let number = linesBefore;
  const finish = (chunk: Buffer, start: number, end: number): Line => {
    number++;
    if (overflow) return { number, length: pendingLength + end - start, tooLong: true };
    let buffer = chunk;
    if (pending.length > 0) {
      buffer = Buffer.concat([...pending, chunk.subarray(start, end)]);
      start = 0;
      end = buffer.length;
    }
    if (end > start && buffer[end - 1] === CR) end--;
    return { number, buffer, start, end, tooLong: false };
  };
  for await (const chunk of chunks) {
    // The lines a chunk completes travel together (up to LINES_PER_BATCH): one await per batch, not one per line.
    const batch: Line[] = [];
    let start = 0;
    for (let at = chunk.indexOf(NEWLINE, start); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
      if (!overflow && pendingLength + at - start > maxLineBytes) overflow = true;
      batch.push(finish(chunk, start, at));
      pending = [];
      pendingLength = 0;
      overflow = false;
      start = at + 1;
      if (batch.length >= LINES_PER_BATCH) yield batch.splice(0);
    }
    const rest = chunk.length - start;
    pendingLength += rest;
    if (pendingLength > maxLineBytes) {
      overflow = true;
      pending = [];
    } else if (rest > 0) pending.push(Buffer.from(chunk.subarray(start)));
    if (batch.length > 0) yield batch;
  }
  if (pendingLength > 0 || overflow) yield [finish(Buffer.alloc(0), 0, 0)];
}
