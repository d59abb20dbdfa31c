/** One line of a file, as bytes, or a note that it was longer than allowed (its bytes were not kept). */
export type Line = { number: number; bytes: Buffer; tooLong: false } | { number: number; length: number; tooLong: true };

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Splits byte chunks into lines without decoding (LF never appears inside a UTF-8 or GB18030 character).
 * A line longer than `maxLineBytes` is reported as too long and skipped as it streams past, so one
 * runaway line cannot make the reader buffer without end. A trailing CR is dropped (CRLF files).
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncIterable<Line[]> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let overflow = false;
  let number = 0;
  const finish = (tail: Buffer): Line => {
    number++;
    if (overflow) return { number, length: pendingLength + tail.length, tooLong: true };
    let bytes = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    return { number, bytes, tooLong: false };
  };
  for await (const chunk of chunks) {
    // The lines a chunk completes travel together: one await per chunk, not one per line.
    const batch: Line[] = [];
    let start = 0;
    for (let at = chunk.indexOf(NEWLINE, start); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
      const tail = chunk.subarray(start, at);
      if (!overflow && pendingLength + tail.length > maxLineBytes) overflow = true;
      batch.push(finish(tail));
      pending = [];
      pendingLength = 0;
      overflow = false;
      start = at + 1;
    }
    const rest = chunk.subarray(start);
    pendingLength += rest.length;
    if (pendingLength > maxLineBytes) {
      overflow = true;
      pending = [];
    } else if (rest.length > 0) pending.push(Buffer.from(rest));
    if (batch.length > 0) yield batch;
  }
  if (pendingLength > 0 || overflow) yield [finish(Buffer.alloc(0))];
}
