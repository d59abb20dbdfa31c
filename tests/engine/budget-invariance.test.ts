import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { chatlint } from '../helpers/cli.js';
import { generatedNight } from '../helpers/night.js';
import { EvictingGrouper, lineWindow, type Grouped, type LineWindow } from '../../src/engine/group.js';
import type { Message } from '../../src/model/message.js';

const dir = mkdtempSync(join(tmpdir(), 'chatlint-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const generatedExport = (name: string, order: 'time' | 'shuffled') => generatedNight(dir, name, order);

const withoutTime = (text: string) => text.replace(/"generatedAt": ?"[^"]*",?/g, '');
const inputs: Record<string, string[]> = {
  fixtures: ['fixtures/nightly', 'fixtures/csv', 'fixtures/broken/bad-lines.jsonl'],
  'time-ordered': [generatedExport('time.jsonl', 'time')],
  shuffled: [generatedExport('shuffled.jsonl', 'shuffled')],
};
const FORMATS = [['-f', 'ndjson'], ['-f', 'csv', '--csv-report', 'agents'], ['-f', 'pretty'], ['-f', 'html']];

// Every JSON Lines file, however small, is cut into ranges when workers read it.
const CUT_SMALL_FILES = { env: { CHATLINT_TEST_MIN_RANGE_BYTES: '1' } };

/** The report of each variant is the bytes of the first. */
async function sameReports(paths: string[], format: string[], variants: string[][], cut = CUT_SMALL_FILES): Promise<void> {
  const [first, ...others] = variants as [string[], ...string[][]];
  const expected = await chatlint(['check', ...paths, ...format, ...first]);
  expect([0, 1]).toContain(expected.code);
  for (const variant of others) {
    const other = await chatlint(['check', ...paths, ...format, ...variant], cut);
    expect(other.code, variant.join(' ')).toBe(expected.code);
    expect(withoutTime(other.stdout), variant.join(' ')).toBe(withoutTime(expected.stdout));
    expect(other.stderr, variant.join(' ')).toBe(expected.stderr);
  }
}

const budgets = (...mb: string[]) => mb.map((b) => ['--jobs', '1', '--memory-budget', b]);

describe('the memory budget never changes the report', () => {
  it.each(Object.entries(inputs))('%s: JSON for budget 0, 1 MB and unlimited', async (_name, paths) => {
    await sameReports(paths, ['-f', 'json'], budgets('100000', '0', '1'));
  });

  it.each(FORMATS.map((f) => [f.join(' '), f]))('shuffled, %s: budget 0 and unlimited', async (_label, format) => {
    await sameReports(inputs.shuffled as string[], format as string[], budgets('100000', '0'));
  });
});

describe('the number of workers never changes the report', () => {
  const runs = (...pairs: Array<[jobs: string, budget: string]>) => pairs.map(([jobs, budget]) => ['--jobs', jobs, '--memory-budget', budget]);
  // One thread with no budget is the reference; workers with budget 0 (every piece's conversations reopen) and without.
  const variants: Record<string, string[][]> = {
    fixtures: runs(['1', '100000'], ['2', '0'], ['3', '100000']),
    'time-ordered': runs(['1', '100000'], ['2', '0'], ['3', '0'], ['3', '100000']),
    shuffled: runs(['1', '100000'], ['2', '100000'], ['3', '0']),
  };
  it.each(Object.entries(inputs))('%s: JSON for 1, 2 and 3 workers, budget 0 and unlimited', async (name, paths) => {
    await sameReports(paths, ['-f', 'json'], variants[name] as string[][]);
  });

  // The HTML report's timelines are printed on the worker that checked them and stored here, in the order
  // this thread would have been given them: the same page, whole timelines and all.
  it.each([
    // Budget 0: the workers send reopened conversations' messages back; unlimited: they check them again themselves.
    ['time-ordered', runs(['1', '100000'], ['2', '0'])],
    ['shuffled', runs(['1', '0'], ['3', '100000'])],
  ])('%s: the HTML page for 1, 2 and 3 threads, budget 0 and unlimited', async (name, variants) => {
    // Every piece on a worker, so every timeline crosses from one.
    await sameReports(inputs[name] as string[], ['-f', 'html', '--lang', 'zh-CN'], variants, { env: { ...CUT_SMALL_FILES.env, CHATLINT_TEST_WORKERS_ONLY: '1' } });
  });

  it('with --shard, --conversation, --redact and a waiver, as in one thread', async () => {
    const paths = inputs['time-ordered'] as string[];
    const waivers = join(dir, 'waivers.csv');
    writeFileSync(waivers, 'conversationId,ruleId,messageIndex,reason,reviewer,date\nB0050,greeting-with-id,,reviewed,QA,2026-11-28\nB0100,reply-within-60s,,reviewed,QA,2026-11-28\nB9998,reply-within-60s,,stale,QA,2026-11-01\n');
    for (const filter of [['--shard', '2/3'], ['--conversation', 'B0050', '--conversation', 'B0100', '--conversation', 'B0007', '--redact', '--waivers', waivers]]) {
      // Budget 0: the workers send reopened conversations' messages back; unlimited: they re-check them themselves.
      await sameReports(paths, ['-f', 'json', ...filter], [['--jobs', '1', '--memory-budget', '0'], ['--jobs', '3', '--memory-budget', '0'], ['--jobs', '2', '--memory-budget', '100000']]);
    }
  });
});

describe('evicting grouper', () => {
  const message = (conversationId: string, timestamp: number): Message => ({ conversationId, timestamp, role: 'customer', text: 'x', source: { file: 'a', line: timestamp, record: timestamp } });

  it('checks the least recently active conversation first and reopens one that continues after its check', () => {
    const checked: string[] = [];
    const reopened: string[] = [];
    // Room for about two messages: a third evicts.
    const grouper = new EvictingGrouper(700, (g: Grouped) => checked.push(`${g.conversation.id}:${g.conversation.messages.length}`), (id) => reopened.push(id));
    grouper.add(message('A', 1));
    grouper.add(message('B', 2));
    grouper.add(message('A', 3));
    grouper.add(message('C', 4));
    expect(checked).toEqual(['B:1', 'A:2']);
    grouper.add(message('B', 5));
    expect(reopened).toEqual(['B']);
    grouper.add(message('B', 6));
    grouper.finish();
    expect(checked).toEqual(['B:1', 'A:2', 'C:1']);
    // B's records lie between lines 2 and 6: only those are read again.
    expect([...grouper.reopened]).toEqual([['B', [2, 6]]]);
  });

  it('checks strictly by last activity: a conversation that just started stays, one quiet for longer goes', () => {
    const checked: string[] = [];
    const reopened: string[] = [];
    // Room for five messages; a sixth evicts down to three quarters (about three messages' worth freed).
    const grouper = new EvictingGrouper(1700, (g: Grouped) => checked.push(`${g.conversation.id}:${g.conversation.messages.length}`), (id) => reopened.push(id));
    for (const [id, at] of [['A', 1], ['B', 2], ['A', 3], ['B', 4], ['C', 5], ['D', 6]] as const) grouper.add(message(id, at));
    // C and D each said one thing, but after A and B last spoke: A and B are the least recently active.
    expect(checked).toEqual(['A:2', 'B:2']);
    grouper.add(message('C', 7));
    grouper.add(message('D', 8));
    grouper.finish();
    expect(reopened).toEqual([]);
    expect(checked).toEqual(['A:2', 'B:2', 'C:2', 'D:2']);
  });

  it('checks what a full sort by last activity would check, in that order, and notes where reopened ones start', () => {
    const record = fc.record({ id: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'), line: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }), size: fc.integer({ min: 0, max: 400 }) });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 60 }), fc.integer({ min: 0, max: 4000 }), (records, budget) => {
        const messages = records.map(({ id, line, size }, i): Message => ({ conversationId: id, timestamp: i % 7, role: 'customer', text: 'x'.repeat(size), source: { file: 'a', line, record: i + 1 } }));
        const checked: string[] = [];
        const grouper = new EvictingGrouper(budget, (g) => checked.push(`${g.conversation.id}:${g.conversation.messages.map((m) => m.source.record).join(',')}`), () => undefined);
        for (const m of messages) grouper.add(m);
        grouper.finish();
        const expected = referenceGrouping(messages, budget);
        expect(checked).toEqual(expected.checked);
        expect([...grouper.reopened]).toEqual([...expected.reopened]);
      }),
      { numRuns: 500, seed: 19 },
    );
  });
});

/** EvictingGrouper as first written: every held conversation sorted by last activity at each eviction. */
function referenceGrouping(messages: Message[], budget: number): { checked: string[]; reopened: Map<string, LineWindow> } {
  const bytesOf = (m: Message) => m.text.length * 2 + 320;
  const held = new Map<string, { messages: Message[]; bytes: number; last: number }>();
  const evicted = new Map<string, Message[]>();
  const reopened = new Map<string, LineWindow>();
  const checked: string[] = [];
  const check = (id: string, list: Message[]) => checked.push(`${id}:${[...list].sort((a, b) => a.timestamp - b.timestamp).map((m) => m.source.record).join(',')}`);
  let heldBytes = 0;
  let clock = 0;
  for (const m of messages) {
    const id = m.conversationId;
    const known = held.get(id);
    if (known) {
      known.messages.push(m);
      known.last = ++clock;
      known.bytes += bytesOf(m);
    } else if (reopened.has(id) || evicted.has(id)) {
      // The window starts where the evicted messages started (unknown when any line is), then takes each later line.
      const window = reopened.get(id) ?? [lineWindow(evicted.get(id) as Message[])[0], lineWindow(evicted.get(id) as Message[])[0]];
      if (window[0] !== 0) {
        const line = m.source.line;
        if (line === null) window.splice(0, 2, 0, 0);
        else window.splice(0, 2, Math.min(window[0], line), Math.max(window[1], line));
      }
      reopened.set(id, window);
      continue;
    } else held.set(id, { messages: [m], bytes: bytesOf(m), last: ++clock });
    heldBytes += bytesOf(m);
    if (heldBytes > budget) {
      for (const [oldest, h] of [...held].sort(([, a], [, b]) => a.last - b.last)) {
        if (heldBytes <= budget * 0.75) break;
        held.delete(oldest);
        heldBytes -= h.bytes;
        evicted.set(oldest, h.messages);
        check(oldest, h.messages);
      }
    }
  }
  const rest = [...held].map(([id, h]) => [id, [...h.messages].sort((a, b) => a.timestamp - b.timestamp)] as const);
  rest.sort(([a, x], [b, y]) => (x[0] as Message).timestamp - (y[0] as Message).timestamp || (a < b ? -1 : a > b ? 1 : 0));
  for (const [id, list] of rest) check(id, list);
  return { checked, reopened };
}
