import type { Formatter } from '../formatter.js';

const indent = (json: string, by: string) => json.replace(/\n/g, `\n${by}`);

/**
 * The report as `JSON.stringify(report, null, 2)` would print it, produced piece by piece: the
 * top-level arrays (findings, conversations, …) one element at a time.
 */
function* jsonChunks(report: object): Generator<string> {
  const entries = Object.entries(report).filter(([, value]) => value !== undefined);
  yield '{\n';
  for (const [i, [key, value]] of entries.entries()) {
    const comma = i < entries.length - 1 ? ',' : '';
    if (Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let j = 0; j < value.length; j++) {
        yield `    ${indent(JSON.stringify(value[j], null, 2), '    ')}${j < value.length - 1 ? ',' : ''}\n`;
      }
      yield `  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}${comma}\n`;
    }
  }
  yield '}\n';
}

export const json: Formatter = {
  name: 'json',
  format: (report) => jsonChunks(report),
};
