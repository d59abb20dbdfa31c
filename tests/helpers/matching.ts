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

