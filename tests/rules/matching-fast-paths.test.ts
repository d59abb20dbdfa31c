import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldedTexts, needlesOf, PhraseMatcher } from '../../src/rules/matcher.js';
import type { Conversation } from '../../src/model/message.js';
import { copyKey, hashOf, isCaselessNonSpace, isNormal, normaliseMessage } from '../../src/rules/kinds/repeated-message.js';
import { conversation, msg, runRule } from '../helpers/rules.js';
import { agentConversation, expectEveryPath, reference } from '../helpers/matching.js';
import { foldPatternSource, foldWidth, literalSource } from '../../src/text/fold.js';
import { requiredRun } from '../../src/text/needles.js';
import { loadRuleset } from '../../src/config/load.js';

// The fast paths of matching, each held against the plain code they stand in for.

describe('repeated-message normalising', () => {
  const plain = (folded: string) => folded.trim().replace(/\s+/g, ' ').toLowerCase();

  it('treats as normal only units without case that are not whitespace (every UTF-16 unit tried)', () => {
    for (let c = 0x80; c < 0x10000; c++) {
      if (!isCaselessNonSpace(c)) continue;
      const ch = String.fromCharCode(c);
      expect(ch.toLowerCase() === ch && !/\s/.test(ch), `U+${c.toString(16)}`).toBe(true);
    }
    // Emoji (U+1F000–U+1FBFF) taken whole.
    for (let code = 0x1f000; code <= 0x1fbff; code++) {
      const ch = String.fromCodePoint(code);
      expect(isNormal(`a${ch}b`) ? ch.toLowerCase() === ch && !/\s/u.test(ch) : true).toBe(true);
    }
  });

  it('gives what trimming, collapsing whitespace and lower-casing give', () => {
    const unit = fc.constantFrom('a', 'Z', ' ', '  ', '\t', '\n', '\u3000', '\u00a0', '你', '好', '，', '。', 'Ａ', 'ａ', '😀', '\ud83d', '\ude00', 'Σ', 'ß', 'İ', '\u2028', '—', '\u200b', '\x7f', '\x01');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (units) => {
        const text = units.join('');
        const folded = foldWidth(text);
        expect(normaliseMessage(text)).toBe(plain(folded));
        if (isNormal(folded)) expect(plain(folded)).toBe(folded);
      }),
      { numRuns: 2000, seed: 3 },
    );
    for (const text of ['好的 谢谢', ' 好的', '好的 ', '好  的', 'OK 好的', '亲，您好😀', '\ud83d好']) expect(normaliseMessage(text)).toBe(plain(foldWidth(text)));
  });

  it('keys a text as written by the hash of its normalised form when that is its folded form lower-cased (ASCII), and only then', () => {
    const unit = fc.constantFrom('a', 'Z', 'Ｚ', 'ｚ', ' ', '\u3000', '\t', '你', '好', '，', ',', '。', '😀', '\ud83d', '\ude00', 'Σ', '—', '\x7f');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (units) => {
        const text = units.join('');
        const folded = foldWidth(text);
        expect(copyKey(text)).toBe(isNormal(folded.replace(/[A-Z]/g, (c) => c.toLowerCase())) ? hashOf(plain(folded)) : -1);
        if (isNormal(folded)) expect(copyKey(text)).toBe(hashOf(folded));
      }),
      { numRuns: 2000, seed: 5 },
    );
  });

  it('finds the copies that comparing normalised texts finds (width, case, spacing, hash keys)', () => {
    const RULE = 'id: no-copy-paste\nkind: repeated-message\nminLength: 2\nmax: 2';
    const text = fc.constantFrom('好的，谢谢', '好的,谢谢', '好的， 谢谢', ' 好的，谢谢', '好的，  谢谢', 'ＯＫ', 'ok', 'OK', 'o k', '好', '😀😀', '好的\u3000谢谢', '好的 谢谢', 'SO12好的', 'so12好的', 'ＳＯ12好的', 'Σo12好的');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('customer', '7', '8'), text), { maxLength: 10 }), (specs) => {
        const conv = conversation(...specs.map(([who, t], i) => msg(i, who, t)));
        // The reference: every agent's normalised texts counted in a Map keyed by the text.
        const expected: Array<[number, number]> = [];
        const perAgent = new Map<string, { previous: string | null; counts: Map<string, number> }>();
        conv.messages.forEach((m, i) => {
          if (m.role !== 'agent') return;
          const key = normaliseMessage(m.text);
          if ([...key].length < 2) return;
          let state = perAgent.get(m.agentId ?? '');
          if (!state) perAgent.set(m.agentId ?? '', (state = { previous: null, counts: new Map() }));
          const count = (state.counts.get(key) ?? 0) + 1;
          state.counts.set(key, count);
          if (state.previous === key || count > 2) expected.push([i, count]);
          state.previous = key;
        });
        expect(runRule(RULE, conv).map((f) => [f.messageIndex, Number(/\((\d+)×\)/.exec(f.message)?.[1])])).toEqual(expected);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('tells apart two texts whose hashes collide', () => {
    const [a, b] = ['请的询谢好好', '为单请专好好'];
    expect(hashOf(a)).toBe(hashOf(b));
    const RULE = 'id: no-copy-paste\nkind: repeated-message\nmax: 1';
    expect(runRule(RULE, conversation(msg(0, '7', a), msg(1, '7', b), msg(2, '7', b))).map((f) => f.messageIndex)).toEqual([2]);
    expect(runRule(RULE, conversation(msg(0, '7', a), msg(1, '7', b), msg(2, '7', a))).map((f) => f.messageIndex)).toEqual([2]);
  });
});

