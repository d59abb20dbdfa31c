import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/model/message.js';
import { PENDING_CHARS, SpillStore } from '../../src/engine/spill.js';

const message = (i: number): Message => ({
  conversationId: `c${i % 300}`,
  timestamp: Date.UTC(2026, 10, 27) + i * 1000,
  role: i % 2 ? 'agent' : 'customer',
  text: `消息 ${i} ${'长'.repeat(i % 400)}`,
  source: { file: 'night.jsonl', line: i + 1, record: i + 1 },
  agentId: i % 2 ? 'a7' : undefined,
});

describe('the grouping spill', () => {
  it('holds at most its limit of lines in memory, and gives every message back with its conversation, in the order added', () => {
    const store = new SpillStore();
    const added: Message[] = [];
    let most = 0;
    for (let i = 0; i < 30_000; i++) {
      const m = message(i);
      added.push(m);
      store.add(m);
      most = Math.max(most, store.pendingCharacters);
    }
    // ~6 M characters went through: they were written out as they came, not held per partition.
    expect(added.reduce((n, m) => n + m.text.length, 0)).toBeGreaterThan(2 * PENDING_CHARS);
    expect(most).toBeLessThan(PENDING_CHARS + 2_000);
    const back: Message[] = [];
    const partitionOf = new Map<string, number>();
    let index = 0;
    for (const partition of store.partitions()) {
      for (const m of partition) {
        expect(partitionOf.get(m.conversationId) ?? index, m.conversationId).toBe(index);
        partitionOf.set(m.conversationId, index);
        back.push(m);
      }
      index++;
    }
    const json = (m: Message) => JSON.parse(JSON.stringify(m)) as Message;
    const byConversation = (list: Message[]) => {
      const groups = new Map<string, Message[]>();
      for (const m of list) groups.set(m.conversationId, [...(groups.get(m.conversationId) ?? []), m]);
      return [...groups].sort(([a], [b]) => a.localeCompare(b));
    };
    expect(byConversation(back)).toEqual(byConversation(added.map(json)));
  });
});
