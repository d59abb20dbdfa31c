import type { Formatter } from '../formatter.js';

/** One finding object per line, the same fields as the JSON report's findings. */
export const ndjson: Formatter = {
  name: 'ndjson',
  *format(report) {
    for (const finding of report.findings) yield `${JSON.stringify(finding)}\n`;
  },
};
