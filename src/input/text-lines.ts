import { createReadStream } from 'node:fs';

const LF = 0x0a;

/** A file's lines as UTF-8 text, read as they stream: nothing held but the line being read and one chunk. */
export async function* textLines(path: string): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, start)) {
      const piece = chunk.subarray(start, at);
      yield (pending.length > 0 ? Buffer.concat([...pending, piece]) : piece).toString('utf8');
      pending = [];
      start = at + 1;
    }
    if (start < chunk.length) pending.push(Buffer.from(chunk.subarray(start)));
  }
  if (pending.length > 0) yield Buffer.concat(pending).toString('utf8');
}
