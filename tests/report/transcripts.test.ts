import { describe, expect, it } from 'vitest';
import { TranscriptKeeper } from '../../src/report/transcripts.js';
import type { Transcript } from '../../src/model/transcript.js';

function transcript(id: string, score: number, findings: number): Transcript {
  const messages = Array.from({ length: 4 }, (_, index) => ({
    index, timestamp: '2026-11-27T12:00:00.000Z', role: index % 2 ? ('agent' as const) : ('customer' as const),
    agentId: index % 2 ? '1' : null, agentName: null, text: '0123456789', replySeconds: index % 2 ? 5 * index : null,
  }));
  return {
    conversationId: id, complete: true, messages,
    findings: Array.from({ length: findings }, () => ({
      ruleId: 'r', kind: 'k', severity: 'error' as const, agentId: '1', agentName: null, conversationId: id, messageIndex: 1,
      timestamp: '2026-11-27T12:00:00.000Z', message: 'm', match: null, offset: null, seconds: null, excerpt: '', source: { file: 'f', line: 1, record: 1 },
    })),
    summary: { conversationId: id, agents: ['1'], startedAt: '2026-11-27T12:00:00.000Z', messages: 4, findings, score, passed: score >= 80, critical: false, deductions: {}, agentScores: {}, source: { file: 'f' } },
  };
}

describe('TranscriptKeeper (what the HTML report embeds)', () => {
  it('keeps whole timelines for the worst conversations within the budget, flagged messages for the rest, every delay', () => {
    // 40 characters per conversation; a budget of 100 keeps two whole.
    const keeper = new TranscriptKeeper(true, 100);
    for (const [id, score] of [['a', 90], ['b', 40], ['c', 95], ['d', 60], ['e', 70]] as const) keeper.add(transcript(id, score, 1));
    keeper.add(transcript('clean', 100, 0));
    const whole = [...keeper.byConversation.values()].filter((t) => t.complete).map((t) => t.conversationId).sort();
    expect(whole).toEqual(['b', 'd']);
    expect(keeper.byConversation.get('a')?.messages.map((m) => m.index)).toEqual([1]);
    expect(keeper.byConversation.has('clean')).toBe(false);
    expect(keeper.replyDelays).toHaveLength(6 * 2);
  });
});
