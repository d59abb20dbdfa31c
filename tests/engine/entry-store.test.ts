import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConversationEntry } from '../../src/engine/aggregate.js';
import { EntryStore } from '../../src/engine/entry-store.js';
import { releasePiece } from '../../src/engine/piece-pool.js';
import type { Finding } from '../../src/model/report.js';

/** A small seeded generator, so the same entries come every run. */
function seeded(seed: number) {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
}

/** Texts that must come back exactly through the disk: tabs, newlines, quotes, CJK, emoji, a lone surrogate. */
const TEXTS = ['好的，马上为您处理。', 'a\tb\nc "quoted" \\ back', '😀 emoji', 'lone \ud800 surrogate', '\u2028\u0000'];

function entryOf(id: string, startedAt: string, findings: number, random: () => number, tag = ''): ConversationEntry {
  const list: Finding[] = Array.from({ length: findings }, (_, i) => ({
    ruleId: `rule-${i % 3}`, kind: 'forbidden-phrase', severity: i % 2 ? 'warning' : 'error', agentId: '3007', agentName: null,
    conversationId: id, messageIndex: i, timestamp: startedAt, message: `${TEXTS[Math.floor(random() * TEXTS.length)]}${tag}`, match: null, offset: null,
    seconds: random() < 0.5 ? null : random() * 100, excerpt: TEXTS[i % TEXTS.length] as string, source: { file: 'a.jsonl', line: i + 1, record: i + 1 },
  }));
  return {
    summary: { conversationId: id, agents: ['3007'], startedAt, messages: findings + 1, findings, score: 100 - findings, passed: true, critical: false, deductions: { 'rule-0': 0.1 + 0.2 }, agentScores: { '3007': 99.5 }, source: { file: 'a.jsonl' } },
    findings: list,
    // Every fourth entry with findings has one waived, so the waived list is not always empty.
    waived: findings > 0 && findings % 4 === 0 ? [{ ...(list[0] as Finding), waiver: { conversationId: id, ruleId: 'rule-0', messageIndex: 0, reason: `ok${tag}`, reviewer: null, date: null, source: 'waivers.yaml:1' } }] : [],
    agentMessages: [['3007', null, findings + 1]],
    agentCritical: [false],
    messagesByFile: [['a.jsonl', findings + 1]],
    duplicates: findings > 4 ? [{ file: 'a.jsonl', line: 9, record: 9, reason: `duplicate of a.jsonl:3${tag}` }] : [],
  };
}

/** Everything a pass reads, as text: every field of every entry, in the order given. */
function read(store: EntryStore): string[] {
  return [...store.entries('all')].map((stored) => {
    const e = stored.whole();
    return JSON.stringify([e.summary, e.findings, e.waived, e.agentMessages, e.agentCritical, e.messagesByFile, e.duplicates]);
  });
}

