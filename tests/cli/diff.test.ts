import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatlint, tempDir, jsonLine as line } from '../helpers/cli.js';

const RULES = `name: team
rules:
  - id: rude
    kind: forbidden-phrase
    points: 10
    phrases: ["天啊", "我晕"]
  - id: runs
    kind: forbidden-punctuation
    severity: warning
    patterns: ["[!！]{2,}"]
`;
const msg = (conversation: string, minute: number, role: string, text: string, agent = '7') =>
  line({ conversation_id: conversation, timestamp: `2026-11-27T02:${String(minute).padStart(2, '0')}:00Z`, role, agent_id: role === 'agent' ? agent : undefined, text });

/** Last night: c1 has one 天啊; c2 has 我晕 by agent 8. */
const YESTERDAY = msg('c1', 0, 'customer', '你好') + msg('c1', 1, 'agent', '天啊') + msg('c2', 0, 'customer', '在吗') + msg('c2', 1, 'agent', '我晕', '8');
/** Tonight: c1's 天啊 moved one message later (unchanged) and agent 7 said it again in c3 (new); c2 is clean (resolved). */
const TODAY =
  msg('c1', 0, 'customer', '你好') + msg('c1', 1, 'agent', '您好') + msg('c1', 2, 'agent', '天啊') +
  msg('c2', 0, 'customer', '在吗') + msg('c2', 1, 'agent', '在的', '8') +
  msg('c3', 0, 'customer', '喂') + msg('c3', 1, 'agent', '天啊！！');

async function nights() {
  const dir = tempDir({ 'chatlint.yaml': RULES, 'yesterday.jsonl': YESTERDAY, 'today.jsonl': TODAY });
  expect((await chatlint(['check', 'yesterday.jsonl', '-o', 'yesterday.json'], { cwd: dir })).code).toBe(1);
  expect((await chatlint(['check', 'today.jsonl', '-o', 'today.json'], { cwd: dir })).code).toBe(1);
  return dir;
}

describe('chatlint diff', () => {
  it('pretty: totals, per agent and per rule, and the new findings', async () => {
    const dir = await nights();
    const result = await chatlint(['diff', 'yesterday.json', 'today.json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Since yesterday.json: 2 new, 1 resolved, 1 unchanged findings; average score 90.0 → 93.3 (+3.3)');
    expect(result.stdout).toMatch(/Per agent\n.*Agent\s+Name\s+New\s+Resolved\s+Unchanged\s+Score before\s+Score after\s+Change\n\s+7\s+2\s+0\s+1\s+90\.0\s+90\.0\s+0\.0\n\s+8\s+0\s+1\s+0\s+90\.0\s+100\.0\s+\+10\.0/);
    expect(result.stdout).toMatch(/Per rule\n.*\n\s+rude\s+1\s+1\s+1\n\s+runs\s+1\s+0\s+0/);
    expect(result.stdout).toMatch(/New findings\n\s+c3\s+rude\s+7 .*\n\s+c3\s+runs\s+7 /);
  });

  it('json and csv, by --format or by the -o extension', async () => {
    const dir = await nights();
    const json = JSON.parse((await chatlint(['diff', 'yesterday.json', 'today.json', '--format', 'json'], { cwd: dir })).stdout);
    expect(json).toMatchObject({ diffSchemaVersion: 1, worse: true, totals: { new: 2, resolved: 1, unchanged: 1 } });
    expect(json.newFindings.map((f: { conversationId: string }) => f.conversationId)).toEqual(['c3', 'c3']);
    expect(json.resolvedFindings).toMatchObject([{ conversationId: 'c2', agentId: '8', match: '我晕' }]);
    await chatlint(['diff', 'yesterday.json', 'today.json', '-o', 'diff.csv'], { cwd: dir });
    const rows = readFileSync(join(dir, 'diff.csv'), 'utf8').trimEnd().split('\r\n');
    expect(rows).toEqual([
      'scope,id,name,new,resolved,unchanged,scoreBefore,scoreAfter,scoreChange',
      'total,,,2,1,1,90,93.33,3.3',
      'agent,7,,2,0,1,90,90,0',
      'agent,8,,0,1,0,90,100,10',
      'rule,rude,,1,1,1,,,',
      'rule,runs,,1,0,0,,,',
    ]);
  });

  it('--fail-on-new exits 1 only when something got worse', async () => {
    const dir = await nights();
    expect((await chatlint(['diff', 'yesterday.json', 'today.json'], { cwd: dir })).code).toBe(0);
    expect((await chatlint(['diff', 'yesterday.json', 'today.json', '--fail-on-new'], { cwd: dir })).code).toBe(1);
    // A night that only resolves findings (c2 clean, c1's finding moved) is not worse.
    writeFileSync(join(dir, 'better.jsonl'), TODAY.split('\n').slice(0, 5).join('\n'));
    await chatlint(['check', 'better.jsonl', '-o', 'better.json'], { cwd: dir });
    const better = await chatlint(['diff', 'yesterday.json', 'better.json', '--fail-on-new'], { cwd: dir });
    expect(better.stdout).toContain('0 new, 1 resolved, 1 unchanged');
    expect(better.code).toBe(0);
    expect((await chatlint(['diff', 'today.json', 'today.json', '--fail-on-new'], { cwd: dir })).code).toBe(0);
  });

  it.each([
    ['missing.json', 'missing.json: cannot read the report (no such file)'],
    ['today.jsonl', 'today.jsonl: not a chatlint JSON report: not valid JSON (one object per line: an NDJSON report? diff needs --format json)'],
    ['other.json', 'other.json: not a chatlint JSON report (no schemaVersion; write one with check --format json -o other.json)'],
    ['future.json', 'future.json: report schemaVersion 2, but this chatlint reads schemaVersion 1'],
    ['broken.json', 'broken.json: not a valid chatlint report: summary: Invalid input: expected object, received undefined'],
  ])('a wrong file exits 2 with a clear line: %s', async (file, message) => {
    const dir = await nights();
    const report = JSON.parse(readFileSync(join(dir, 'today.json'), 'utf8'));
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ conversations: [] }));
    writeFileSync(join(dir, 'future.json'), JSON.stringify({ ...report, schemaVersion: 2 }));
    writeFileSync(join(dir, 'broken.json'), JSON.stringify({ ...report, summary: undefined }));
    const result = await chatlint(['diff', file, 'today.json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`chatlint: ${message}\n`);
  });

  it('warns when a report was written with --quiet (its warnings would look resolved)', async () => {
    const dir = await nights();
    await chatlint(['check', 'today.jsonl', '-o', 'quiet.json', '--quiet'], { cwd: dir });
    const result = await chatlint(['diff', 'today.json', 'quiet.json', '--format', 'json'], { cwd: dir });
    expect(result.stderr).toContain('quiet.json lists 2 of its 3 findings (written with --quiet?); the others count as resolved');
  });
});

