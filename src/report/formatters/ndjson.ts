import type { Formatter } from '../formatter.js';

/**
 * One record per line, each with a `type`: every finding (the JSON report's finding fields), every skipped
 * record, then one summary line. A reader can act on findings as they stream past and knows the report is
 * complete when the summary arrives.
 */
export const ndjson: Formatter = {
  name: 'ndjson',
  *format(report) {
    for (const finding of report.findings) yield `${JSON.stringify({ type: 'finding', ...finding })}\n`;
    for (const skipped of report.skipped) yield `${JSON.stringify({ type: 'skipped', ...skipped })}\n`;
    const { schemaVersion, tool, ruleset, summary } = report;
    yield `${JSON.stringify({ type: 'summary', schemaVersion, tool, ruleset, summary })}\n`;
  },
};
