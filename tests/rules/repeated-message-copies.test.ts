import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRuleText } from '../../src/config/compile.js';
import type { Conversation, Message } from '../../src/model/message.js';
import type { RawFinding } from '../../src/rules/kind.js';
import { normaliseMessage } from '../../src/rules/kinds/repeated-message.js';
import { conversation, msg } from '../helpers/rules.js';

/**
 * The plain path: each agent text normalised, its copies counted per agent and normalised text in a Map,
 * each agent's last text remembered; a repeat in a row or a copy past `max` is a finding.
 */
function plain(conv: Conversation, minLength: number, max: number): RawFinding[] {
  const counts = new Map<string, number>();
  const previous = new Map<string, string>();
  const findings: RawFinding[] = [];
  conv.messages.forEach((message: Message, index) => {
    if (message.role !== 'agent') return;
    const text = normaliseMessage(message.text);
    if ([...text].length < minLength) return;
    const agent = message.agentId ?? '';
    const key = `${agent}\u0000${text}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    if (previous.get(agent) === text || count > max) {
      const trimmed = message.text.trim();
      findings.push({ messageIndex: index, match: trimmed, offset: message.text.indexOf(trimmed), data: { count, max } });
    }
    previous.set(agent, text);
  });
  return findings;
}

describe('repeated-message counts copies as the plain path does', () => {
  it('on generated conversations: agents sharing texts, width, case and spacing variants, customers between', () => {
    const checker = (minLength: number, max: number) =>
      compileRuleText(`rules:\n  - id: r\n    kind: repeated-message\n    minLength: ${minLength}\n    max: ${max}\n`, 't.yaml').rules[0]?.checker;
    const checkers = [
      [2, 1],
      [4, 2],
      [1, 3],
    ].map(([minLength, max]) => ({ minLength: minLength as number, max: max as number, check: checker(minLength as number, max as number) }));
    const texts = ['好的，马上处理', 'OK now', 'ok  NOW', 'ＯＫ now', ' 好的，马上处理 ', '稍等', 'a', '😀😀好', 'İİ', 'i̇i̇'];
    const step = fc.tuple(fc.constantFrom('customer', '1', '2', '3'), fc.nat(texts.length - 1));
    fc.assert(
      fc.property(fc.array(fc.array(step, { maxLength: 14 }), { minLength: 1, maxLength: 4 }), (conversations) => {
        // Several conversations in turn: what one leaves must not count in the next.
        for (const steps of conversations) {
          const conv = conversation(...steps.map(([who, t], i) => msg(i, who, texts[t] as string)));
          for (const { minLength, max, check } of checkers) expect(check?.(conv, { announcedWaits: [] })).toEqual(plain(conv, minLength, max));
        }
      }),
      { numRuns: 400, seed: 13 },
    );
  });

  it('holds for a conversation longer than any before it (its tables grow)', () => {
    const check = compileRuleText('rules:\n  - id: r\n    kind: repeated-message\n    minLength: 1\n', 't.yaml').rules[0]?.checker;
    const conv = conversation(...Array.from({ length: 3_000 }, (_, i) => msg(i, String(i % 7), `text ${i % 401}`)));
    expect(check?.(conv, { announcedWaits: [] })).toEqual(plain(conv, 1, 2));
  });
});
