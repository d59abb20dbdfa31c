import type { Formatter } from '../formatter.js';

export const json: Formatter = {
  name: 'json',
  format: (report) => `${JSON.stringify(report, null, 2)}\n`,
};
