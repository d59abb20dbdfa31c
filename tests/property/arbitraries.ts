import fc from 'fast-check';
import { loadRuleset } from '../../src/config/load.js';
import type { Ruleset } from '../../src/config/ruleset.js';
import { runCheck, type RunResult } from '../../src/engine/run.js';
import type { ReadOptions } from '../../src/input/options.js';
import type { InputEvent } from '../../src/input/events.js';
import { readInput } from '../../src/input/read.js';
import { openInput } from '../../src/input/source.js';
import { materialize, type Finding, type Report } from '../../src/model/report.js';

/** `npm test` runs each property a bounded number of times with a fixed seed; `npm run fuzz` runs them longer. */
export const FUZZ = {
  numRuns: Number(process.env.CHATLINT_FUZZ_RUNS ?? 60),
  seed: Number(process.env.CHATLINT_FUZZ_SEED ?? 20261127),
  // Shrinking a failure is what a person wants; a bounded time keeps a runaway case from hanging the suite.
  interruptAfterTimeLimit: Number(process.env.CHATLINT_FUZZ_TIME_MS ?? 20_000),
};

export const OPTIONS: ReadOptions = { timezone: 'Asia/Shanghai', encoding: 'utf8', maxLineBytes: 1 << 20, agents: [] };

let ruleset: Ruleset | undefined;
export const rules = () => (ruleset ??= loadRuleset({ rules: 'fixtures/hostile/rules.yaml' }));

/** Names of Object.prototype's properties: as ids and keys from the data they must behave like any other name. */
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const AGENT_IDS = ['7', '8', ...PROTOTYPE_NAMES];

/** Text a hostile export may hold: rule hits, formula starts, quotes, line breaks, control characters, CJK, emoji. */
export const messageText = fc.oneof(
  fc.constantFrom('在吗', '您好，云客服7为您服务', '云客服8在', '我晕', '好的！！', '=1+1', '+cmd', '-2', '@SUM(A1)', ' \t=x', '"quoted", 1', 'a\r\nb', '\u001b[31m红', ''),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.tuple(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 8 })).map(([a, b]) => `${a}我晕${b}！！`),
);

export interface Line {
  /** The text of the line (no newline). */
  text: string;
  /** How many records the reader counts for it. */
  records: number;
}

/**
 * A chat export as JSON Lines: conversations whose messages have distinct times (so their order is
 * defined by time, not by where they were read), some exact duplicates, and some lines that are not
 * records at all (each still counted once as a skipped record; a blank line counts as none).
 */
export const exportLines: fc.Arbitrary<Line[]> = fc
  .record({
    messages: fc.array(
      fc.record({
        conversation: fc.constantFrom('c1', 'c2', '=c3', ' c4 ', ...PROTOTYPE_NAMES),
        who: fc.constantFrom('customer', 'customer', ...AGENT_IDS, 'bot', 'system'),
        text: messageText,
        gap: fc.integer({ min: 1, max: 200 }),
      }),
      { maxLength: 25 },
    ),
    duplicates: fc.array(fc.nat(), { maxLength: 3 }),
    junk: fc.array(
      fc.tuple(fc.nat(), fc.constantFrom<Line>(
        { text: 'not json', records: 1 },
        { text: '{"conversation_id": "c1", "timestamp":', records: 1 },
        { text: '[1, "x"]', records: 2 },
        { text: '{"conversation_id":"c1","role":"customer","text":"no time"}', records: 1 },
        { text: '{"conversation_id":"c1","timestamp":"2026-11-27 10:00:00","role":"customer","text":"a","text":"b"}', records: 1 },
        { text: '', records: 0 },
      )),
      { maxLength: 4 },
    ),
  })
  .map(({ messages, duplicates, junk }) => {
    const clock = new Map<string, number>();
    const lines: Line[] = messages.map((m) => {
      const at = (clock.get(m.conversation) ?? Date.UTC(2026, 10, 27, 2)) + m.gap * 1000;
      clock.set(m.conversation, at);
      const role = AGENT_IDS.includes(m.who) ? 'agent' : m.who;
      const record = { conversation_id: m.conversation, timestamp: new Date(at).toISOString(), role, ...(role === 'agent' ? { agent_id: m.who, agent_name: `客服${m.who}` } : {}), text: m.text };
      return { text: JSON.stringify(record), records: 1 };
    });
    for (const d of duplicates) if (lines.length > 0) lines.push({ ...(lines[d % lines.length] as Line) });
    for (const [at, line] of junk) lines.splice(at % (lines.length + 1), 0, line);
    return lines;
  });

async function* chunks(text: string, size: number): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Runs the whole engine over files given as text, fed in small chunks (readers see split characters and lines). */
export async function runFiles(files: Array<[string, string]>, chunkSize = 13): Promise<Omit<RunResult, 'report'> & { report: Report }> {
  async function* events(): AsyncIterable<InputEvent> {
    for (const [name, text] of files) yield* readInput(await openInput(name, chunks(text, chunkSize)), OPTIONS);
  }
  const result = await runCheck(events(), rules());
  // The report's lists as arrays, its entries' disk runs (if any) removed.
  const report = materialize(result.report);
  result.entries.close();
  return { ...result, report };
}

export const joinLines = (lines: Line[]) => lines.map((l) => `${l.text}\n`).join('');

/** A finding without where it was read from: what must not change when lines move or files split. */
export function withoutSource(findings: readonly Finding[]): unknown[] {
  return findings.map(({ source: _source, ...rest }) => rest);
}
