import type { Formatter } from '../formatter.js';

/** One finding object per line, the same fields as the JSON report's findings. */
export const ndjson: Formatter = {
  name: 'ndjson',
  format: (report) => report.findings.map((f) => `${JSON.stringify(f)}\n`).join(''),
};
