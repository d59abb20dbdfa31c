import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { ConversationEntry } from '../../src/engine/aggregate.js';
import { EntryPacker, EntryStore } from '../../src/engine/entry-store.js';
import type { PackedEntry } from '../../src/engine/entry.js';
import { jsonElements, type Finding } from '../../src/model/report.js';

/** Texts that must come back exactly: tabs, newlines, NUL, quotes, CJK, emoji, a lone surrogate, a line separator. */
const TEXTS = ['好的，马上为您处理。', 'a\tb\nc "quoted" \\ back', '😀 emoji', 'lone \ud800 surrogate', '\u2028\u0000 nul', ''];

function entryOf(n: number, findings: number, waived = 0): ConversationEntry {
  const id = `C\t${n}\n${TEXTS[n % TEXTS.length]}`;
  const startedAt = new Date(Date.UTC(2026, 10, 27, 0, (n * 37) % 60)).toISOString();
  const finding = (i: number): Finding => ({
    ruleId: `rule-${i % 3}`, kind: 'forbidden-phrase', severity: i % 2 ? 'warning' : 'error', agentId: i % 4 ? '3007' : null, agentName: i % 3 ? null : '客服',
    conversationId: id, messageIndex: i, timestamp: startedAt, message: TEXTS[(n + i) % TEXTS.length] as string, match: null, offset: null,
    seconds: i % 2 ? null : 0.1 + 0.2, excerpt: TEXTS[i % TEXTS.length] as string, source: { file: 'a.jsonl', line: i + 1, record: i + 1 },
  });
  return {
    summary: { conversationId: id, agents: ['3007', '3008'], startedAt, messages: findings + 2, findings, score: 100 - findings / 3, passed: findings < 3, critical: false, deductions: { 'rule-0': 0.1 + 0.2 }, agentScores: { '3007': 99.5, '3008': 100 }, source: { file: 'a.jsonl' } },
    findings: Array.from({ length: findings }, (_, i) => finding(i)),
    waived: Array.from({ length: waived }, (_, i) => ({ ...finding(i), waiver: { source: 'w.yaml', conversationId: id, ruleId: 'rule-0', messageIndex: i, reason: TEXTS[i % TEXTS.length] as string, reviewer: null, date: null } })),
    agentMessages: [['3007', null, 3], ['3008', '客服', 1]],
    agentCritical: [false, n % 2 === 0],
    messagesByFile: [['a.jsonl', findings + 2]],
    duplicates: n % 5 === 0 ? [{ file: 'a.jsonl', line: 9, record: 9, reason: `duplicate of a.jsonl:3 ${TEXTS[n % TEXTS.length]}` }] : [],
  };
}

const entries = Array.from({ length: 120 }, (_, n) => entryOf(n, n % 7, n % 11 === 0 ? 2 : 0));
const fields = (e: ConversationEntry) => JSON.stringify([e.summary, e.findings, e.waived, e.agentMessages, e.agentCritical, e.messagesByFile, e.duplicates]);
const inOrder = [...entries].sort((a, b) => (a.summary.startedAt < b.summary.startedAt ? -1 : a.summary.startedAt > b.summary.startedAt ? 1 : a.summary.conversationId < b.summary.conversationId ? -1 : 1));

/** Packed entries as a worker posts them: through a message port, their slabs moved. */
async function throughPort(packed: PackedEntry[], slabs: ArrayBuffer[]): Promise<PackedEntry[]> {
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<PackedEntry[]>((resolve) => port2.once('message', resolve));
  port1.postMessage(packed, slabs);
  const result = await received;
  port1.close();
  port2.close();
  return result;
}

