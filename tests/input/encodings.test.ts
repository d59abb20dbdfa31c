import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonCharacterShares, detectEncoding } from '../../src/input/detect-encoding.js';
import { chatlint } from '../helpers/cli.js';
import { fixture, readBytes, readFixture, row } from '../helpers/reading.js';

const GB18030_NOTE = expect.stringMatching(/^not UTF-8; read as GB18030[ :(]/);
const NEITHER_NOTE = 'not valid UTF-8, GB18030 or Big5; read as UTF-8, and records that do not decode are skipped (use --encoding to choose)';
const toGbk = (text: string) => execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: text });

/** Encodes text in a double-byte encoding by decoding every two-byte sequence once (Node has no such encoder). */
function encodeWith(label: string, text: string): Buffer {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder(label, { fatal: true });
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      try {
        const char = decoder.decode(Uint8Array.of(lead, trail));
        if (!table.has(char)) table.set(char, [lead, trail]);
      } catch {
        // not a character in this encoding
      }
    }
  }
  return Buffer.from([...text].flatMap((c) => ((c.codePointAt(0) ?? 0) < 0x80 ? [c.codePointAt(0) ?? 0] : (table.get(c) ?? []))));
}

describe('detectEncoding', () => {
  it('goes by the byte-order mark first', () => {
    expect(detectEncoding(Buffer.from('\uFEFFabc'), true)).toEqual({ encoding: 'utf8', bom: 'utf8' });
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x61, 0x00]), true)).toEqual({ encoding: 'utf16le', bom: 'utf16le', note: 'read as UTF-16LE (byte-order mark)' });
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0x00, 0x61]), true)).toEqual({ encoding: 'utf16be', bom: 'utf16be', note: 'read as UTF-16BE (byte-order mark)' });
  });

  it('takes valid UTF-8 (and ASCII, and nothing at all) as UTF-8 without a note', () => {
    expect(detectEncoding(Buffer.from('conversation_id,timestamp\n'), true)).toEqual({ encoding: 'utf8', bom: null });
    expect(detectEncoding(Buffer.from('您好，云客服1024为您服务'), true)).toEqual({ encoding: 'utf8', bom: null });
    expect(detectEncoding(Buffer.alloc(0), true)).toEqual({ encoding: 'utf8', bom: null });
  });

  it('does not hold a character cut at the end of a 64 KiB head against UTF-8', () => {
    const cut = Buffer.from('您好您好').subarray(0, 8); // ends inside the third character
    expect(detectEncoding(cut, false)).toEqual({ encoding: 'utf8', bom: null });
  });

  it('takes invalid UTF-8 that decodes as GB18030 as GB18030, and says so', () => {
    expect(detectEncoding(toGbk('会话ID,时间,内容\nc1,2026-11-27 10:00:00,您好\n'), true)).toEqual({ encoding: 'gb18030', bom: null, note: GB18030_NOTE });
  });

  it('keeps UTF-8 for bytes that are neither, and says so', () => {
    expect(detectEncoding(Buffer.from('Caf\xe9 \xbb ok', 'latin1'), true)).toEqual({ encoding: 'utf8', bom: null, note: NEITHER_NOTE });
    expect(detectEncoding(Buffer.from([0x61, 0xff, 0x62]), true)).toEqual({ encoding: 'utf8', bom: null, note: NEITHER_NOTE });
  });

  it('tells Big5 from GB18030 by how many decoded characters are common ones in each, and says what it assumed', () => {
    const traditional = '您好，這裡是客服2051，很高興為您服務。請提供您的訂單編號，我幫您查詢。';
    const big5 = encodeWith('big5', traditional);
    const guess = detectEncoding(big5, true);
    expect(guess).toMatchObject({ encoding: 'big5', note: expect.stringMatching(/^not UTF-8; read as Big5 \(Traditional Chinese\): \d+% of its Chinese characters are common ones as Big5, \d+% as GB18030/) });
    const shares = commonCharacterShares(big5);
    expect(shares.big5).toBeGreaterThan(shares.gb18030 + 0.3);
    // the same Traditional text written in GB18030 (which holds Traditional characters too) stays GB18030
    expect(detectEncoding(encodeWith('gb18030', traditional), true).encoding).toBe('gb18030');
    // Simplified text in GBK, whether or not its bytes also pass as Big5, is GB18030
    for (const text of ['您好，云客服为您服务，请问有什么可以帮您', '您的包裹已到达上海转运中心，预计明天送达', '好的，请稍等，我帮您查询。']) {
      expect(detectEncoding(encodeWith('gb18030', text), true).encoding).toBe('gb18030');
    }
    // Node's Big5 decoder takes 0xFF and 0x80 alone; no Big5 file holds them
    expect(detectEncoding(Buffer.from([0x61, 0xff, 0x62]), true).encoding).toBe('utf8');
  });

  it('reads a Big5 CSV with --encoding auto and with --encoding big5 alike', async () => {
    const auto = await readFixture('encodings/big5.csv');
    const told = await readFixture('encodings/big5.csv', { encoding: 'big5' });
    expect(auto.messages.map((m) => m.text)).toEqual(told.messages.map((m) => m.text));
    expect(auto.messages[1]?.text).toBe('您好，這裡是客服2051，很高興為您服務。請提供您的訂單編號，我幫您查詢。');
    expect(auto.notes).toEqual([expect.stringMatching(/read as Big5/)]);
  });

  it('takes UTF-16 without a mark by where its NUL bytes fall, also when most characters are Chinese', async () => {
    const le = await readFixture('encodings/utf16le-nobom.jsonl');
    expect(le.messages.map((m) => m.text)).toContain('您好，云客服1024为您服务，请稍等，我帮您查询。');
    expect(le.notes).toEqual(['no byte-order mark, but the NUL bytes fall as in UTF-16LE text; read as UTF-16LE (use --encoding to choose)']);
    // one ASCII character in ten is enough
    expect(detectEncoding(Buffer.from('1您好您好您好您好您好您好您好您好您好\n', 'utf16le'), true).encoding).toBe('utf16le');
    // a binary file with NULs at both parities is not UTF-16
    expect(detectEncoding(Buffer.from([0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0]), true).encoding).not.toMatch(/utf16/);
  });

  it('takes text with every other byte NUL as UTF-16 without a mark, and says so', () => {
    expect(detectEncoding(Buffer.from('conversation_id,text\n', 'utf16le'), true).encoding).toBe('utf16le');
    expect(detectEncoding(Buffer.from('conversation_id,text\n', 'utf16le').swap16(), true)).toMatchObject({ encoding: 'utf16be', note: expect.stringMatching(/^no byte-order mark/) });
  });

  it('never guesses anything but plain UTF-8 for valid UTF-8 text (property)', () => {
    // Text exports hold no NUL characters; with them, UTF-8 could pass for UTF-16 (see the case above).
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const bytes = Buffer.from(text.replace(/\u0000/g, ''), 'utf8');
        expect(detectEncoding(bytes, true)).toEqual({ encoding: 'utf8', bom: null });
      }),
      { numRuns: 500 },
    );
  });
});

