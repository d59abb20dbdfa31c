import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { inputBytes } from '../../src/engine/pieces.js';

const dir = mkdtempSync(join(tmpdir(), 'chatlint-size-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: Buffer | string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** A zstd frame header (RFC 8878) with the given descriptor byte and the fields after it; the rest of a file is not read. */
const zstdHead = (descriptor: number, ...fields: number[]) => Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, descriptor, ...fields]), Buffer.alloc(32)]);

describe('the input size that decides the default --jobs', () => {
  it('counts what a compressed file holds, not its compressed bytes', () => {
    const night = '{"conversation_id":"C1","timestamp":"2026-11-27T08:00:00Z","role":"customer","text":"在吗"}\n'.repeat(3000);
    const gz = file('night.jsonl.gz', gzipSync(night));
    expect(statSync(gz).size).toBeLessThan(night.length / 10);
    expect(inputBytes([gz])).toBe(Buffer.byteLength(night));
    const plain = file('night.jsonl', night);
    expect(inputBytes([gz, plain])).toBe(2 * Buffer.byteLength(night));
  });

  it('reads a zstd frame content size of every width, and falls back to the file size when the header has none', () => {
    // Single segment, 1-byte size; 2-byte size (plus 256); 4-byte size with a window byte and a 1-byte dictionary id; 8 bytes.
    expect(inputBytes([file('a.jsonl.zst', zstdHead(0x20, 200))])).toBe(200);
    expect(inputBytes([file('b.jsonl.zst', zstdHead(0x60, 0x00, 0x10))])).toBe(0x1000 + 256);
    expect(inputBytes([file('c.jsonl.zst', zstdHead(0x81, 0x50, 0x07, 0x00, 0x00, 0x00, 0x40))])).toBe(0x40000000);
    expect(inputBytes([file('d.jsonl.zst', zstdHead(0xe0, 0, 0, 0, 0, 1, 0, 0, 0))])).toBe(2 ** 32);
    // No content size in the header (not single segment, size flag 0): the compressed size.
    const untold = file('e.jsonl.zst', zstdHead(0x00, 0x50));
    expect(inputBytes([untold])).toBe(statSync(untold).size);
  });

  it('never counts less than the bytes on disk, and nothing for a file that is not there', () => {
    // A broken gzip trailer claiming 3 bytes, and a .gz too short to have one.
    const broken = file('broken.jsonl.gz', Buffer.concat([Buffer.alloc(40, 1), Buffer.from([3, 0, 0, 0])]));
    expect(inputBytes([broken])).toBe(44);
    expect(inputBytes([file('tiny.gz', 'x')])).toBe(1);
    expect(inputBytes([join(dir, 'missing.jsonl.gz')])).toBe(0);
  });
});
