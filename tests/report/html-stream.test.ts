import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatlint, scratchTmpdirEachTest, tempDir } from '../helpers/cli.js';
import { generatedNight } from '../helpers/night.js';
import { runCheck } from '../../src/engine/run.js';
import { EntryStore } from '../../src/engine/entry-store.js';
import { loadRuleset } from '../../src/config/load.js';
import { readFiles } from '../../src/input/read.js';
import { materialize } from '../../src/model/report.js';
import type { Transcript } from '../../src/model/transcript.js';
import { formatToString, isTimelineStream, type FormatterContext } from '../../src/report/formatter.js';
import { html } from '../../src/report/formatters/html.js';
import { timelineMessages } from '../../src/report/formatters/html-json.js';
import { TranscriptKeeper, TranscriptSpill } from '../../src/report/transcripts.js';
import { SortedRecords } from '../../src/report/transcript-runs.js';
import { localTime } from '../../src/report/local-time.js';

const dir = tempDir();

/** The generated night cut into two files, every other line to each: most conversations lie in both (a piece each). */
function splitNight(): string[] {
  const lines = readFileSync(generatedNight(dir, 'whole.jsonl', 'time'), 'utf8').split('\n').filter(Boolean);
  return [0, 1].map((part) => {
    const path = join(dir, `part-${part}.jsonl`);
    writeFileSync(path, `${lines.filter((_, i) => i % 2 === part).join('\n')}\n`);
    return path;
  });
}

const RULES = {
  // Nothing fires; reply delays are still counted.
  never: 'name: never\ntimezone: Asia/Shanghai\nrules:\n  - id: never\n    kind: forbidden-phrase\n    phrases: ["zzqq-never"]\n  - id: slow\n    kind: response-time\n    maxSeconds: 100000\n',
  // A finding on every agent message, scored, with a bottom-line rule.
  every: 'name: every\ntimezone: Asia/Shanghai\nrules:\n  - id: every\n    kind: forbidden-punctuation\n    severity: warning\n    patterns: ["."]\n    points: 1\n    maxPoints: 30\n  - id: rude\n    kind: forbidden-phrase\n    phrases: ["我晕"]\n    critical: true\n  - id: slow\n    kind: response-time\n    maxSeconds: 60\n    points: 5\n',
};
const rules = Object.fromEntries(Object.entries(RULES).map(([name, text]) => {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, text);
  return [name, path];
})) as Record<keyof typeof RULES, string>;

const INPUTS: Record<string, string[]> = {
  'time-ordered': [generatedNight(dir, 'time.jsonl', 'time')],
  shuffled: [generatedNight(dir, 'shuffled.jsonl', 'shuffled')],
  'split in two files': splitNight(),
};

/** The JSON embedded in a page, as its script reads it. */
function embedded(page: string): { conversations: unknown[][]; transcripts: Array<{ c: number; m: unknown[][]; f: number[][] } | null>; notes: string[]; rules: string[] } {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page);
  expect(match).not.toBeNull();
  const text = match?.[1] ?? '';
  // Script-safe: nothing in the data can end the element or open a comment.
  expect(text).not.toMatch(/<|>|\u2028|\u2029/);
  return JSON.parse(text);
}

/**
 * The page with the timelines held in memory (TranscriptKeeper, as before) and spilled to disk: in many small
 * runs (merged as they pile up) when `spill` is a size, else as a run does by default.
 */
async function samePages(paths: string[], args: string[], chars: number | undefined, spill: string): Promise<string> {
  const budget = chars === undefined ? {} : { CHATLINT_TEST_TIMELINE_BUDGET_CHARS: String(chars) };
  const reference = await chatlint(['check', ...paths, '-f', 'html', ...args], { env: { ...budget, CHATLINT_TEST_TIMELINES_IN_MEMORY: '1' } });
  expect([0, 1]).toContain(reference.code);
  const spilled = await chatlint(['check', ...paths, '-f', 'html', ...args], { env: { ...budget, CHATLINT_TEST_TIMELINE_SPILL_BYTES: spill } });
  expect(spilled.code, `spill ${spill}`).toBe(reference.code);
  expect(spilled.stdout === reference.stdout, `${args.join(' ')} spill ${spill} chars ${chars}`).toBe(true);
  const data = embedded(reference.stdout);
  expect(data.transcripts).toHaveLength(data.conversations.length);
  return reference.stdout;
}

