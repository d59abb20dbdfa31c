import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatlint } from '../helpers/cli.js';
import { loadRuleset } from '../../src/config/load.js';
import { runCheck } from '../../src/engine/run.js';
import { readFiles } from '../../src/input/read.js';
import { materialize } from '../../src/model/report.js';
import type { Message } from '../../src/model/message.js';
import { PENDING_CHARS, SpillStore } from '../../src/engine/spill.js';

describe('grouping past the memory budget', () => {
  it('gives the same report when every message goes through the disk spill', async () => {
    // A private temporary folder: other test files' runs spill into the shared one meanwhile.
    const previous = process.env.TMPDIR;
    const tmp = mkdtempSync(join(tmpdir(), 'chatlint-spill-test-'));
    process.env.TMPDIR = tmp;
    try {
      const args = ['check', 'fixtures/nightly', 'fixtures/csv', 'fixtures/broken/bad-lines.jsonl', '-f', 'json'];
      const inMemory = await chatlint(args);
      // Holding every message (runCheck, as audit does): past the budget they go through the spill.
      const ruleset = loadRuleset({ cwd: process.cwd() });
      const held = async (memoryBudgetBytes?: number) => {
        const run = await runCheck(readFiles(['fixtures/nightly', 'fixtures/broken/bad-lines.jsonl'].flatMap(filesIn), {}), ruleset, {}, { memoryBudgetBytes });
        const text = JSON.stringify(materialize(run.report));
        run.entries.close();
        return text;
      };
      const spilled = await chatlint([...args, '--memory-budget', '0', '--jobs', '1']);
      expect(spilled.code).toBe(inMemory.code);
      expect(spilled.stdout).toBe(inMemory.stdout);
      expect(await held(0)).toBe(await held());
      // No spill folder is left.
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

function filesIn(path: string): string[] {
  return path.endsWith('.jsonl') ? [path] : readdirSync(path).filter((name) => name.endsWith('.jsonl')).map((name) => join(path, name));
}

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
