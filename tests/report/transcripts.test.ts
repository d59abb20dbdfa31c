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

describe('TranscriptKeeper: order and replacement', () => {
  const wholeOf = (keeper: TranscriptKeeper) => [...keeper.byConversation.values()].filter((t) => t.complete).map((t) => t.conversationId).sort();
  const scores: Array<[string, number]> = Array.from({ length: 30 }, (_, i) => [`c${String(i).padStart(2, '0')}`, (i * 37) % 100]);

  it('keeps the same whole timelines whatever order the conversations come in', () => {
    let seed = 3;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
    const reference = new TranscriptKeeper(true, 250);
    for (const [id, score] of scores) reference.add(transcript(id, score, 1));
    // Six of forty characters fit in 250: the six worst.
    expect(wholeOf(reference)).toEqual([...scores].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 6).map(([id]) => id).sort());
    for (let round = 0; round < 5; round++) {
      const shuffled = [...scores].sort(() => random() - 0.5);
      const keeper = new TranscriptKeeper(true, 250);
      for (const [id, score] of shuffled) keeper.add(transcript(id, score, 1));
      expect(wholeOf(keeper)).toEqual(wholeOf(reference));
      expect([...keeper.byConversation.keys()].sort()).toEqual([...reference.byConversation.keys()].sort());
    }
  });

  it('a conversation given again replaces what was kept of it, reply delays included', () => {
    const keeper = new TranscriptKeeper(true, 100);
    keeper.add(transcript('a', 30, 2));
    keeper.add(transcript('b', 50, 1));
    // a again, checked whole: now clean.
    const clean = transcript('a', 100, 0);
    clean.messages = clean.messages.map((m) => (m.replySeconds !== null ? { ...m, replySeconds: 61 } : m));
    keeper.add(clean);
    expect(keeper.byConversation.has('a')).toBe(false);
    expect(wholeOf(keeper)).toEqual(['b']);
    expect([...keeper.replyDelays].sort((x, y) => x - y)).toEqual([5, 15, 61, 61]);
    // And back to having findings: kept whole again (b still fits beside it).
    keeper.add(transcript('a', 20, 1));
    expect(wholeOf(keeper)).toEqual(['a', 'b']);
    expect(keeper.replyDelays).toHaveLength(4);
  });
});
