import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FILE_CHUNK_BYTES, openFileStream } from '../../src/input/compressed.js';
import { openFile, openInput, type OpenedInput } from '../../src/input/source.js';

const dir = mkdtempSync(join(tmpdir(), 'chatlint-open-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const chunksOf = async (input: OpenedInput): Promise<Buffer[]> => {
  const chunks: Buffer[] = [];
  for await (const chunk of input.chunks()) chunks.push(chunk);
  return chunks;
};
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'opened',
    (error: NodeJS.ErrnoException) => error.code ?? error.message,
  );

describe('openFile', () => {
  it('gives a small file the head and chunks a file stream gives, and a big one the stream itself', async () => {
    const sizes = [0, 1, 1000, 64 * 1024 + 3, FILE_CHUNK_BYTES - 1, FILE_CHUNK_BYTES, FILE_CHUNK_BYTES + 1, 2 * FILE_CHUNK_BYTES + 5];
    for (const size of sizes) {
      const path = join(dir, `file-${size}.jsonl`);
      const bytes = Buffer.alloc(size, 'a');
      for (let i = 0; i < size; i += 97) bytes[i] = 0x0a;
      writeFileSync(path, bytes);
      const opened = await openFile(path);
      const streamed = await openInput(path, openFileStream(path));
      expect(opened.head.equals(streamed.head), `head of ${size} bytes`).toBe(true);
      const [mine, theirs] = [await chunksOf(opened), await chunksOf(streamed)];
      expect(mine.map((c) => c.length), `chunks of ${size} bytes`).toEqual(theirs.map((c) => c.length));
      expect(Buffer.concat(mine).equals(bytes)).toBe(true);
    }
  });

  it('decompresses a small .gz file as before', async () => {
    const path = join(dir, 'small.jsonl.gz');
    writeFileSync(path, gzipSync('{"a":1}\n'));
    expect(Buffer.concat(await chunksOf(await openFile(path))).toString()).toBe('{"a":1}\n');
  });

  it('fails as the stream fails for a missing file, a folder and an unreadable file', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder, { recursive: true });
    const unreadable = join(dir, 'unreadable.json');
    writeFileSync(unreadable, '{}', { mode: 0o000 });
    for (const path of [join(dir, 'missing.json'), folder, unreadable]) {
      expect(await failure(openFile(path)), path).toBe(await failure(openInput(path, openFileStream(path))));
    }
    expect(await failure(openFile(folder))).toBe('EISDIR');
  });
});
