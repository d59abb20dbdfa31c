import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhraseAutomaton } from '../../src/text/phrase-automaton.js';
import { foldWidth, literalSource } from '../../src/text/fold.js';
import { PhraseMatcher } from '../../src/rules/matcher.js';

/** What the alternation RegExp PhraseMatcher used before the automaton finds (the reference). */
function alternation(phrases: string[], text: string, ignoreCase: boolean) {
  const literals = [...new Set(phrases)].sort((a, b) => b.length - a.length);
  const expression = new RegExp(literals.map(literalSource).join('|'), ignoreCase ? 'giu' : 'gu');
  const folded = foldWidth(text);
  const hits: Array<{ start: number; length: number }> = [];
  const reach: number[] = [];
  for (let m = expression.exec(folded); m !== null; m = expression.exec(folded)) hits.push({ start: m.index, length: m[0].length });
  expression.lastIndex = 0;
  for (let m = expression.exec(folded); m !== null; m = expression.exec(folded)) {
    reach.push(m.index, m.index + m[0].length);
    expression.lastIndex = m.index + 1;
  }
  return { hits, reach };
}

// A small alphabet so phrases overlap often: word characters (bounded), CJK, width forms, Kelvin sign, long s.
const unit = fc.constantFrom('a', 'A', 'b', 's', 'k', '1', ' ', '你', '好', '们', '！', '!', 'Ａ', '\u212a', '\u017f', '-');
const phrase = fc.array(unit, { minLength: 1, maxLength: 4 }).map((u) => u.join(''));
const text = fc.array(unit, { maxLength: 40 }).map((u) => u.join(''));

describe('phrase automaton', () => {
  it('finds exactly what the longest-first alternation finds, with and without ignoreCase', () => {
    fc.assert(
      fc.property(fc.array(phrase, { minLength: 1, maxLength: 12 }), text, fc.boolean(), (phrases, sample, ignoreCase) => {
        const expected = alternation(phrases, sample, ignoreCase);
        const matcher = new PhraseMatcher(phrases, [], ignoreCase);
        const found = matcher.findAll(sample).map((m) => ({ start: m.offset, length: m.text.length }));
        expect(found).toEqual(expected.hits);
        expect(matcher.test(sample)).toBe(expected.hits.length > 0);
        const covered = matcher.coverage(sample);
        for (let i = 0; i + 1 < expected.reach.length; i += 2) expect(covered(expected.reach[i] as number, expected.reach[i + 1] as number)).toBe(true);
      }),
      { numRuns: 500, seed: 9 },
    );
  });

  it('finds the same when no phrase is a single unit (the scan starts at the first pair that may start one)', () => {
    const long = fc.array(unit, { minLength: 2, maxLength: 5 }).map((u) => u.join(''));
    fc.assert(
      fc.property(fc.array(long, { minLength: 1, maxLength: 30 }), fc.array(text, { minLength: 1, maxLength: 6 }), fc.boolean(), (phrases, samples, ignoreCase) => {
        const automaton = new PhraseAutomaton([...new Set(phrases.map(foldWidth))].sort((a, b) => b.length - a.length), ignoreCase);
        for (const sample of samples) {
          // Phrases planted in the text too, so most samples hold some.
          for (const written of [sample, `${sample}${phrases[0] ?? ''}${sample.slice(0, 3)}`, `${phrases[phrases.length - 1] ?? ''}${sample}`]) {
            const expected = alternation(phrases, written, ignoreCase);
            expect(automaton.findAll(written), `${JSON.stringify(phrases)} on ${JSON.stringify(written)}`).toEqual(expected.hits);
            expect(automaton.test(written)).toBe(expected.hits.length > 0);
            const reach: number[] = [];
            automaton.forEach(written, (start, length) => reach.push(start, start + length));
            expect(reach.length).toBeGreaterThanOrEqual(expected.hits.length * 2);
          }
        }
      }),
      { numRuns: 400, seed: 41 },
    );
  });

  it('bounds only phrase edges that are letters or digits', () => {
    const matcher = new PhraseMatcher(['hell', '102', '你好'], [], true);
    expect(matcher.findAll('Hello 1024 你好吗 HELL!').map((m) => m.text)).toEqual(['你好', 'HELL']);
  });

  it('leaves case-insensitive phrases with non-ASCII letters to RegExp', () => {
    expect(PhraseAutomaton.canCompile(['Straße'], true)).toBe(false);
    expect(PhraseAutomaton.canCompile(['Straße'], false)).toBe(true);
    expect(new PhraseMatcher(['ÄRGER'], [], true).findAll('so ein ärger').map((m) => m.text)).toEqual(['ärger']);
  });
});
