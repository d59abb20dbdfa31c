import { describe, expect, it } from 'vitest';
import { MemoryEntrySink } from '../../src/engine/entry-sink.js';
import type { ConversationEntry } from '../../src/engine/aggregate.js';

const entry = (conversationId: string, messages: number): ConversationEntry =>
  ({ summary: { conversationId, messages }, findings: [], waived: [], agentMessages: [], agentCritical: [], messagesByFile: [['a.jsonl', messages]], duplicates: [] }) as unknown as ConversationEntry;

describe('the entry sink', () => {
  it('counts only the entries added after a conversation was superseded', () => {
    const sink = new MemoryEntrySink();
    sink.add(entry('C1', 2));
    sink.add(entry('C2', 1));
    sink.supersede('C1');
    sink.supersede('C3');
    sink.add(entry('C1', 5));
    expect(sink.entries().map((e) => [e.summary.conversationId, e.summary.messages]).sort()).toEqual([['C1', 5], ['C2', 1]]);
  });
});

describe('the id table', () => {
  it('keeps the first numbers stored for each of many ids, through growth', async () => {
    const { IdHashTable } = await import('../../src/engine/id-table.js');
    const table = new IdHashTable(2);
    for (let i = 0; i < 5000; i++) table.insert(`C${i}`, i, i * 2);
    for (let i = 0; i < 5000; i++) table.insert(`C${i}`, -1, -1);
    for (const i of [0, 1, 999, 4999]) {
      const slot = table.find(`C${i}`);
      expect([table.value(slot, 0), table.value(slot, 1)]).toEqual([i, i * 2]);
    }
    expect(table.find('C5000')).toBe(-1);
  });
});