const scratch = scratchTmpdirEachTest();

describe('the HTML page from timelines on disk is the page from timelines in memory', () => {
  // --memory-budget 1 (MB): long-lived conversations are checked early and reopened; two files: pieces share conversations.
  // Spilled in many small runs ('20000' bytes) or as by default (''), alternately.
  const cases: Array<[string, string[], string[], number | undefined, string]> = [
    ['time-ordered, every agent message, reopened, trimmed', INPUTS['time-ordered'] as string[], ['-r', rules.every, '--memory-budget', '1'], 300, '20000'],
    ['shuffled, every agent message, reopened', INPUTS.shuffled as string[], ['-r', rules.every, '--memory-budget', '1'], undefined, ''],
    ['split in two files, every agent message, trimmed', INPUTS['split in two files'] as string[], ['-r', rules.every], 300, ''],
    ['split in two files, default rules, reopened', INPUTS['split in two files'] as string[], ['--memory-budget', '1'], undefined, '20000'],
    ['shuffled, default rules in Chinese, errors only, redacted', INPUTS.shuffled as string[], ['--lang', 'zh-CN', '-q', '--redact'], 500, '20000'],
    ['the bundled fixtures, zh-CN pack', ['fixtures/nightly', 'fixtures/hostile/split-1.jsonl', 'fixtures/hostile/split-2.jsonl'], ['--preset', 'zh-CN'], undefined, ''],
  ];
  it.each(cases)('%s', async (_name, paths, args, chars, spill) => {
    const data = embedded(await samePages(paths, args, chars, spill));
    if (chars !== undefined) {
      // Trimmed: some timelines whole, others only their flagged messages.
      expect(data.transcripts.some((t) => t?.c === 1)).toBe(true);
      expect(data.transcripts.some((t) => t?.c === 0)).toBe(true);
    }
    // The timelines' temporary folders are gone.
    expect(readdirSync(scratch()).filter((name) => name.startsWith('chatlint-'))).toEqual([]);
  });

  it('no findings at all: no timeline, every delay counted', async () => {
    const page = await samePages(INPUTS['time-ordered'] as string[], ['-r', rules.never], undefined, '20000');
    expect(embedded(page).transcripts.every((t) => t === null)).toBe(true);
    expect(page).toMatch(/<title>0: \d{2,}<\/title>/);
  });
});

describe('html.format', () => {
  it('counts findings by rule alike from the printed findings of a store and from findings as objects', async () => {
    const ruleset = loadRuleset({ cwd: process.cwd(), rules: rules.every });
    const store = new EntryStore(0);
    try {
      const run = await runCheck(readFiles(INPUTS.shuffled as string[], {}), ruleset, {}, { entries: store });
      const context: FormatterContext = {
        color: false, language: 'en', timezone: 'Asia/Shanghai', csvReport: 'findings', bom: false,
        ruleIds: ruleset.rules.map((r) => r.rule.id).filter((id) => id !== 'every'), scored: true, replyLimitSeconds: 60,
      };
      const streamed = formatToString(html, run.report, context);
      expect(streamed).toBe(formatToString(html, materialize(run.report), context));
      expect(streamed).toContain('<title>every: ');
      // A rule outside the pack's list is indexed after it, in order of first finding.
      expect(embedded(streamed).rules.at(-1)).toBe('every');
    } finally {
      store.close();
    }
  });
});