describe('packed entries', () => {
  it('come back whole, in report order, from memory and through the disk, packed here or posted by a worker', async () => {
    const packer = new EntryPacker(true);
    const packed = entries.map((entry) => packer.pack(entry));
    const slabs = packer.release();
    // The slab was mostly empty: it was trimmed to what the entries use.
    expect(slabs.reduce((sum, slab) => sum + slab.byteLength, 0)).toBe(packed.reduce((sum, p) => sum + p.sizes.reduce((a, b) => a + b, 0), 0));
    const posted = await throughPort(packed, slabs);
    for (const budget of [0, 3_000, Number.POSITIVE_INFINITY]) {
      for (const [how, add] of [
        ['added', (store: EntryStore) => entries.forEach((entry) => store.add(entry))],
        ['posted', (store: EntryStore) => posted.forEach((entry) => store.addPacked(entry))],
      ] as const) {
        const store = new EntryStore(budget);
        add(store);
        expect([...store.entries('all')].map((stored) => fields(stored.whole())), `${how}, budget ${budget}`).toEqual(inOrder.map(fields));
        // Each list as the JSON report prints it, whichever pass reads it.
        expect([...store.entries('findings')].map((stored) => Buffer.from(stored.printed('findings')).toString('utf8'))).toEqual(inOrder.map((e) => jsonElements(e.findings)));
        expect([...store.entries('conversations')].map((stored) => stored.summary())).toEqual(JSON.parse(JSON.stringify(inOrder.map((e) => e.summary))));
        store.close();
      }
    }
  });

  it('an entry bigger than a slab gets one of its own; later entries are not disturbed', () => {
    const packer = new EntryPacker();
    const big = entryOf(1, 3000);
    const small = entryOf(2, 1);
    const packed = [packer.pack(small), packer.pack(big), packer.pack(small)];
    const store = new EntryStore(Number.POSITIVE_INFINITY);
    for (const entry of packed) store.addPacked(entry);
    expect([...store.entries('all')].map((stored) => fields(stored.whole())).sort()).toEqual([small, big, small].map(fields).sort());
    store.close();
  });

  it('only a packer that transfers keeps the slabs it filled (else the entries in a slab alone keep it)', () => {
    const big = entryOf(3, 900);
    const kept = new EntryPacker(true);
    const plain = new EntryPacker();
    for (let i = 0; i < 6; i++) {
      kept.pack(big);
      plain.pack(big);
    }
    expect(kept.release().length).toBeGreaterThan(1);
    expect(plain.release()).toHaveLength(1);
  });

  it('ids that escape to six bytes a character fit their slab, however full it is', () => {
    // Each control character prints as \u00XX in the line's key: the slab must have room for that.
    const packer = new EntryPacker();
    const store = new EntryStore(Number.POSITIVE_INFINITY);
    const controls = Array.from({ length: 400 }, (_, i) => entryOf(i, 0));
    for (const [i, entry] of controls.entries()) {
      const id = '\u0001'.repeat(300 + (i % 7)) + String(i);
      store.addPacked(packer.pack({ ...entry, summary: { ...entry.summary, conversationId: id } }));
    }
    const ids = [...store.entries('conversations')].map((stored) => stored.summary().conversationId);
    expect(ids).toHaveLength(400);
    expect(new Set(ids).size).toBe(400);
    for (const stored of store.entries()) expect(stored.head().number()).toBe(2);
    store.close();
  });

  it('ids with and without escapes come back from runs on disk, in order, with their lists', () => {
    // Keys without escapes are read without JSON.parse: CJK, emoji, spaces; the rest (quotes, controls, lone surrogates) with it.
    const ids = ['会话-001', 'C 😀 2', 'plain', 'q"uote', 'back\\slash', 'lone \ud800', 'x'.repeat(300), '好'];
    const store = new EntryStore(0, 3);
    const made = ids.map((id, n) => {
      const entry = entryOf(n, n % 3);
      return { ...entry, summary: { ...entry.summary, conversationId: id } };
    });
    for (const entry of made) store.add(entry);
    const order = [...made].sort((a, b) => (a.summary.startedAt < b.summary.startedAt ? -1 : a.summary.startedAt > b.summary.startedAt ? 1 : a.summary.conversationId < b.summary.conversationId ? -1 : 1));
    expect([...store.entries('findings')].map((stored) => Buffer.from(stored.printed('findings')).toString('utf8'))).toEqual(order.map((e) => jsonElements(e.findings)));
    expect([...store.entries('conversations')].map((stored) => stored.summary().conversationId)).toEqual(order.map((e) => e.summary.conversationId));
    store.close();
  });

  it('reading a list a pass did not ask for is refused', () => {
    const store = new EntryStore(0);
    for (const entry of entries.slice(0, 5)) store.add(entry);
    const [first] = [...store.entries('findings')];
    expect(() => first?.printed('conversations')).toThrow(/not read in this pass/);
    expect(first?.head().number()).toBeTypeOf('number');
    store.close();
  });
});
