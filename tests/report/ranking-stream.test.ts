import { describe, expect, it } from 'vitest';
import { findingsByRule, worstConversations } from '../../src/report/ranking.js';
import type { ConversationSummary } from '../../src/model/report.js';

const summary = (conversationId: string, score: number, findings: number, passed = score >= 80): ConversationSummary => ({
  conversationId, agents: ['1'], startedAt: '2026-11-27T12:00:00.000Z', messages: 4, findings, score, passed, critical: false, deductions: {}, agentScores: {}, source: { file: 'f' },
});

describe('the worst conversations, kept as they stream by', () => {
  it('are the first of a stable sort of them all, with the count of all', () => {
    let seed = 5;
    const random = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    for (let round = 0; round < 50; round++) {
      // Ids that compare equal with numbers in order ("7" and "07") test that ties keep their order.
      const all = Array.from({ length: random(60) }, (_, i) => summary(random(3) === 0 ? `0${i % 9}` : `${i % 9}`, [100, 90, 60, 40][random(4)] as number, random(4)));
      for (const scored of [true, false]) {
        const order = (a: ConversationSummary, b: ConversationSummary) => (scored ? a.score - b.score : 0) || b.findings - a.findings || a.conversationId.localeCompare(b.conversationId, 'en', { numeric: true });
        const expected = all.filter((c) => c.findings > 0 || (scored && !c.passed)).sort(order);
        for (const limit of [1, 5, 20]) {
          const { worst, total } = worstConversations(all, scored, limit);
          expect(total).toBe(expected.length);
          expect(worst).toEqual(expected.slice(0, limit));
          // The very same objects, so equal-looking ties are in their original order.
          worst.forEach((c, i) => expect(c).toBe(expected[i]));
        }
      }
    }
  });

  it('reads each list once, as a sequence', () => {
    let passes = 0;
    const once = { *[Symbol.iterator]() { passes++; yield summary('a', 40, 2); yield summary('b', 90, 0); } };
    expect(worstConversations(once, true, 20)).toEqual({ worst: [summary('a', 40, 2)], total: 1 });
    expect(passes).toBe(1);
    expect(findingsByRule([{ ruleId: 'x' }, { ruleId: 'y' }, { ruleId: 'x' }])).toEqual([['x', 2], ['y', 1]]);
  });
});
