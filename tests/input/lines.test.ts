import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitLines, type Line } from '../../src/input/lines.js';

async function* chunked(bytes: Buffer, cuts: number[]): AsyncIterable<Buffer> {
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= from || cut >= bytes.length) continue;
    yield bytes.subarray(from, cut);
    from = cut;
  }
  if (from < bytes.length) yield bytes.subarray(from);
}

/** Each line as text (or its length when too long): what the reader sees, however the file was chunked. */
async function lines(bytes: Buffer, cuts: number[], max: number): Promise<Array<string | number>> {
  const out: Array<string | number> = [];
  for await (const batch of splitLines(chunked(bytes, cuts), max)) {
    for (const line of batch as Line[]) {
      expect(line.number).toBe(out.length + 1);
      out.push(line.tooLong ? line.length : line.buffer.toString('utf8', line.start, line.end));
    }
  }
  return out;
}

describe('splitLines', () => {
  it('gives the same lines however the bytes arrive in chunks, CR of CRLF dropped, long lines reported', async () => {
    const piece = fc.constantFrom('a', '好', '\n', '\r\n', '{"x":1}', '😀', '\r');
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 40 }), fc.array(fc.nat(200), { maxLength: 8 }), fc.integer({ min: 1, max: 30 }), async (parts, cuts, max) => {
        const text = parts.join('');
        const bytes = Buffer.from(text);
        const expected = text.split('\n').map((l) => l.replace(/\r$/, ''));
        if (text.endsWith('\n') || text === '') expected.pop();
        const want = expected.map((l, i) => {
          const length = Buffer.byteLength(l) + (text.split('\n')[i]?.endsWith('\r') ? 1 : 0);
          return length > max ? length : l;
        });
        expect(await lines(bytes, cuts, max)).toEqual(want);
      }),
      { seed: 9, numRuns: 300 },
    );
  });
});
