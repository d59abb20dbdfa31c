import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/model/report.js';
import { chatlint, ROOT } from '../helpers/cli.js';
import { CASES } from '../../scripts/update-expected.mjs';

/** Each output format against a reviewed expected file (regenerate with `node scripts/update-expected.mjs`). */
describe('output formats match their expected files', () => {
  it.each(CASES as Array<[string, string[]]>)('%s', (name, args) => {
    const result = chatlint(['check', ...args], { env: { NO_COLOR: '1' } });
    expect(result.stdout).toBe(readFileSync(join(ROOT, 'tests/expected', name), 'utf8'));
  });

  it('the JSON report validates against the report schema, with schemaVersion 1', () => {
    const report = JSON.parse(readFileSync(join(ROOT, 'tests/expected/one-chat.json'), 'utf8'));
    expect(reportSchema.parse(report).schemaVersion).toBe(1);
  });

  it('NDJSON holds the same findings as the JSON report, one per line, then skips and the summary', () => {
    const report = JSON.parse(readFileSync(join(ROOT, 'tests/expected/one-chat.json'), 'utf8'));
    const lines = readFileSync(join(ROOT, 'tests/expected/one-chat.ndjson'), 'utf8').trimEnd().split('\n');
    const records = lines.map((l) => JSON.parse(l));
    expect(records.filter((r) => r.type === 'finding').map(({ type: _, ...finding }) => finding)).toEqual(report.findings);
    expect(records.filter((r) => r.type === 'skipped').map(({ type: _, ...skip }) => skip)).toEqual(report.skipped);
    expect(records.at(-1)).toEqual({ type: 'summary', schemaVersion: 1, tool: report.tool, ruleset: report.ruleset, summary: report.summary });
  });

  it('the agents CSV starts with a BOM and uses CRLF', () => {
    const csv = readFileSync(join(ROOT, 'tests/expected/nightly.agents.csv'), 'utf8');
    expect(csv.startsWith('\uFEFFagentId,agentName,conversations,messages,findings,conversationsScored,averageScore,medianScore,passRate,criticalCount,greeting-with-id,')).toBe(true);
    expect(csv.split('\r\n').length).toBeGreaterThan(5);
  });
});
