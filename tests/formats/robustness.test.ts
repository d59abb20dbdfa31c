import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRODUCT_FORMATS } from '../../src/input/formats/index.js';
import { htmlToText } from '../../src/input/formats/shared.js';
import { FORMAT_FIXTURES, formatFixtureFiles, isAuxiliary } from '../helpers/reading.js';

const ctx = { file: join(FORMAT_FIXTURES, 'none', 'x.json'), timezone: 'Asia/Shanghai', agents: ['a', 'Brightline Support'] };

function drain(iterable: Iterable<unknown>): number {
  let count = 0;
  for (const _ of iterable) count += 1;
  return count;
}

describe('readers never throw on bad content', () => {
  for (const format of PRODUCT_FORMATS) {
    it(`${format.name}: arbitrary text and JSON`, () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.jsonValue({ maxDepth: 4 }), (text, json) => {
          expect(() => format.sniff({ fileName: 'x', head: text })).not.toThrow();
          expect(() => format.sniff({ fileName: 'x', head: text, json })).not.toThrow();
          expect(() => drain(format.read(text, undefined, ctx))).not.toThrow();
          expect(() => drain(format.read(JSON.stringify(json) ?? '', json, ctx))).not.toThrow();
        }),
        { numRuns: 150 },
      );
    });
  }

  it('every reader: fixtures cut at any point, as text', () => {
    const fixtures = formatFixtureFiles().filter((f) => !isAuxiliary(f));
    for (const path of fixtures) {
      const text = readFileSync(join(FORMAT_FIXTURES, path), 'utf8');
      const format = PRODUCT_FORMATS.find((f) => f.name === path.split('/')[0]);
      if (!format) throw new Error(path);
      fc.assert(
        fc.property(fc.nat({ max: text.length }), (cut) => {
          const events = [...format.read(text.slice(0, cut), undefined, { ...ctx, file: join(FORMAT_FIXTURES, path) })];
          // records are numbered 1..n in the order they are yielded
          const numbers = events.map((e) => (e.type === 'message' ? e.message.source.record : e.skip.record));
          expect(numbers).toEqual(numbers.map((_, i) => i + 1));
        }),
        { numRuns: 60 },
      );
    }
  });
});

describe('htmlToText', () => {
  it('never leaves a tag-shaped run or an encoded ampersand behind for simple markup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('<p>', '</p>', '<br>', '<br/>', '<b>', '</b>', 'word', ' ', '&amp;', '&lt;x&gt;', '\n'), { maxLength: 30 }), (parts) => {
        const text = htmlToText(parts.join(''));
        expect(text).not.toMatch(/<\/?(?:p|br|b)\s*\/?>/);
        expect(text).not.toMatch(/&amp;/);
        expect(text).toBe(text.trim());
      }),
      { numRuns: 300 },
    );
  });
});
