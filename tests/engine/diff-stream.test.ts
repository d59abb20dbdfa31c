import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffReports, findingIdentity } from '../../src/engine/diff.js';
import { loadReportFile, openReportFile } from '../../src/input/report-file.js';
import type { Finding, Report } from '../../src/model/report.js';
import { chatlint, expectedOutput } from '../helpers/cli.js';
import { generatedNight } from '../helpers/night.js';

const dir = mkdtempSync(join(tmpdir(), 'chatlint-diff-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEMPLATE = JSON.parse(expectedOutput('fixtures/transcript/one-chat.json.expected')) as Report;
const BASE_FINDING = TEMPLATE.findings[0] as Finding;
const FILES = { baseline: 'yesterday.json', current: 'today.json' };

/**
 * The comparison as it was first written, holding both reports (the reference): identities grouped in a
 * Map in order of appearance, baseline first; new and resolved findings then sorted by conversation,
 * message and rule.
 */
function referenceLists(before: Finding[], after: Finding[]): { newFindings: Finding[]; resolvedFindings: Finding[] } {
  const group = (findings: Finding[]) => {
    const groups = new Map<string, Finding[]>();
    for (const f of findings) groups.set(findingIdentity(f), [...(groups.get(findingIdentity(f)) ?? []), f]);
    return groups;
  };
  const then = group(before);
  const now = group(after);
  const newFindings: Finding[] = [];
  const resolvedFindings: Finding[] = [];
  for (const key of new Set([...then.keys(), ...now.keys()])) {
    const a = then.get(key) ?? [];
    const b = now.get(key) ?? [];
    const same = Math.min(a.length, b.length);
    newFindings.push(...b.slice(same));
    resolvedFindings.push(...a.slice(same));
  }
  const order = (x: Finding, y: Finding) => x.conversationId.localeCompare(y.conversationId, 'en', { numeric: true }) || x.messageIndex - y.messageIndex || x.ruleId.localeCompare(y.ruleId);
  return { newFindings: newFindings.sort(order), resolvedFindings: resolvedFindings.sort(order) };
}

describe('the comparison reads findings in passes and lists exactly what the in-memory comparison listed', () => {
  it('on random nights with repeated identities and ties', async () => {
    let seed = 11;
    const random = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    const night = (count: number): Finding[] =>
      Array.from({ length: count }, () => {
        const text = ['天啊', '我晕', 'no idea', '？？'][random(4)] as string;
        return { ...BASE_FINDING, conversationId: `C${random(6)}`, ruleId: ['rude', 'slow', 'punct'][random(3)] as string, agentId: ['7', '8', null][random(3)] ?? null, match: random(5) === 0 ? null : text, excerpt: `… ${text} …`, messageIndex: random(4) };
      });
    for (let round = 0; round < 40; round++) {
      const before = night(random(30));
      const after = [...before.filter(() => random(3) > 0), ...night(random(30))];
      const diff = await diffReports({ ...TEMPLATE, findings: before }, { ...TEMPLATE, findings: after }, FILES);
      const expected = referenceLists(before, after);
      expect(diff.newFindings).toEqual(expected.newFindings);
      expect(diff.resolvedFindings).toEqual(expected.resolvedFindings);
      expect(diff.totals.new + diff.totals.unchanged).toBe(after.length);
      expect(diff.totals.resolved + diff.totals.unchanged).toBe(before.length);
      expect([diff.baseline.listed, diff.current.listed]).toEqual([before.length, after.length]);
    }
  });
});

describe('a JSON report read in passes', () => {
  const nightFile = generatedNight(dir, 'night.jsonl', 'time');
  const written = join(dir, 'report.json');

  it('gives the head and findings a whole read gives, in every layout', async () => {
    await chatlint(['check', nightFile, '-f', 'json', '-o', written]);
    const whole = loadReportFile(written);
    const layouts: Record<string, string> = {
      compact: JSON.stringify(whole),
      bom: `\uFEFF${JSON.stringify(whole, null, 2)}\n`,
      'no findings': JSON.stringify({ ...whole, findings: [] }, null, 2),
    };
    for (const [name, text] of [['as written', undefined], ...Object.entries(layouts)] as Array<[string, string | undefined]>) {
      const path = text === undefined ? written : join(dir, `${name}.json`);
      if (text !== undefined) writeFileSync(path, text);
      const opened = await openReportFile(path);
      const findings: Finding[] = [];
      for await (const f of opened.findings) findings.push(f);
      expect(findings, name).toEqual(name === 'no findings' ? [] : whole.findings);
      expect(opened.head.summary, name).toEqual(whole.summary);
      expect(opened.head.agents, name).toEqual(whole.agents);
    }
  });

  it('a damaged findings list is exit 2 naming the file and the finding', async () => {
    const text = JSON.stringify(loadReportFile(written), null, 2);
    const findingsAt = text.indexOf('  "findings": [\n');
    const cases: Array<[string, string, string]> = [
      ['cut', text.slice(0, findingsAt + 2000), 'it ends inside its findings'],
      ['bad-field', text.replace(/("findings": \[\n {4}\{\n {6}"ruleId": )"[^"]*"/, '$1 42'), 'findings.0.ruleId'],
      ['bad-json', text.replace(/("findings": \[\n {4}\{\n {6}"ruleId": )/, '$1 ,'), 'findings.0 is not valid JSON'],
    ];
    for (const [name, content, reason] of cases) {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, content);
      const run = await chatlint(['diff', path, written]);
      expect(run.code, name).toBe(2);
      expect(run.stderr, name).toContain(path);
      expect(run.stderr, name).toContain(reason);
      const tonight = join(dir, `${name}-tonight.json`);
      const gate = await chatlint(['check', nightFile, '-f', 'json', '--baseline', path, '-o', tonight]);
      expect(gate.code, name).toBe(2);
      expect(gate.stderr, name).toContain(reason);
      expect(existsSync(tonight), name).toBe(false);
    }
  });
});
