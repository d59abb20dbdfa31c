import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatlint, ROOT } from '../helpers/cli.js';

/**
 * fixtures/EXPECTED.md is written by the fixture generator from the violations it planted. These tests
 * hold the whole pipeline (reader, grouping, rules, report) to that list: nothing missing, nothing extra.
 */
interface Planted {
  conversation: string;
  agent: string;
  rule: string;
  index: number;
  seconds: number | null;
  text: string | null;
}

function section(title: string): string {
  const text = readFileSync(join(ROOT, 'fixtures/EXPECTED.md'), 'utf8');
  const start = text.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`EXPECTED.md has no section ${title}`);
  const next = text.indexOf('\n## ', start + 3);
  return text.slice(start, next < 0 ? undefined : next);
}

function tableRows(markdown: string, firstHeader: string): string[][] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((l) => l.startsWith(`| ${firstHeader} |`));
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split('|').map((c) => c.trim()));
  }
  return rows;
}

function planted(title: string): Planted[] {
  return tableRows(section(title), 'conversation').map(([conversation = '', agent = '', rule = '', index = '', delay = '', , text = '']) => ({
    conversation, agent, rule, index: Number(index), seconds: delay ? Number(delay) : null, text: text || null,
  }));
}

interface JsonFinding { conversationId: string; agentId: string; ruleId: string; messageIndex: number; seconds: number | null; match: string | null }

async function found(args: string[]): Promise<{ findings: Planted[]; report: { agents: Array<Record<string, unknown>>; summary: Record<string, number> } }> {
  const result = await chatlint(['check', ...args, '--format', 'json']);
  expect(result.code, result.stderr).toBeLessThan(2);
  const report = JSON.parse(result.stdout);
  const findings = (report.findings as JsonFinding[]).map((f) => ({
    conversation: f.conversationId, agent: f.agentId, rule: f.ruleId, index: f.messageIndex, seconds: f.seconds, text: f.match,
  }));
  return { findings, report };
}

const key = (p: Planted) => `${p.conversation} ${p.agent} ${p.rule} #${p.index} ${p.seconds ?? ''} ${p.text ?? ''}`;
const sorted = (list: Planted[]) => list.map(key).sort();

describe('planted violations are found exactly', () => {
  it('nightly/2026-11-27.jsonl with the zh-CN pack', async () => {
    const { findings, report } = await found(['fixtures/nightly/2026-11-27.jsonl']);
    expect(sorted(findings)).toEqual(sorted(planted('nightly/2026-11-27.jsonl')));
    // Per-agent table: agent, name, conversations, messages, one column per rule id, total.
    const nightly = section('nightly/2026-11-27.jsonl');
    const header = nightly.split('\n').find((l) => l.startsWith('| agent |')) ?? '';
    const ruleIds = header.slice(1, -1).split('|').map((c) => c.trim()).slice(4, -1);
    expect(ruleIds.length).toBeGreaterThan(0);
    const agents = tableRows(nightly, 'agent');
    expect(
      report.agents.map((a) => {
        const byRule = (a.byRule ?? {}) as Record<string, number>;
        return [a.agentId, a.agentName, a.conversations, a.messages, ...ruleIds.map((r) => byRule[r] ?? 0), a.findings];
      }),
    ).toEqual(agents.map(([id, name, ...counts]) => [id, name, ...counts.map(Number)]));
  });

  it('the same night as CSV with Chinese headers and local times', async () => {
    const { findings } = await found(['fixtures/csv/export-zh.csv']);
    expect(sorted(findings)).toEqual(sorted(planted('nightly/2026-11-27.jsonl')));
  });

  it('nightly/2026-11-28.jsonl, with conversation-object lines mixed in', async () => {
    expect(sorted((await found(['fixtures/nightly/2026-11-28.jsonl'])).findings)).toEqual(sorted(planted('nightly/2026-11-28.jsonl')));
  });

  it('a single transcript', async () => {
    expect(sorted((await found(['fixtures/transcript/one-chat.json'])).findings)).toEqual(sorted(planted('transcript/one-chat.json')));
  });

  it('the English export with the en pack', async () => {
    expect(sorted((await found(['fixtures/english/export.jsonl', '--preset', 'en'])).findings)).toEqual(sorted(planted('english/export.jsonl')));
  });

  it('a GBK export read with --encoding gbk', async () => {
    expect(sorted((await found(['fixtures/broken/gbk-export.csv', '--encoding', 'gbk'])).findings)).toEqual(sorted(planted('broken/gbk-export.csv')));
  });
});

describe('broken inputs are accounted for record by record', () => {
  it('bad-lines.jsonl and missing-fields.csv: every skip with its line and reason, read = used + skipped', async () => {
    const { report } = await found(['fixtures/broken/bad-lines.jsonl', 'fixtures/broken/missing-fields.csv']);
    const skipped = (report as unknown as { skipped: Array<{ file: string; line: number; reason: string }> }).skipped;
    expect(skipped.map((s) => `${s.file.replace('fixtures/broken/', '')}:${s.line} ${s.reason}`)).toEqual([
      'bad-lines.jsonl:4 invalid JSON: Unterminated string in JSON at position 126',
      'bad-lines.jsonl:6 missing timestamp',
      'bad-lines.jsonl:8 missing conversation id',
      'bad-lines.jsonl:11 unknown role "alien"',
      'bad-lines.jsonl:12 unparseable timestamp "27/11/2026 晚上9点"',
      'bad-lines.jsonl:14 expected a message object, found a string "这一行是一个JSON字符串，不是对象"',
      'missing-fields.csv:4 missing conversation id',
      'missing-fields.csv:6 missing timestamp',
      'missing-fields.csv:11 missing conversation id',
      'missing-fields.csv:14 missing timestamp',
    ]);
    expect(report.summary).toMatchObject({ files: 2, messages: 20, skippedRecords: 10, recordsRead: 30 });
  });
});
