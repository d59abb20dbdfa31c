import { describe, expect, it } from 'vitest';
import { reportSchemas } from '../../src/model/report.js';
import { chatlint, ROOT } from '../helpers/cli.js';
import { expectedFiles, readCase } from '../../scripts/expected-cases.mjs';
import { expectedOutput as output } from '../helpers/cli.js';

const CASES = expectedFiles(ROOT).map((file) => readCase(ROOT, file));

/**
 * Each output format against a reviewed expected file beside its fixture (fixtures/**\/*.expected: the
 * command on the first line, its stdout below; regenerate with `node scripts/update-expected.mjs`).
 */
describe('output formats match their expected files', () => {
  it('finds the cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(18);
  });

  it.each(CASES.map((c) => [c.file, c] as const))('%s', async (_file, { args, output }) => {
    const result = await chatlint(args, { env: { NO_COLOR: '1' } });
    expect(result.stdout).toBe(output);
  });

  it('the JSON report validates against the report schema, with schemaVersion 1', () => {
    const report = JSON.parse(output('fixtures/transcript/one-chat.json.expected'));
    expect(reportSchemas().report.parse(report).schemaVersion).toBe(1);
  });

  it('NDJSON holds the same findings as the JSON report, one per line, then skips and the summary', () => {
    const report = JSON.parse(output('fixtures/transcript/one-chat.json.expected'));
    const lines = output('fixtures/transcript/one-chat.ndjson.expected').trimEnd().split('\n');
    const records = lines.map((l) => JSON.parse(l));
    expect(records.filter((r) => r.type === 'finding').map(({ type: _, ...finding }) => finding)).toEqual(report.findings);
    expect(records.filter((r) => r.type === 'skipped').map(({ type: _, ...skip }) => skip)).toEqual(report.skipped);
    expect(records.at(-1)).toEqual({ type: 'summary', schemaVersion: 1, tool: report.tool, ruleset: report.ruleset, summary: report.summary });
  });

  it('the agents CSV starts with a BOM and uses CRLF', () => {
    const csv = output('fixtures/nightly/agents.csv.expected');
    expect(csv.startsWith('\uFEFFagentId,agentName,conversations,messages,findings,conversationsScored,averageScore,medianScore,passRate,criticalCount,greeting-with-id,')).toBe(true);
    expect(csv.split('\r\n').length).toBeGreaterThan(5);
  });
});
