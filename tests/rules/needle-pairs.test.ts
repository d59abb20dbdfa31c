import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentConversation, expectEveryPath, reference } from '../helpers/matching.js';

// Needle pairs (two characters side by side every match holds) rule a message out before any RegExp runs.
// Needle numbers are shared by the module, and test files share their fork's modules: another file's tests
// number so many needles that every later one shares the last number, where a pair rules nothing out and a
// mistake in pairs would show nowhere. So this file takes a copy of the matcher module of its own.
type Matching = typeof import('../../src/rules/matcher.js');
const { foldedTexts, PhraseMatcher, needlesOf } = (await import(`../../src/rules/matcher.js?pairs`)) as Matching;

describe('needle pairs', () => {
  it('are numbered in a module of their own (nothing numbered before this file)', () => {
    expect(needlesOf('稍等！？。').every((word) => word === 0)).toBe(true);
  });

  // Full-width forms, case, the Kelvin sign and long s, and characters that are nobody's needle between pairs.
  const unit = fc.constantFrom('!', '！', '?', '？', '。', '稍', '等', '难', '道', '吗', 'a', 'A', 'ａ', 'b', 'k', '\u212a', 's', '\u017f', '1', ',', '，', '额', '喂', '说', '好', ' ');
  const text = fc.array(unit, { maxLength: 18 }).map((u) => u.join(''));
  const pattern = fc.constantFrom('[!?！？]{2,}', '。{2,}', '稍等', '难道.{0,3}吗', 'ab', 'A1', 'sk', '[额啊]{1,3}(?=[,，])', '喂[\\s,，]*说', '好(?=等)稍?等');

  it('finds in a conversation exactly what each expression finds on the folded text', () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.array(text, { minLength: 1, maxLength: 6 }), (patterns, ignoreCase, texts) => {
        const matcher = new PhraseMatcher([], patterns, ignoreCase);
        const folded = foldedTexts(agentConversation(texts));
        texts.forEach((t, i) => expectEveryPath(matcher, folded, i, t, reference([], patterns, ignoreCase, t), `${patterns.join(' ')} on ${JSON.stringify(t)}`));
      }),
      { numRuns: 600, seed: 37 },
    );
  });

  it('finds a pair at a message start and end, across needles and after a pair class was added later', () => {
    const early = new PhraseMatcher([], ['稍等'], false);
    const conversation = agentConversation(['稍等', '好稍等', '稍好等', '稍等好', '等稍']);
    expect([0, 1, 2, 3, 4].map((i) => early.testIn(foldedTexts(conversation), i))).toEqual([true, true, false, true, false]);
    // A pair class numbered after the conversation was first searched: its needles are found again.
    const later = new PhraseMatcher([], ['好稍'], false);
    expect([0, 1, 2, 3, 4].map((i) => later.testIn(foldedTexts(conversation), i))).toEqual([false, true, false, false, false]);
  });

  it('still finds everything past the last pair class it can number', () => {
    const many: PhraseMatcher[] = [];
    for (let i = 0; i < 40; i++) many.push(new PhraseMatcher([], [`${String.fromCharCode(0x5000 + i)}${String.fromCharCode(0x5100 + i)}`], false));
    for (let i = 0; i < 40; i++) {
      const pair = `${String.fromCharCode(0x5000 + i)}${String.fromCharCode(0x5100 + i)}`;
      const conversation = agentConversation([`前${pair}后`, `${pair.charAt(0)}前${pair.charAt(1)}`]);
      expect(many[i]?.findAllIn(foldedTexts(conversation), 0).map((m) => m.offset)).toEqual([1]);
      expect(many[i]?.testIn(foldedTexts(conversation), 1)).toBe(false);
    }
  });
});