describe('check --baseline', () => {
  it('pretty: the report, then what changed since the baseline', async () => {
    const dir = await nights();
    const result = await chatlint(['check', 'today.jsonl', '--baseline', 'yesterday.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Totals:[^]*\n\nSince yesterday\.json: 2 new, 1 resolved, 1 unchanged findings/);
  });

  it('json: the report carries a baseline field; stderr has the one-line summary', async () => {
    const dir = await nights();
    const result = await chatlint(['check', 'today.jsonl', '--baseline', 'yesterday.json', '-o', 'tonight.json'], { cwd: dir });
    expect(result.stderr).toContain('chatlint: since yesterday.json: 2 new, 1 resolved, 1 unchanged findings');
    const report = JSON.parse(readFileSync(join(dir, 'tonight.json'), 'utf8'));
    expect(report.baseline).toMatchObject({ baseline: { file: 'yesterday.json' }, current: { file: 'tonight.json' }, totals: { new: 2 } });
    // Tonight's report is tomorrow's baseline.
    expect((await chatlint(['diff', 'tonight.json', 'today.json', '--fail-on-new'], { cwd: dir })).code).toBe(0);
  });

  it('--fail-on-new: old findings do not fail the run, new ones do', async () => {
    const dir = await nights();
    expect((await chatlint(['check', 'yesterday.jsonl', '--baseline', 'yesterday.json', '--fail-on-new'], { cwd: dir })).code).toBe(0);
    const worse = await chatlint(['check', 'today.jsonl', '--baseline', 'yesterday.json', '--fail-on-new', '-f', 'json'], { cwd: dir });
    expect(worse.code).toBe(1);
    expect(worse.stderr).toContain('--fail-on-new: 2 findings are new since the baseline');
  });

  it('--fail-on-new without --baseline, or a baseline that is not a report, exit 2 before reading input', async () => {
    const dir = await nights();
    const alone = await chatlint(['check', 'today.jsonl', '--fail-on-new'], { cwd: dir });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe('chatlint: --fail-on-new needs --baseline <last-night.json> (or compare two reports with chatlint diff)\n');
    const wrong = await chatlint(['check', 'today.jsonl', '--baseline', 'chatlint.yaml'], { cwd: dir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('chatlint: chatlint.yaml: not a chatlint JSON report: not valid JSON\n');
  });
});
