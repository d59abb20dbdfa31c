import { expect } from 'vitest';
import type { Conversation } from '../../src/model/message.js';
import { foldPatternSource, foldWidth, literalSource } from '../../src/text/fold.js';

/** One conversation of agent messages with these texts, in order. */
export function agentConversation(texts: string[]): Conversation {
  return {
    id: 'c',
    messages: texts.map((t, i) => ({ conversationId: 'c', timestamp: i, role: 'agent', text: t, source: { file: 'f', line: i + 1, record: i + 1 } })),
    meta: {},
  };
}

/** Every match of each expression on its own, merged as findAll documents (the reference). */
export function reference(phrases: string[], patterns: string[], ignoreCase: boolean, text: string) {
  const flags = ignoreCase ? 'giu' : 'gu';
  const folded = foldWidth(text);
  const expressions: RegExp[] = [];
  const literals = [...new Set(phrases)].sort((a, b) => b.length - a.length);
  if (literals.length > 0) expressions.push(new RegExp(literals.map(literalSource).join('|'), flags));
  for (const p of patterns) expressions.push(new RegExp(foldPatternSource(p), flags));
  const found: Array<{ text: string; offset: number }> = [];
  for (const e of expressions) {
    const earlier = found.length;
    for (const m of folded.matchAll(e)) {
      if (m[0].length === 0) continue;
      if (found.slice(0, earlier).some((f) => f.offset === m.index && f.text.length === m[0].length)) continue;
      found.push({ text: text.slice(m.index, m.index + m[0].length), offset: m.index });
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}


type Coverage = (start: number, end: number) => boolean;
/** What expectEveryPath calls of a matcher (structural: a test may load a matcher module of its own). */
interface MatcherPaths<Texts> {
  findAll(text: string): unknown;
  findAllIn(texts: Texts, index: number): unknown;
  testIn(texts: Texts, index: number): boolean;
  coverageIn(texts: Texts, index: number): Coverage;
  coverage(text: string, folded: string): Coverage;
}

/** Every path of a matcher on message `index` (alone, in its conversation, as a test, as coverage) finds `expected`. */
export function expectEveryPath<Texts>(matcher: MatcherPaths<Texts>, texts: Texts, index: number, text: string, expected: ReturnType<typeof reference>, label?: string): void {
  expect(matcher.findAllIn(texts, index), label).toEqual(expected);
  expect(matcher.findAll(text), label).toEqual(expected);
  expect(matcher.testIn(texts, index), label).toBe(expected.length > 0);
  const covered = matcher.coverageIn(texts, index);
  const plainCoverage = matcher.coverage(text, foldWidth(text));
  for (let start = 0; start < text.length; start++) for (let end = start + 1; end <= text.length; end++) expect(covered(start, end), label).toBe(plainCoverage(start, end));
}
