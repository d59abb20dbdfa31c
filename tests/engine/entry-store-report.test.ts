import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportFromStore, type ConversationEntry } from '../../src/engine/aggregate.js';
import { EntryStore } from '../../src/engine/entry-store.js';
import { runCheck } from '../../src/engine/run.js';
import { loadRuleset } from '../../src/config/load.js';
import { readFiles } from '../../src/input/read.js';
import { CSV_REPORTS, formatToString, isBinary, type FormatterContext } from '../../src/report/formatter.js';
import { FORMATTERS } from '../../src/report/formatters/all.js';
import { chatlint, jsonLine, scratchTmpdirEachTest, tempDir } from '../helpers/cli.js';

/**
 * A night made here with many findings: 150 conversations interleaved in time, several starting in the
 * same second (so ids decide the order), agents who use rude phrases and shouting punctuation, slow replies.
 */
function manyFindings(): string {
  const lines: Array<{ at: number; line: string }> = [];
  const replies = ['我晕，系统又卡了', '请您稍等！！', '好的，马上为您处理。', '怎么这样。。。', '你自己看啊'];
  for (let c = 0; c < 150; c++) {
    const agent = String(3000 + (c % 9));
    let at = Date.UTC(2026, 10, 27, 2, 0, 0) + Math.floor(c / 3) * 1000;
    for (let i = 0; i < 8; i++) {
      const byAgent = i % 2 === 1;
      at += (byAgent && (c + i) % 5 === 0 ? 90 : 12) * 1000;
      const text = byAgent ? (i === 1 && c % 4 ? `您好，云客服${agent}为您服务` : (replies[(c * 7 + i) % replies.length] as string)) : '在吗？';
      const record = { conversation_id: `N${String(149 - c).padStart(3, '0')}`, timestamp: new Date(at).toISOString(), role: byAgent ? 'agent' : 'customer', ...(byAgent ? { agent_id: agent, agent_name: `客服${agent}` } : {}), text };
      lines.push({ at, line: jsonLine(record) });
    }
  }
  return lines.sort((a, b) => a.at - b.at).map((l) => l.line).join('');
}

const night = join(tempDir({ 'night.jsonl': manyFindings() }), 'night.jsonl');
const ALL_FORMATS = [['-f', 'json'], ['-f', 'ndjson'], ...CSV_REPORTS.map((report) => ['-f', 'csv', '--csv-report', report]), ['-f', 'pretty'], ['-f', 'markdown'], ['-f', 'html']];
// The generated night in every format; the fixtures (skips, CSV input, several files) in two, to keep the suite quick.
const INPUTS: Record<string, { paths: string[]; formats: string[][] }> = {
  fixtures: { paths: ['fixtures/nightly', 'fixtures/csv', 'fixtures/broken/bad-lines.jsonl'], formats: [['-f', 'json'], ['-f', 'csv', '--csv-report', 'conversations']] },
  generated: { paths: [night], formats: ALL_FORMATS },
};

/** Every run below keeps its temporary folders in one of its own, so a test sees only what its runs left. */
const scratch = scratchTmpdirEachTest();
const leftOver = () => readdirSync(scratch()).filter((name) => name.startsWith('chatlint-entries-'));

describe.each(Object.entries(INPUTS))('entries through the disk give the report held in memory (%s)', (_name, { paths, formats }) => {
  it('budget 0 (every entry spills) and unlimited: byte-identical in streamed and materialized formats', async () => {
    for (const format of formats) {
      const held = await chatlint(['check', ...paths, ...format]);
      const spilled = await chatlint(['check', ...paths, ...format, '--memory-budget', '0']);
      expect(held.code, format.join(' ')).toBe(1);
      expect(spilled.code, format.join(' ')).toBe(held.code);
      expect(spilled.stdout, format.join(' ')).toBe(held.stdout);
    }
    expect(leftOver()).toEqual([]);
  });

  it('--quiet lists only errors, as the findings stream past, and the summary still counts every finding', async () => {
    const args = ['check', ...paths, '-f', 'json', '--quiet', '--memory-budget', '0'];
    const quiet = await chatlint(args);
    const all = JSON.parse((await chatlint(['check', ...paths, '-f', 'json'])).stdout) as { findings: Array<{ severity: string }>; summary: { findings: number } };
    const shown = JSON.parse(quiet.stdout) as typeof all;
    expect(shown.findings).toEqual(all.findings.filter((f) => f.severity === 'error'));
    expect(shown.summary).toEqual(all.summary);
    expect(shown.findings.length).toBeLessThan(shown.summary.findings);
    expect(quiet.code).toBe(1);
    // The same for the errors-only CSV.
    const csvArgs = ['check', ...paths, '-f', 'csv', '--quiet'];
    expect((await chatlint([...csvArgs, '--memory-budget', '0'])).stdout).toBe((await chatlint(csvArgs)).stdout);
  });
});

describe('the temporary folder of spilled entries', () => {
  it('is removed after a run, after a run that fails on a missing conversation, and after a report that cannot be written', async () => {
    const ok = await chatlint(['check', night, '-f', 'json', '--memory-budget', '0']);
    expect(ok.code).toBe(1);
    expect(leftOver()).toEqual([]);
    const missing = await chatlint(['check', night, '--conversation', 'N001,NOPE', '--memory-budget', '0']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('NOPE');
    expect(leftOver()).toEqual([]);
    const unwritable = await chatlint(['check', night, '-f', 'json', '-o', join(scratch(), 'no', 'such', 'folder', 'r.json'), '--memory-budget', '0']);
    expect(unwritable.code).toBe(2);
    expect(leftOver()).toEqual([]);
  });
});

describe('a conversation checked early, then again whole', () => {
  it('counts only the entry added after supersede, in every format, held or spilled', async () => {
    const ruleset = loadRuleset({ cwd: process.cwd() });
    const recorded = new EntryStore(Number.POSITIVE_INFINITY);
    const run = await runCheck(readFiles([night], {}), ruleset, {}, { entries: recorded });
    const entries = Array.from(recorded.entries('all'), (stored) => stored.whole());
    const context: FormatterContext = { color: false, language: 'en', timezone: 'UTC', csvReport: 'findings', bom: false, ruleIds: ruleset.rules.map((r) => r.rule.id), scored: true };
    const outputs = (report: Parameters<typeof formatToString>[1]) =>
      FORMATTERS.flatMap((formatter) => (isBinary(formatter) ? [] : CSV_REPORTS.map((csvReport) => formatToString(formatter, report, { ...context, csvReport }))));
    const expected = outputs(run.report);
    recorded.close();
    const target = entries[7] as ConversationEntry;
    // The early check saw part of the conversation: a later first message, fewer messages, other findings.
    const early: ConversationEntry = {
      ...target,
      summary: { ...target.summary, startedAt: '2026-11-27T23:00:00.000Z', messages: 3, findings: 1, score: 1 },
      findings: [{ ...(target.findings[0] as ConversationEntry['findings'][number]), ruleId: 'early-only', message: 'seen early' }],
    };
    for (const budget of [0, 3000, Number.POSITIVE_INFINITY]) {
      const store = new EntryStore(budget);
      store.add(early);
      for (const entry of entries) if (entry !== target) store.add(entry);
      store.supersede(target.summary.conversationId);
      store.add(target);
      expect(outputs(reportFromStore(store, [run.partial])), `budget ${budget}`).toEqual(expected);
      const folder = store.spillFolder;
      store.close();
      if (folder !== undefined) expect(existsSync(folder)).toBe(false);
    }
  });
});
