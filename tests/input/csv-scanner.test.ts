import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvScanner, type CsvItem } from '../../src/input/csv-scanner.js';
import { SharedTexts } from '../../src/input/shared-text.js';
import { readDelimited } from '../../src/input/csv.js';
import type { ReadEvent } from '../../src/model/message.js';

/**
 * The scanner must give what csv-parse gave the CSV reader: the same records with the same end offsets,
 * and the same problems at the same offsets with the same reasons, in the same order, however the input
 * is cut into chunks. csv-parse (still used for waiver sheets and product CSVs) is the reference.
 */
type Seen = { fields: string[]; end: number } | { bytes: number; reason: string; unclosedQuote: boolean };

function reference(bytes: Buffer, delimiter: string): Seen[] {
  const seen: Seen[] = [];
  let lastLine = -1;
  parse(bytes, {
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: false,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      // As the reader did: one problem per line, its message cut to the title.
      const { lines, bytes: at, code } = error as unknown as { lines: number; bytes: number; code: string };
      if (lines === lastLine) return;
      lastLine = lines;
      seen.push({ bytes: at, reason: error.message.replace(/ at line \d+.*$/, '').replace(/:.*$/, ''), unclosedQuote: code === 'CSV_QUOTE_NOT_CLOSED' });
    },
    on_record: (record: string[], context) => {
      seen.push({ fields: record, end: context.bytes });
      return record;
    },
  });
  return seen;
}

function scanned(bytes: Buffer, delimiter: string, cuts: number[], sharedColumns: boolean[] = []): CsvItem[] {
  const scanner = new CsvScanner(delimiter.charCodeAt(0));
  scanner.sharedColumns = sharedColumns;
  const out: CsvItem[] = [];
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    scanner.push(bytes.subarray(from, cut), out);
    from = cut;
  }
  scanner.push(bytes.subarray(from), out);
  scanner.end(out);
  return out;
}

const PIECES = ['a', 'b c', '中文', '😀', ',', '\t', '"', '""', '\n', '\r', '\r\n', ' ', '\0', '\uFFFD'];
const INVALID = [Buffer.from([0xff]), Buffer.from([0xe4, 0xb8]), Buffer.from([0x80])];
const piece = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...PIECES).map((text) => Buffer.from(text, 'utf8')) },
  { weight: 1, arbitrary: fc.constantFrom(...INVALID) },
);
const input = fc.tuple(fc.boolean(), fc.array(piece, { maxLength: 60 })).map(([bom, pieces]) => Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), ...pieces]));

describe('CsvScanner', () => {
  it('gives the records, offsets and problems csv-parse gives, however the input is cut', () => {
    fc.assert(
      // Short values of some columns shared by their bytes (see SharedTexts), or none.
      fc.property(input, fc.constantFrom(',', '\t'), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.boolean(), { maxLength: 8 }), (bytes, delimiter, cuts, shared) => {
        expect(scanned(bytes, delimiter, cuts, shared)).toEqual(reference(bytes, delimiter));
      }),
      { numRuns: 3000, seed: 20261129 },
    );
  });

  it('reads the shapes of real exports alike', () => {
    const cases = [
      'id,text\r\n1,"a, b"\r\n2,"say ""hi"""\r\n\r\n3,"two\r\nlines"\r\n',
      'id,text\n1,plain\n2,"quoted\nnewline"\n3,last without newline',
      '\uFEFFid,text\n1,x\n',
      'id,text\n1,a"b\n2,"c"d\n3,ok\n',
      'id,text\n1,"never closed\n2,x\n',
      'id,text\r1,mac\r2,lines\r',
      'id,text\n1,bare\rcr\n',
      'id\ttext\n1\t"tab, sep"\n',
    ];
    for (const text of cases) {
      const delimiter = text.includes('\t') ? '\t' : ',';
      const bytes = Buffer.from(text, 'utf8');
      expect(scanned(bytes, delimiter, [1, 7, 13, 20]), text).toEqual(reference(bytes, delimiter));
    }
  });

  it('the reader tells bytes that are not UTF-8 from a U+FFFD the file holds, wherever chunks are cut', async () => {
    const rows = ['conversation_id,timestamp,role,text', 'c1,2026-11-27T10:00:00Z,customer,好的\uFFFD谢谢', 'c1,2026-11-27T10:00:05Z,agent,您好'];
    const text = `${rows.join('\n')}\n`;
    const [before, after] = text.split('您好') as [string, string];
    // The agent's reply with a lone continuation byte inside, after two valid records.
    const broken = Buffer.concat([Buffer.from(`${before}您`), Buffer.from([0x80]), Buffer.from(`好${after}`)]);
    const read = async (bytes: Buffer, size: number): Promise<string[]> => {
      const input = {
        label: 'x.csv',
        head: bytes,
        async *chunks() {
          for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
        },
      };
      const events: ReadEvent[] = [];
      for await (const batch of readDelimited(input, { timezone: 'UTC', encoding: 'utf8', maxLineBytes: 1 << 20, agents: [] }, ',')) events.push(...batch);
      return events.map((e) => (e.type === 'message' ? `message ${e.message.text}` : e.type === 'skip' ? `skip line ${e.skip.line}: ${e.skip.reason}` : e.type));
    };
    for (const size of [1, 2, 3, 5, 64, 1 << 16]) {
      expect(await read(Buffer.from(text), size), `valid, chunks of ${size}`).toEqual(['message 好的\uFFFD谢谢', 'message 您好']);
      expect(await read(broken, size), `broken, chunks of ${size}`).toEqual(['message 好的\uFFFD谢谢', 'skip line 3: not valid UTF-8 text (try --encoding)']);
    }
  });
});

describe('SharedTexts', () => {
  it('gives back a string only for the very bytes it was remembered for (hash slots collide)', () => {
    const shared = new SharedTexts();
    let hits = 0;
    for (let i = 0; i < 6000; i++) {
      // Same lengths, many values: far more than the table's slots.
      const value = `a${(i * 7919) % 3001}`.padEnd(6, 'z');
      const bytes = Buffer.from(`,${value},`);
      const found = shared.find(bytes, 1, bytes.length - 1);
      if (found === undefined) shared.remember(bytes, 1, bytes.length - 1, value);
      else {
        expect(found).toBe(value);
        hits++;
      }
    }
    expect(hits).toBeGreaterThan(0);
  });
});
