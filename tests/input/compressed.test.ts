import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { openInput, readAll } from '../../src/input/source.js';
import { chatlint, ROOT, tempDir } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';

const check = async (argv: string[]) => {
  const result = await chatlint(['check', ...argv, '--preset', 'en', '--format', 'json', '--agents', 'Brightline Support']);
  return { ...result, report: result.stdout ? (JSON.parse(result.stdout) as Report) : undefined };
};
const message = (id: string, second: number, role: string, text: string) =>
  JSON.stringify({ conversation_id: id, timestamp: `2026-03-02T09:00:${String(second).padStart(2, '0')}Z`, role, ...(role === 'agent' ? { agent_id: 'A1' } : {}), text });

describe('compressed inputs', () => {
  it('a directory walk reads .jsonl.gz, .csv.zst and a .zip entry by entry, each entry named', async () => {
    const { report, stderr } = await check([join(ROOT, 'fixtures/compressed')]);
    const at = (p: string) => p.replace(`${ROOT}/fixtures/compressed/`, '');
    expect(report?.summary.inputs.map((i) => [at(i.path), i.format, i.records, i.skipped])).toEqual([
      ['export.csv.zst', 'csv', 2, 0],
      ['export.zip:chats/0001.json', 'json', 2, 0],
      ['export.zip:chats/0002.jsonl.gz', 'jsonl', 2, 1],
      ['export.zip:chats/whatsapp-mara.txt', 'whatsapp', 2, 0],
      ['night.jsonl.gz', 'jsonl', 3, 0],
    ]);
    // findings and skips point into the archive: export.zip:chats/0002.jsonl.gz:2
    expect(stderr).toContain('fixtures/compressed/export.zip:chats/0002.jsonl.gz:2: skipped: unparseable timestamp "yesterday"');
    expect(stderr).toContain('export.zip: 1 entry is not a chat export; left unread');
    expect(report?.findings.some((f) => f.source.file.endsWith('export.zip:chats/whatsapp-mara.txt') && f.source.line === 2)).toBe(true);
  });

  it('globs match compressed names too', async () => {
    const { report } = await check([join(ROOT, 'fixtures/compressed/*.gz')]);
    expect(report?.summary.inputs.map((i) => i.path.split('/').pop())).toEqual(['night.jsonl.gz']);
  });

  it('a compressed transcript in a directory is taken only when a product format claims it', async () => {
    const dir = tempDir({
      'chat.txt.gz': gzipSync('[02/03/2026, 1:00:00 pm] Mara: Hello?\n[02/03/2026, 1:00:40 pm] Brightline Support: Hi\n'),
      'notes.txt.gz': gzipSync('Meeting notes\n'),
    });
    const { report } = await check([dir]);
    expect(report?.summary.inputs.map((i) => [i.path.split('/').pop(), i.format])).toEqual([['chat.txt.gz', 'whatsapp']]);
  });

  it('corrupt data is one clear line per file, never a crash', async () => {
    const good = gzipSync(`${message('c1', 0, 'customer', 'hi')}\n`);
    const dir = tempDir({
      'bad.jsonl.gz': Buffer.concat([good.subarray(0, 10), Buffer.from('garbage garbage')]),
      'bad.csv.zst': Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4, 5]),
      'bad.zip': Buffer.from('PK not really a zip'),
      'ok.jsonl.gz': good,
    });
    const { report, stderr, code } = await check([dir]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/bad\.jsonl\.gz: .*not valid gzip data/);
    expect(stderr).toMatch(/bad\.csv\.zst: .*zstd/);
    expect(stderr).toMatch(/bad\.zip: not a readable zip archive/);
    expect(report?.summary.messages).toBe(1);
  });

  it('zip entry names are labels only: a path-traversal name writes nothing and reads as what it holds', async () => {
    const dir = tempDir({
      'x.zip': makeZip([
        { name: '../../escape.jsonl', data: `${message('z1', 0, 'customer', 'hi')}\n` },
        { name: '/abs/olute.jsonl', data: `${message('z2', 0, 'customer', 'hi')}\n` },
        { name: 'evil\u001b[31m.jsonl', data: `${message('z3', 0, 'customer', 'hi')}\n` },
      ]),
    });
    const { report, stderr } = await check([join(dir, 'x.zip')]);
    expect(report?.summary.inputs.map((i) => i.path.replace(`${dir}/`, ''))).toEqual(['x.zip:../../escape.jsonl', 'x.zip:/abs/olute.jsonl', 'x.zip:evil\u001b[31m.jsonl']);
    expect(existsSync(join(dir, '../../escape.jsonl'))).toBe(false);
    expect(stderr).not.toContain('\u001b');
  });

  it('an entry larger than its archive says (a zip bomb) is refused; the other entries are read', async () => {
    const dir = tempDir({
      'bomb.zip': makeZip([
        { name: 'big.jsonl', data: `${message('b1', 0, 'customer', 'x'.repeat(100_000))}\n`, declaredSize: 100 },
        { name: 'ok.jsonl', data: `${message('b2', 0, 'customer', 'hi')}\n` },
      ]),
    });
    const { report, stderr } = await check([join(dir, 'bomb.zip')]);
    expect(stderr).toMatch(/bomb\.zip:big\.jsonl: zip entry big\.jsonl: too many bytes/);
    expect(report?.summary.messages).toBe(1);
  });

  it('a gzip bomb meets the usual limits: an endless line is skipped as it streams, a document read whole is capped', async () => {
    const dir = tempDir({ 'bomb.jsonl.gz': gzipSync(Buffer.concat([Buffer.alloc(4 * 1024 * 1024, 0x61), Buffer.from(`\n${message('g1', 0, 'customer', 'hi')}\n`)])) });
    const { report } = await check([join(dir, 'bomb.jsonl.gz'), '--max-line-bytes', '65536']);
    expect(report?.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/^line is 4194304 bytes, over the limit of 65536/)]);
    expect(report?.summary.messages).toBe(1);
    const input = await openInput('doc.json', Readable.from([Buffer.alloc(3000), Buffer.alloc(3000)]));
    await expect(readAll(input, 4096)).rejects.toThrow(/over .* MiB \(decompressed\), the limit for a document read whole/);
  });

  it('stdin and explicit names: --input-format applies to every entry of an archive', async () => {
    const dir = tempDir({ 'x.zip': makeZip([{ name: 'chat.log', data: '[02/03/2026, 1:00:00 pm] Mara: Hello?\n' }]) });
    const { report } = await check([join(dir, 'x.zip'), '--input-format', 'whatsapp']);
    expect(report?.summary.inputs.map((i) => [i.path.replace(`${dir}/`, ''), i.format])).toEqual([['x.zip:chat.log', 'whatsapp']]);
  });
});

describe('compressed standard input', () => {
  it('gzip and zstd on stdin are told by their first bytes; broken data is one clear line', async () => {
    const lines = `${message('s1', 0, 'customer', 'hi')}\n${message('s1', 30, 'agent', 'Hello, this is agent A1')}\n`;
    const gz = await chatlint(['check', '-', '--preset', 'en', '--format', 'json'], { input: gzipSync(lines) });
    expect((JSON.parse(gz.stdout) as Report).summary.inputs).toEqual([{ path: '<stdin>', format: 'jsonl', encoding: 'utf8', records: 2, skipped: 0 }]);
    const zst = await chatlint(['check', '-', '--preset', 'en', '--format', 'json'], { input: readFileSync(join(ROOT, 'fixtures/compressed/export.csv.zst')) });
    expect((JSON.parse(zst.stdout) as Report).summary.messages).toBe(2);
    const broken = await chatlint(['check', '-', '--preset', 'en'], { input: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x61, 0x62]) });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('chatlint: <stdin>: not valid gzip data: unexpected end of file\n');
  });
});
