import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regexNeeds } from '../../src/text/needles.js';

/** The needle sets alone. */
const regexNeedles = (source: string, ignoreCase: boolean) => regexNeeds(source, ignoreCase)?.sets;
import { PhraseMatcher } from '../../src/rules/matcher.js';

describe('regex needles (characters every match must hold)', () => {
  it('reads sequences, groups, alternatives, classes and quantifiers', () => {
    expect(regexNeedles('难道.{0,12}吗', false)).toEqual([['难'], ['道'], ['吗']]);
    expect(regexNeedles('谢谢|多谢|感谢', false)).toEqual([['谢', '多', '感']]);
    expect(regexNeedles('[!?]{2,}', false)).toEqual([['!', '?']]);
    expect(regexNeedles('(?:不会|没有?|不)(?:自己)?x', false)).toEqual([['x'], ['不', '没']]);
    expect(regexNeedles('a?b*c{0,3}', false)).toBeUndefined();
    expect(regexNeedles('(?<=喂)说|x', false)).toEqual([['说', 'x']]);
  });

  it('lookarounds, anchors and wide classes add nothing; an optional branch makes a group optional', () => {
    expect(regexNeedles('(?=滚)', false)).toBeUndefined();
    expect(regexNeedles('^$', false)).toBeUndefined();
    expect(regexNeedles('[^a]\\d\\w.', false)).toBeUndefined();
    expect(regexNeedles('(?:a|)', false)).toBeUndefined();
    expect(regexNeedles('[a-z]', false)).toBeUndefined();
  });

  it('under ignoreCase an ASCII letter brings its other case, and k and s the Kelvin sign and long s', () => {
    expect(regexNeedles('k', true)?.[0]?.sort()).toEqual(['K', 'k', '\u212a'].sort());
    expect(regexNeedles('S', true)?.[0]?.sort()).toEqual(['S', 's', '\u017f'].sort());
    expect(regexNeedles('é', true)).toBeUndefined();
    expect(regexNeedles('é', false)).toEqual([['é']]);
  });

  it('gives up on what it does not read fully (backreferences, \\u, \\p, astral characters, named references)', () => {
    for (const source of ['(a)\\1', '\\u0041', '\\p{L}', '\\x41', '(?<n>a)\\k<n>', '\\cA', '[\\b]']) expect(regexNeedles(source, false)).toBeUndefined();
    expect(regexNeedles('😀', false)).toBeUndefined();
  });

  it('is sound: whenever a generated pattern matches a generated text, the text holds a needle of every set', () => {
    const atom = fc.oneof(
      fc.constantFrom('a', 'b', 'K', 's', '你', '吗', '。', '\\.', '\\?', '.', '\\s', '\\d', '^', '$', '\\b'),
      fc.constantFrom('[ab]', '[^a]', '[a-c]', '[你您]', '[?？]', '(?=a)', '(?!b)', '(?<=你)', '(?<!吗)'),
    );
    const quantifier = fc.constantFrom('', '', '?', '*', '+', '{2}', '{0,2}', '{1,3}?');
    const piece = fc.tuple(atom, quantifier).map(([a, q]) => (['^', '$', '\\b'].includes(a) || a.startsWith('(?') ? a : a + q));
    const sequence = fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
    const pattern = fc.oneof(
      sequence,
      fc.tuple(sequence, sequence).map(([a, b]) => `${a}|${b}`),
      fc.tuple(sequence, sequence, sequence).map(([a, b, c]) => `${a}(?:${b}|${c})+`),
    );
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'k', 'K', '\u212a', 'S', '\u017f', '你', '您', '吗', '。', '.', '?', ' ', '1'), { maxLength: 12 }).map((c) => c.join(''));
    fc.assert(
      fc.property(pattern, text, fc.boolean(), (source, t, ignoreCase) => {
        const needles = regexNeedles(source, ignoreCase);
        if (!needles || !new RegExp(source, ignoreCase ? 'iu' : 'u').test(t)) return;
        for (const set of needles) expect(set.some((c) => t.includes(c))).toBe(true);
      }),
      { numRuns: 5000, seed: 11 },
    );
  });

  it('reads pairs held side by side from a top-level sequence only', () => {
    const pairs = (source: string, ignoreCase = false) => regexNeeds(source, ignoreCase)?.pairs.map((p) => [p.first.join(''), p.second.join('')]);
    expect(pairs('[!?]{2,}')).toEqual([['!?', '!?']]);
    expect(pairs('难道.{0,12}吗')).toEqual([['难', '道']]);
    expect(pairs('(?:请您?|麻烦您?)?稍等(?:一下)?(?!快递)')).toEqual([['稍', '等']]);
    expect(pairs('a\\b(?=x)c{1,3}d')).toEqual([['a', 'c']]);
    expect(pairs('[ab]c')).toEqual([['ab', 'c']]);
    expect(pairs('[ab]cd')).toEqual([['c', 'd']]);
    expect(pairs('ok', true)).toEqual([['oO', 'kK\u212a']]);
    // An optional element, a wide one or a group between them, an alternation at the top: no pair.
    for (const source of ['谢谢|多谢', 'a?b', 'ab?', 'a.b', 'a(?:x)b', '(?:ab)', '[^a]{2}', 'a\\sb']) expect(pairs(source) ?? []).toEqual([]);
  });

  it('is sound for pairs: whenever a generated pattern matches a generated text, the text holds each pair side by side', () => {
    const atom = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'K', 's', '你', '。', '\\.', '[ab]', '[你您]') },
      { weight: 2, arbitrary: fc.constantFrom('.', '\\s', '^', '$', '\\b', '[^a]', '(?:a|b)', '(?=a)', '(?!b)', '(?<=你)', '(?<!吗)') },
    );
    const quantifier = fc.constantFrom('', '', '', '?', '*', '+', '{2}', '{0,2}', '{1,3}?', '{2,}');
    const piece = fc.tuple(atom, quantifier).map(([a, q]) => (['^', '$', '\\b'].includes(a) || a.startsWith('(?=') || a.startsWith('(?!') || a.startsWith('(?<') ? a : a + q));
    const sequence = fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
    const pattern = fc.oneof(
      sequence,
      fc.tuple(sequence, sequence).map(([a, b]) => `${a}|${b}`),
      fc.tuple(sequence, sequence).map(([a, b]) => `${a}(?:${b})+`),
      fc.tuple(sequence, sequence, sequence).map(([a, b, c]) => `${a}(?:${b}|${c})`),
      fc.tuple(sequence, sequence).map(([a, b]) => `(?:${a})?${b}`),
      fc.tuple(sequence, sequence).map(([a, b]) => `(?!${a})${b}`),
    );
    const unit = fc.constantFrom('a', 'a', 'b', 'b', 'k', 'K', '\u212a', 'S', 's', '\u017f', '你', '您', '吗', '。', '.', ' ');
    const text = fc.array(unit, { maxLength: 12 }).map((c) => c.join(''));
    let checked = 0;
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 8, maxLength: 16 }), fc.boolean(), (source, texts, ignoreCase) => {
        const needs = regexNeeds(source, ignoreCase);
        if (!needs || needs.pairs.length === 0) return;
        for (const m of texts.flatMap((t) => [...t.matchAll(new RegExp(source, ignoreCase ? 'giu' : 'gu'))])) {
          if (m[0].length === 0) continue;
          checked++;
          for (const { first, second } of needs.pairs) {
            let held = false;
            for (let i = 0; i + 1 < m[0].length; i++) if (first.includes(m[0].charAt(i)) && second.includes(m[0].charAt(i + 1))) held = true;
            expect(held, `${source} on ${JSON.stringify(m[0])}`).toBe(true);
          }
        }
      }),
      { numRuns: 6000, seed: 19 },
    );
    expect(checked).toBeGreaterThan(150);
  });

  it('a matcher finds the same with and without needles, whatever the text', () => {
    const patterns = ['[!?]{2,}', '。{2,}', '(?:^|[^一-龥])滚(?:吧|开)?(?=$|[^一-龥筒])', 'thanks?', '难道.{0,3}吗'];
    const text = fc.array(fc.constantFrom('!', '?', '！', '？', '。', '滚', '筒', '难', '道', '吗', 'T', 'h', 'a', 'n', 'k', 's', '\u212a', ' '), { maxLength: 14 }).map((c) => c.join(''));
    fc.assert(
      fc.property(text, fc.boolean(), (t, ignoreCase) => {
        const matcher = new PhraseMatcher(['滚'], patterns, ignoreCase);
        const expected = patterns.flatMap((p) => [...t.replace(/[！？]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).matchAll(new RegExp(p, ignoreCase ? 'giu' : 'gu'))].map((m) => m.index));
        const got = matcher.findAll(t).map((h) => h.offset);
        for (const at of expected) expect(got).toContain(at);
        expect(matcher.test(t)).toBe(got.length > 0);
      }),
      { numRuns: 3000, seed: 12 },
    );
  });
});
