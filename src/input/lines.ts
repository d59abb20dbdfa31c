import { utf8Slice } from './encoding.js';

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

/**
 * The UTF-8 text of each line that lies in a run of neighbouring lines of one buffer, decoded in one call
 * for the run (a call per line costs more than the decoding of a short line); undefined for the others
 * (the first line of a file, which may start with a byte-order mark; lines too long; a run of one line)
 * and for every line of a run whose bytes are not all valid UTF-8 (each is then decoded and checked on its
 * own). LF never occurs inside a UTF-8 character, so the run's text splits at its LFs exactly as its bytes do.
 */
export function decodeUtf8Runs(lines: readonly Line[]): Array<string | undefined> {
  const texts = new Array<string | undefined>(lines.length).fill(undefined);
  for (let i = 0; i < lines.length; ) {
    const first = lines[i] as Line;
    if (first.tooLong || first.number === 1) {
      i++;
      continue;
    }
    const buffer = first.buffer;
    let last = first;
    let j = i;
    for (; j + 1 < lines.length; j++) {
      const next = lines[j + 1] as Line;
      if (next.tooLong || next.buffer !== buffer) break;
      // Only a line break between them: LF, or the CR the splitter took off and its LF.
      const gap = next.start - last.end;
      if (!(gap === 1 && buffer[last.end] === NEWLINE) && !(gap === 2 && buffer[last.end] === CR && buffer[last.end + 1] === NEWLINE)) break;
      last = next;
    }
    if (j > i) {
      const text = utf8Slice(buffer, first.start, last.end);
      if (!text.includes('\uFFFD')) {
        let from = 0;
        for (let k = i; k < j; k++) {
          const at = text.indexOf('\n', from);
          // The splitter took one CR off the end of a line; the run's last line ends before it already.
          texts[k] = text.slice(from, text.charCodeAt(at - 1) === CR ? at - 1 : at);
          from = at + 1;
        }
        texts[j] = text.slice(from);
      }
    }
    i = j + 1;
  }
  return texts;
}