describe('EntryStore', () => {
  const random = seeded(7);
  // Conversations in any order; some start at the same time, so the id decides.
  const entries = Array.from({ length: 600 }, (_, i) => entryOf(`C${(i * 7919) % 600}`, new Date(Date.UTC(2026, 10, 27, 0, Math.floor(random() * 200))).toISOString(), Math.floor(random() * 6), random));

  it('gives entries in report order, the same whether all are held or every one went to disk', () => {
    const inMemory = new EntryStore(Number.POSITIVE_INFINITY);
    const onDisk = new EntryStore(0);
    // Runs merged four at a time: 600 runs pile up through four levels.
    const merging = new EntryStore(0, 4);
    for (const entry of entries) {
      inMemory.add(entry);
      onDisk.add(entry);
      merging.add(entry);
    }
    expect(inMemory.spillFolder).toBeUndefined();
    const folder = onDisk.spillFolder;
    expect(folder && existsSync(folder)).toBe(true);
    const expected = [...entries]
      .sort((a, b) => (a.summary.startedAt < b.summary.startedAt ? -1 : a.summary.startedAt > b.summary.startedAt ? 1 : a.summary.conversationId < b.summary.conversationId ? -1 : 1))
      .map((e) => JSON.stringify([e.summary, e.findings, e.waived, e.agentMessages, e.agentCritical, e.messagesByFile, e.duplicates]));
    expect(read(inMemory)).toEqual(expected);
    expect(read(onDisk)).toEqual(expected);
    expect(read(merging)).toEqual(expected);
    merging.close();
    // Every pass reads everything again.
    expect(read(onDisk)).toEqual(expected);
    onDisk.close();
    expect(existsSync(folder as string)).toBe(false);
  });

  it('counts only the entries of a conversation added after it was superseded, held or on disk', () => {
    for (const [budget, fanIn] of [[0, 3], [0, undefined], [2_000, undefined], [Number.POSITIVE_INFINITY, undefined]] as const) {
      const store = new EntryStore(budget, fanIn);
      const early = entryOf('X1', '2026-11-27T00:00:00.000Z', 2, random, ' early');
      store.add(early);
      for (const entry of entries.slice(0, 40)) store.add(entry);
      store.supersede('X1');
      // The whole conversation, checked again: an earlier first message and other findings.
      const whole = entryOf('X1', '2026-11-26T23:59:00.000Z', 3, random, ' whole');
      store.add(whole);
      store.supersede('X2'); // a conversation never added
      const read = [...store.entries('all')].filter((e) => e.summary().conversationId === 'X1');
      expect(read.map((e) => e.findings()), `budget ${budget}, fan-in ${fanIn}`).toEqual([whole.findings]);
      expect([...store.entries()]).toHaveLength(41);
      store.close();
    }
  });

  it('gives each list printed, in pieces of whole elements, as each entry printed it in report order', () => {
    const lists = ['conversations', 'findings', 'waived'] as const;
    /** Each entry's printed list, non-empty ones joined as the JSON report joins them. */
    const expected = (store: EntryStore, list: (typeof lists)[number]) =>
      [...store.entries(list)].map((stored) => Buffer.from(stored.printed(list)).toString('utf8')).filter((text) => text !== '').join(',\n');
    for (const store of [new EntryStore(Number.POSITIVE_INFINITY), new EntryStore(0), new EntryStore(0, 4), new EntryStore(3_000)]) {
      for (const entry of entries) store.add(entry);
      store.supersede('C5');
      store.add(entryOf('C5', '2026-11-27T00:00:30.000Z', 3, random, ' again'));
      // A pass left early notes no order: the first list pass notes it itself; the later ones follow it.
      for (const _ of store.entries()) break;
      const first = [...store.printedPieces('findings')].map((piece) => Buffer.from(piece).toString('utf8'));
      expect(first.join(',\n')).toBe(expected(store, 'findings'));
      for (const list of lists) {
        const printed = expected(store, list);
        for (const pieceBytes of [1, 300, undefined]) {
          const pieces = [...store.printedPieces(list, pieceBytes)];
          expect(pieces.every((piece) => piece.length > 0)).toBe(true);
          const joined = pieces.map((piece) => Buffer.from(piece).toString('utf8'));
          expect(joined.join(',\n'), `${list}, pieces of ${pieceBytes}`).toBe(printed);
          // Every piece holds whole elements.
          for (const piece of joined) if (list !== 'waived') expect(piece.startsWith('    {') && piece.endsWith('    }')).toBe(true);
        }
        // Each piece given back once read, as the report's writer does: the pieces after it fill it again.
        const given = Array.from(store.printedPieces(list), (piece) => {
          const text = Buffer.from(piece).toString('utf8');
          releasePiece(piece);
          return text;
        });
        expect(given.join(',\n'), `${list}, pieces given back`).toBe(printed);
        // One entry's list at a time, each read before the next (its chunk is read into again).
        expect(Array.from(store.printedLists(list), (view) => Buffer.from(view).toString('utf8')).join(',\n'), list).toBe(printed);
      }
      store.close();
    }
  });

  it('gives lists printed in report order past the first block of the order it notes (4,096 entries)', () => {
    const many = Array.from({ length: 9_000 }, (_, i) => entryOf(`M${(i * 7919) % 9_000}`, new Date(Date.UTC(2026, 10, 27, 0, Math.floor(random() * 600))).toISOString(), Math.floor(random() * 3), random));
    const store = new EntryStore(200_000);
    for (const entry of many) store.add(entry);
    const expected = [...store.entries('findings')].map((stored) => Buffer.from(stored.printed('findings')).toString('utf8')).filter((text) => text !== '');
    expect(expected.length).toBeGreaterThan(4_096);
    expect([...store.printedPieces('findings')].map((piece) => Buffer.from(piece).toString('utf8')).join(',\n')).toBe(expected.join(',\n'));
    store.close();
  });

  it('gives every entry back whole when spills come every few megabyte slabs', () => {
    // Megabyte slabs filled several times over, a spill after about four of them.
    const many = Array.from({ length: 8_000 }, (_, i) => entryOf(`S${(i * 7919) % 8_000}`, new Date(Date.UTC(2026, 10, 27, 0, Math.floor(random() * 600))).toISOString(), 1 + Math.floor(random() * 3), random));
    const store = new EntryStore(4_000_000);
    for (const entry of many) store.add(entry);
    const key = (e: ConversationEntry) => `${e.summary.startedAt}\u0000${e.summary.conversationId}`;
    const expected = [...many]
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
      .map((e) => JSON.stringify([e.summary, e.findings, e.waived, e.agentMessages, e.agentCritical, e.messagesByFile, e.duplicates]));
    expect(read(store)).toEqual(expected);
    store.close();
  });

  it('refuses entries once reading began', () => {
    const store = new EntryStore();
    store.add(entries[0] as ConversationEntry);
    expect([...store.entries()]).toHaveLength(1);
    expect(() => store.add(entries[1] as ConversationEntry)).toThrow(/after reading began/);
  });
});
