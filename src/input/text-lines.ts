import { createReadStream } from 'node:fs';
import { splitLines } from './lines.js';

/** A file's lines as UTF-8 text, read as they stream (splitLines without a length limit). */
export async function* textLines(path: string): AsyncGenerator<string> {
  for await (const lines of splitLines(createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>, Number.POSITIVE_INFINITY)) {
    for (const line of lines) if (!line.tooLong) yield line.buffer.toString('utf8', line.start, line.end);
  }
}