describe('phrase matcher', () => {
  it('finds what each expression finds, whatever the needles of many matchers (shared numbering past its limit)', () => {
    // More needle characters than the shared numbering holds, spread over many matchers made before the one tested.
    const crowd: PhraseMatcher[] = [];
    for (let i = 0; i < 1100; i++) crowd.push(new PhraseMatcher([], [String.fromCharCode(0x4e00 + i)], false));
    for (let i = 0; i < 1100; i += 97) expect(crowd[i]?.findAll(`前${String.fromCharCode(0x4e00 + i)}后`).map((m) => m.offset)).toEqual([1]);
    const unit = fc.constantFrom('a', 'B', '1', ' ', '你', '们', '好', '！', '!', '。', '稍', '等', String.fromCharCode(0x4e00 + 1099));
    const text = fc.array(unit, { maxLength: 24 }).map((u) => u.join(''));
    const pattern = fc.constantFrom('[!！]{2,}', '。{2,}', '你们?', '稍等', 'b1', `${String.fromCharCode(0x4e00 + 1099)}好`, '(?<![a-z])a');
    const phrase = fc.array(unit, { minLength: 1, maxLength: 3 }).map((u) => u.join(''));
    fc.assert(
      fc.property(fc.array(phrase, { maxLength: 4 }), fc.array(pattern, { maxLength: 3 }), fc.boolean(), fc.array(text, { minLength: 1, maxLength: 4 }), (phrases, patterns, ignoreCase, samples) => {
        const usable = phrases.filter((p) => p.length > 0);
        if (usable.length + patterns.length === 0) return;
        const matcher = new PhraseMatcher(usable, patterns, ignoreCase);
        for (const sample of samples) {
          const expected = reference(usable, patterns, ignoreCase, sample);
          expect(matcher.findAll(sample)).toEqual(expected);
          expect(matcher.test(sample)).toBe(expected.length > 0);
        }
      }),
      { numRuns: 400, seed: 13 },
    );
  });

  it('answers texts without a match with an empty list that cannot be changed', () => {
    const matcher = new PhraseMatcher(['我晕'], ['[!！]{2,}'], true);
    const none = matcher.findAll('您好');
    expect(none).toEqual([]);
    expect(Object.isFrozen(none)).toBe(true);
    expect(matcher.findAll('我晕！！').map((m) => m.text)).toEqual(['我晕', '！！']);
  });

  it('keeps finding phrases in a large automaton (thousands of phrases, a large transition table)', () => {
    const phrases: string[] = [];
    for (let i = 0; i < 5000; i++) phrases.push(String.fromCharCode(0x4e00 + (i % 211), 0x4e00 + ((i * 7) % 223), 0x4e00 + ((i * 13) % 227), 0x4e00 + i));
    const matcher = new PhraseMatcher(phrases, [], false);
    const alternation = new RegExp([...phrases].sort((a, b) => b.length - a.length).map(literalSource).join('|'), 'gu');
    for (let i = 0; i < 5000; i += 53) {
      const text = `前${phrases[i]}中${phrases[(i * 5) % 5000]}${phrases[(i * 11) % 5000]}后`;
      const expected = [...text.matchAll(alternation)].map((m) => ({ text: m[0], offset: m.index }));
      expect(matcher.findAll(text)).toEqual(expected);
    }
  });

  it('finds the same with the needles a conversation found once for every rule', () => {
    const unit = fc.constantFrom('a', '你', '们', '！', '。', '稍', '等', '喂', '说', '话', ' ');
    const text = fc.array(unit, { maxLength: 16 }).map((u) => u.join(''));
    const pattern = fc.constantFrom('[!！]{2,}', '。{2,}', '你们?', '稍等', '喂.{0,2}说话', '(?:^|[^a])等');
    fc.assert(
      fc.property(fc.array(fc.array(pattern, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), fc.array(text, { minLength: 1, maxLength: 5 }), (patternSets, texts) => {
        const matchers = patternSets.map((patterns) => new PhraseMatcher([], patterns, true));
        const folded = foldedTexts(agentConversation(texts));
        texts.forEach((t, i) => {
          for (const matcher of matchers) {
            expect(matcher.findAll(t, folded.at(i), folded.needlesAt(i))).toEqual(matcher.findAll(t));
            expect(matcher.test(t, folded.at(i), folded.needlesAt(i))).toBe(matcher.test(t));
            expect(matcher.findAllIn(folded, i)).toEqual(matcher.findAll(t));
            expect(matcher.testIn(folded, i)).toBe(matcher.test(t));
          }
        });
      }),
      { numRuns: 300, seed: 17 },
    );
  });

  it('finds needles numbered after a conversation was first searched (a rule compiled in between)', () => {
    const conversation: Conversation = {
      id: 'c',
      messages: [{ conversationId: 'c', timestamp: 0, role: 'agent', text: '您好，喵喵喵', source: { file: 'f', line: 1, record: 1 } }],
      meta: {},
    };
    const before = new PhraseMatcher([], ['您好'], false);
    const folded = foldedTexts(conversation);
    expect(before.test(conversation.messages[0]?.text ?? '', folded.at(0), folded.needlesAt(0))).toBe(true);
    // A character nobody used as a needle yet, numbered only now.
    const later = new PhraseMatcher([], ['喵{3}'], false);
    const again = foldedTexts(conversation);
    expect(later.findAll(conversation.messages[0]?.text ?? '', again.at(0), again.needlesAt(0)).map((m) => m.text)).toEqual(['喵喵喵']);
    expect(needlesOf('喵').some((word) => word !== 0)).toBe(true);
  });
});

describe('matching a message as written (no folded copy unless a pattern may match)', () => {
  // Full-width forms, the ideographic space, case and word edges, CJK punctuation runs.
  const unit = fc.constantFrom('a', 'A', 'ａ', 'Ａ', 'k', '\u212a', 's', '\u017f', '1', '１', ' ', '\u3000', '你', '们', '好', '！', '!', '？', '?', '。', '…', '.', '．', '稍', '等', '喂', '说');
  const text = fc.array(unit, { maxLength: 20 }).map((u) => u.join(''));

  it('finds the needles of a text as written that its folded form holds', () => {
    // Number needles for every unit of the alphabet (folded forms only, as patterns are folded first).
    new PhraseMatcher([], ['[aAk1 !?。….稍等喂说你们好]'], false);
    fc.assert(
      fc.property(text, (sample) => {
        expect([...needlesOf(sample)]).toEqual([...needlesOf(foldWidth(sample))]);
      }),
      { numRuns: 1000, seed: 21 },
    );
  });

  it('finds in a conversation exactly what matching each folded text alone finds, phrases and patterns mixed', () => {
    const phrase = fc.array(unit, { minLength: 1, maxLength: 3 }).map((u) => u.join(''));
    const pattern = fc.constantFrom('[!！]{2,}', '。{2,}', '…{2}', '\\.{3,}', '你们?', '稍等(?:一下)?', '喂.{0,2}说', '(?<![a-z])a', 'A1', '[?？]{2,}');
    fc.assert(
      fc.property(fc.array(phrase, { maxLength: 4 }), fc.array(pattern, { maxLength: 3 }), fc.boolean(), fc.array(text, { minLength: 1, maxLength: 5 }), (phrases, patterns, ignoreCase, texts) => {
        const usable = phrases.filter((p) => p.length > 0);
        if (usable.length + patterns.length === 0) return;
        const matcher = new PhraseMatcher(usable, patterns, ignoreCase);
        const folded = foldedTexts(agentConversation(texts));
        texts.forEach((t, i) => expectEveryPath(matcher, folded, i, t, reference(usable, patterns, ignoreCase, t)));
      }),
      { numRuns: 300, seed: 23 },
    );
  });

  it('finds a required run only where every match holds it', () => {
    expect(requiredRun('。{2,}')).toBe('。。');
    expect(requiredRun('…{2}')).toBe('……');
    expect(requiredRun('难道.{0,12}吗')).toBe('难道');
    expect(requiredRun('再不说话.{0,3}挂(?:了|断|掉)')).toBe('再不说话');
    expect(requiredRun('我不是(?:已经)?(?:说|讲)(?:过|了)')).toBe('我不是');
    expect(requiredRun('请您?稍等')).toBe('稍等');
    expect(requiredRun('稍{2}等+')).toBe('稍稍等');
    // Nothing certain: an alternation at the top, a single character, ASCII (folded from full-width forms), escapes not read.
    for (const source of ['谢谢|多谢', '你', '\\.{3,}', 'ab', '[。]{2}', '。?。', '\\u3002{2}', '(?:。。)?', '。*']) expect(requiredRun(source)).toBeUndefined();
    const atom = fc.constantFrom('。', '…', '你', '们', '(?:你们)', '[你们]', '.', '\\s', '(?=你)', '(?<!们)', '^', '$', 'a');
    const quantifier = fc.constantFrom('', '?', '*', '+', '{2}', '{2,}', '{0,2}', '{1,3}', '+?');
    const source = fc.array(fc.tuple(atom, quantifier).map(([a, q]) => (a === '^' || a === '$' || a.startsWith('(?=') || a.startsWith('(?<') ? a : a + q)), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
    const sample = fc.array(fc.constantFrom('。', '…', '你', '们', 'a', ' '), { maxLength: 16 }).map((u) => u.join(''));
    fc.assert(
      fc.property(source, fc.array(sample, { minLength: 1, maxLength: 6 }), (pattern, samples) => {
        const run = requiredRun(pattern);
        if (run === undefined) return;
        const expression = new RegExp(pattern, 'gu');
        for (const s of samples) for (const m of s.matchAll(expression)) if (m[0].length > 0) expect(m[0].includes(run)).toBe(true);
      }),
      { numRuns: 1000, seed: 29 },
    );
  });
});

describe('the built-in packs through the fast paths', () => {
  /** Every phrase set of a rule (its own phrases and patterns, exceptions, triggers, answers, prompts, closings). */
  function phraseSets(rule: object): Array<{ phrases: string[]; patterns: string[] }> {
    const sets: Array<{ phrases: string[]; patterns: string[] }> = [];
    const visit = (value: unknown) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      const record = value as Record<string, unknown>;
      const phrases = Array.isArray(record['phrases']) ? (record['phrases'] as string[]) : [];
      const patterns = Array.isArray(record['patterns']) ? (record['patterns'] as string[]) : [];
      if (phrases.length + patterns.length > 0 && record['kind'] !== 'greeting') sets.push({ phrases, patterns });
      for (const [key, inner] of Object.entries(record)) if (key !== 'examples') visit(inner);
    };
    visit(rule);
    return sets;
  }

  for (const preset of ['zh-CN', 'en']) {
    it(`finds with ${preset}'s own phrases and patterns what each expression finds on the folded text`, () => {
      const sets = loadRuleset({ preset }).rules.flatMap((r) => phraseSets(r.rule));
      expect(sets.length).toBeGreaterThan(5);
      // Messages in many phrasings (waits with and without a time, full-width forms, case, word edges, empty).
      const written = [
        '',
        '请稍等2分钟',
        '请您稍等一下，我帮您查询',
        '麻烦您稍等片刻',
        '请您耐心等待一下',
        '请稍等２分钟！！',
        '稍等，快递还在路上',
        '喂，说话呀',
        '您再不说话我就挂断了',
        '不是跟您说了吗。。。',
        '你们的订单已发货……',
        '嗯，好的',
        'Please hold for 2 minutes',
        'PLEASE HOLD',
        'Thanks!! bye',
        'ＴＨＡＮＫＳ，ＢＹＥ',
        '谢谢，再见',
        '请问您还在线吗？',
        '感谢您的耐心等待，祝您生活愉快',
      ];
      // And texts made of the characters the patterns are written with.
      const alphabet = [...new Set(sets.flatMap((set) => [...set.phrases, ...set.patterns].join('')).join('').replace(/[\\^$*+?()[\]{}|]/g, ''))];
      const unit = fc.constantFrom(...alphabet, ' ', '\u3000', '，', '！', '？', 'Ａ', 'a', 'A');
      const generated = fc.sample(fc.array(unit, { maxLength: 14 }).map((u) => u.join('')), { numRuns: 400, seed: 31 });
      for (const set of sets) {
        for (const ignoreCase of [true, false]) {
          const matcher = new PhraseMatcher(set.phrases, set.patterns, ignoreCase);
          for (const text of [...written, ...generated]) {
            const expected = reference(set.phrases, set.patterns, ignoreCase, text);
            expect(matcher.findAll(text), `${JSON.stringify(set)} on ${JSON.stringify(text)}`).toEqual(expected);
            expect(matcher.test(text)).toBe(expected.length > 0);
          }
        }
      }
    });
  }
});
