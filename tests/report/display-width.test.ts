import stringWidth from 'string-width';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusters, displayWidth } from '../../src/report/terminal-text.js';

/** displayWidth counts ASCII and common CJK itself; it must say what string-width says. */
const RANGES: Array<[number, number]> = [
  [0x20, 0x7e],
  [0xb7, 0xb7],
  [0xd7, 0xd7],
  [0x2010, 0x2027],
  [0x3001, 0x3029],
  [0x4e00, 0x9fff],
  [0xff01, 0xff60],
];

describe('displayWidth', () => {
  it('gives string-width\'s width for every character it counts itself', () => {
    for (const [from, to] of RANGES) {
      for (let c = from; c <= to; c++) expect(displayWidth(String.fromCharCode(c)), c.toString(16)).toBe(stringWidth(String.fromCharCode(c)));
    }
  });

  it('gives string-width\'s width for mixed text, counted or not', () => {
    const counted = fc.constantFrom('a', ' ', '~', '中', '文', '、', '。', '【', '（', '：', 'Ａ', '｡', '·', '×', '“', '”', '…', '—', '‘');
    const other = fc.constantFrom('é', 'e\u0301', '😀', '👍🏽', '\u200d', '\u3099', '\u0301', '\u20e3', '\ufe0f', '\t', '\u3030', '\uff61', '한', '\u2028', '\u200b', '\u00ad', '©', '‼');
    const text = fc.array(fc.oneof({ weight: 6, arbitrary: counted }, { weight: 1, arbitrary: other }), { maxLength: 20 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(displayWidth(t)).toBe(stringWidth(t));
      }),
      { numRuns: 2000, seed: 20261129 },
    );
  });

  it("clusters gives ICU's grapheme clusters, counting plain text itself", () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const parts = fc.constantFrom('a', ' ', '中', '。', '“', '·', '×', 'Ａ', '\n', '\r', '\r\n', 'e\u0301', '\u0301', '😀', '👩\u200d💻', '🇨🇳', '\u3099', 'ｶ', '한', '\ufe0f', '\t');
    const text = fc.array(parts, { maxLength: 20 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect([...clusters(t)]).toEqual([...segmenter.segment(t)].map((s) => s.segment));
      }),
      { numRuns: 2000, seed: 20261130 },
    );
  });
});