/** A small transcript: `findings` findings on message 1, text of `chars` characters per message. */
function transcript(id: string, score: number, findings: number, chars = 10, delay = 5): Transcript {
  const messages = Array.from({ length: 4 }, (_, index) => ({
    index, timestamp: `2026-11-27T12:00:0${index}.000Z`, role: index % 2 ? ('agent' as const) : ('customer' as const),
    agentId: index % 2 ? '1' : null, agentName: null, text: 'x'.repeat(chars), replySeconds: index % 2 ? delay * index : null,
  }));
  return {
    conversationId: id, complete: true, messages,
    findings: Array.from({ length: findings }, () => ({
      ruleId: 'r', kind: 'k', severity: 'error' as const, agentId: '1', agentName: null, conversationId: id, messageIndex: 1,
      timestamp: '2026-11-27T12:00:01.000Z', message: `m${score}`, match: null, offset: null, seconds: null, excerpt: '', source: { file: 'f', line: 1, record: 1 },
    })),
    summary: { conversationId: id, agents: ['1'], startedAt: `2026-11-27T12:00:00.000Z`, messages: 4, findings, score, passed: score >= 80, critical: false, deductions: {}, agentScores: {}, source: { file: 'f' } },
  };
}

describe('TranscriptSpill keeps what TranscriptKeeper keeps', () => {
  // Events as the engine makes them: a conversation given once; or given again after a supersede (reopened,
  // re-checked at the end); or given twice with the supersede right after the second (two pieces saw it).
  const event = fc.record({ id: fc.integer({ min: 0, max: 14 }), score: fc.integer({ min: 0, max: 100 }), findings: fc.integer({ min: 0, max: 2 }), chars: fc.integer({ min: 0, max: 30 }), delay: fc.integer({ min: 1, max: 90 }), how: fc.constantFrom('give', 'reopen', 'twice') });

  it('the same timelines (whole or flagged), the same delays, the last given of each conversation', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.integer({ min: 0, max: 400 }), fc.constantFrom(0, 300, 1 << 20), (events, budget, spillBytes) => {
        const keeper = new TranscriptKeeper(true, budget);
        const spill = new TranscriptSpill(true, 'UTC', budget, spillBytes);
        try {
          const given = new Set<string>();
          const reopened = new Set<string>();
          const give = (t: Transcript) => {
            keeper.add(t);
            spill.add(t);
            given.add(t.conversationId);
          };
          for (const { id, score, findings, chars, delay, how } of events) {
            const name = `c${id}`;
            const t = transcript(name, score, findings, chars, delay);
            if (!given.has(name) || reopened.has(name)) give(t);
            else if (how === 'twice') {
              give(t);
              spill.supersede(name);
              reopened.add(name);
            } else {
              spill.supersede(name);
              reopened.add(name);
            }
          }
          // The re-check at the end gives every reopened conversation again.
          for (const name of reopened) give(transcript(name, 50, 1, 5, 7));
          const ids: string[] = [];
          const delays: number[] = [];
          for (const c of spill.conversations()) {
            ids.push(c.summary.conversationId);
            delays.push(...c.delays);
            const kept = keeper.byConversation.get(c.summary.conversationId);
            const timeline = c.timeline();
            expect(timeline === null, c.summary.conversationId).toBe(kept === undefined);
            if (!kept || !timeline) continue;
            expect(timeline.complete).toBe(kept.complete);
            const messages = typeof timeline.messages === 'string' ? timeline.messages : Buffer.from(timeline.messages).toString('utf8');
            expect(messages).toBe(timelineMessages(kept.messages, 'UTC'));
            expect(timeline.findings.map((f) => f[5])).toEqual(kept.findings.map((f) => f.message));
          }
          expect(ids.sort()).toEqual([...given].sort());
          expect(delays.sort((a, b) => a - b)).toEqual([...keeper.replyDelays].sort((a, b) => a - b));
          expect(isTimelineStream(spill)).toBe(true);
        } finally {
          spill.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('SortedRecords', () => {
  it('gives every record in key order on every pass, from memory and from runs merged as they pile up, bodies read or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ startedAt: fc.constantFrom('', '2026-11-27T01:00:00.000Z', '2026-11-27T02:00:00.000Z'), id: fc.string({ maxLength: 4 }), body: fc.string({ maxLength: 20 }) }), { maxLength: 400 }),
        fc.constantFrom(0, 500, 1 << 20),
        (items, budget) => {
          const records = new SortedRecords('chatlint-test-', budget);
          try {
            items.forEach(({ startedAt, id, body }, seq) => records.add([startedAt, id, seq], JSON.stringify([startedAt, id, seq, `x\t${seq}`]), body));
            const expected = items.map((item, seq) => ({ ...item, seq })).sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : a.seq - b.seq));
            for (const every of [1, 3]) {
              const seen = Array.from(records.records(), (record, i) => {
                const [startedAt, id, seq, extra] = record.fields as [string, string, number, string];
                expect(extra).toBe(`x\t${seq}`);
                // Some passes read every body, some every third.
                if (i % every === 0) {
                  const body = record.body();
                  expect(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')).toBe(items[seq]?.body);
                }
                return { startedAt, id, seq };
              });
              expect(seen).toEqual(expected.map(({ startedAt, id, seq }) => ({ startedAt, id, seq })));
            }
          } finally {
            records.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('SortedRecords, many runs', () => {
  it('merges runs into the next level as they pile up (a run per record), and still gives them in order', () => {
    const records = new SortedRecords('chatlint-test-', 0);
    try {
      const ids = Array.from({ length: 300 }, (_, i) => `c${(i * 7919) % 300}`);
      ids.forEach((id, seq) => records.add(['2026-11-27T01:00:00.000Z', id, seq], JSON.stringify(['2026-11-27T01:00:00.000Z', id, seq]), `body of ${id}`));
      for (let pass = 0; pass < 2; pass++) {
        const seen = Array.from(records.records(), (record) => {
          const body = record.body();
          expect(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')).toBe(`body of ${record.fields[1] as string}`);
          return record.fields[1];
        });
        expect(seen).toEqual([...ids].sort());
      }
    } finally {
      records.close();
    }
  });
});

describe('localTime', () => {
  const formats = new Map<string, Intl.DateTimeFormat>();
  const intl = (iso: string, timeZone: string) => {
    if (!formats.has(timeZone)) formats.set(timeZone, new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }));
    return formats.get(timeZone)?.format(new Date(iso));
  };

  it('prints what Intl prints: any zone, any time, across changes of offset (half hours, DST), second by second', () => {
    const zones = ['UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'America/St_Johns', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kolkata', 'Africa/Casablanca', 'America/Sao_Paulo'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: -86_400_000, max: Date.UTC(2200, 0, 1) }), (zone, ms) => {
        const iso = new Date(ms).toISOString();
        expect(localTime(iso, zone)).toBe(intl(iso, zone));
      }),
      { numRuns: 1500 },
    );
    // Across the 2026 changes, in order (as a conversation's messages come): seconds apart in one zone, and
    // alternating between zones; a minute and more apart.
    for (const [from, step] of [[Date.UTC(2026, 2, 28, 22), 7_013], [Date.UTC(2026, 3, 4, 12), 7_013], [Date.UTC(2026, 2, 28, 22), 61_013]] as const) {
      for (let ms = from; ms < from + (step < 60_000 ? 6 : 200) * 3600_000; ms += step) {
        const iso = new Date(ms).toISOString();
        for (const zone of step < 60_000 && ms % 3 ? ['Europe/Berlin'] : ['Europe/Berlin', 'Australia/Lord_Howe', 'America/New_York', 'Asia/Kolkata']) expect(localTime(iso, zone)).toBe(intl(iso, zone));
      }
    }
    for (const iso of ['2026-11-27T08:00:00+08:00', '0900-01-01T00:00:00Z', '+010000-01-01T00:00:00Z']) expect(localTime(iso, 'Asia/Shanghai')).toBe(intl(iso, 'Asia/Shanghai'));
  });
});