describe('reading with --encoding auto', () => {
  it('reads UTF-16LE CSV with a BOM, split at odd byte offsets', async () => {
    const { messages, skips, notes, formats } = await readFixture('encodings/utf16le-bom.csv');
    expect(notes).toEqual(['read as UTF-16LE (byte-order mark)']);
    expect(formats).toEqual(['csv']);
    expect(skips).toEqual([]);
    expect(messages.map(row)).toEqual([
      ['E-1', '2026-11-27T02:00:00Z', 'customer', null, '你好，在吗？'],
      ['E-1', '2026-11-27T02:00:30Z', 'agent', '1024', '您好，云客服1024为您服务'],
      ['E-1', '2026-11-27T02:02:00Z', 'customer', null, '好的，谢谢'],
    ]);
    expect(messages.map((m) => m.source.line)).toEqual([2, 3, 4]);
    const split = await readBytes('x.csv', readFileSync(fixture('encodings/utf16le-bom.csv')), {}, undefined, 3);
    expect(split.messages.map(row)).toEqual(messages.map(row));
  });

  it('reads UTF-16BE JSON Lines with a BOM line by line: an escaped newline, an emoji outside the BMP', async () => {
    const { messages, skips, notes, formats } = await readFixture('encodings/utf16be-bom.jsonl');
    expect(notes).toEqual(['read as UTF-16BE (byte-order mark)']);
    expect(formats).toEqual(['jsonl']);
    expect(skips).toEqual([]);
    expect(messages.map(row)).toEqual([
      ['E-2', '2026-11-27T02:00:00Z', 'customer', null, 'Ünïcode ✓ 在吗'],
      ['E-2', '2026-11-27T02:01:30Z', 'agent', '2048', '您好，云客服2048为您服务\n(two lines)'],
      ['E-2', '2026-11-27T02:01:40Z', 'customer', null, '😀 emoji outside the BMP'],
    ]);
    expect(messages.map((m) => m.source.line)).toEqual([1, 2, 3]);
  });

  it('reads a UTF-16LE JSON document with a BOM', async () => {
    const { messages, notes, formats } = await readFixture('encodings/utf16le-bom.json');
    expect(notes).toEqual(['read as UTF-16LE (byte-order mark)']);
    expect(formats).toEqual(['json']);
    expect(messages.map(row)).toEqual([
      ['E-3', '2026-11-27T02:00:00Z', 'customer', null, '在吗'],
      ['E-3', '2026-11-27T02:00:20Z', 'agent', '1031', '在的'],
    ]);
  });

  it('detects GB18030 (a character GBK lacks included) and GBK exports, with the note', async () => {
    const gb = await readFixture('encodings/gb18030.jsonl');
    expect(gb.notes).toEqual([GB18030_NOTE]);
    expect(gb.messages.map(row)).toEqual([
      ['E-4', '2026-11-27T02:00:00Z', 'customer', null, '你好，㐀字在GBK里没有'],
      ['E-4', '2026-11-27T02:00:45Z', 'agent', '3007', '您好，云客服3007为您服务'],
    ]);
    // broken/gbk-export.csv is generated (scripts/make-fixtures.mjs): compared with reading it as GBK when told.
    const gbk = await readFixture('broken/gbk-export.csv');
    expect(gbk.notes).toEqual([GB18030_NOTE]);
    expect(gbk.skips).toEqual([]);
    expect(gbk.messages.length).toBeGreaterThan(0);
    expect(gbk.messages).toEqual((await readFixture('broken/gbk-export.csv', { encoding: 'gbk' })).messages);
    expect(gbk.messages.some((m) => /[\u4e00-\u9fff]/.test(m.text))).toBe(true);
  });

  it('reads plain UTF-8 with a BOM without a note', async () => {
    const { messages, notes } = await readFixture('encodings/utf8-bom.csv');
    expect(notes).toEqual([]);
    expect(messages).toHaveLength(3);
  });

  it('keeps UTF-8 for Latin-1 bytes, says so, and skips the records that do not decode', async () => {
    const { messages, skips, notes } = await readFixture('encodings/latin1.csv');
    expect(notes).toEqual([NEITHER_NOTE]);
    expect(messages).toEqual([]);
    expect(skips.map((s) => [s.line, s.reason])).toEqual([
      [2, 'not valid UTF-8 text (try --encoding)'],
      [3, 'not valid UTF-8 text (try --encoding)'],
    ]);
  });

  it('lets --encoding override the guess, without a note', async () => {
    const asUtf8 = await readFixture('broken/gbk-export.csv', { encoding: 'utf8' });
    expect(asUtf8.notes).toEqual([]);
    expect(asUtf8.messages).toEqual([]);
    const asGbk = await readFixture('broken/gbk-export.csv', { encoding: 'gbk' });
    expect(asGbk.notes).toEqual([]);
    expect(asGbk.messages.length).toBeGreaterThan(0);
    expect(asUtf8.fileErrors).toEqual([expect.stringMatching(/^header row has no column for conversationId, timestamp, role \(found: \uFFFD/)]);
    const utf16AsBe = await readFixture('encodings/utf16le-bom.csv', { encoding: 'utf16be' });
    expect(utf16AsBe.messages).toEqual([]);
    const utf16Told = await readFixture('encodings/utf16le-bom.csv', { encoding: 'utf16le' });
    expect(utf16Told.notes).toEqual([]);
    expect(utf16Told.messages).toHaveLength(3);
  });

  it('prints the note on stderr (unless --quiet), and --encoding auto is the default', async () => {
    const loud = await chatlint(['check', 'fixtures/broken/gbk-export.csv', '-f', 'json']);
    expect(loud.stderr).toMatch(/chatlint: fixtures\/broken\/gbk-export.csv: not UTF-8; read as GB18030 .*\(use --encoding to choose\)\n/);
    expect(JSON.parse(loud.stdout).summary.skippedRecords).toBe(0);
    const quiet = await chatlint(['check', 'fixtures/broken/gbk-export.csv', '-f', 'json', '--quiet']);
    expect(quiet.stderr).not.toContain('GB18030');
    const plain = await chatlint(['check', 'fixtures/encodings/utf8-bom.csv', '-f', 'json']);
    expect(plain.stderr).not.toMatch(/UTF|GB18030/);
    expect((await chatlint(['check', 'fixtures/encodings/utf8-bom.csv', '--encoding', 'latin1'])).code).toBe(2);
  });
});
