import type { Formatter } from '../formatter.js';

const indent = (json: string, by: string) => json.replace(/\n/g, `\n${by}`);

/** Elements of a top-level array stringified together: one JSON.stringify per slice, not per element. */
const SLICE = 512;

/**
 * The elements `from`…`to` of an array as `JSON.stringify(report, null, 2)` prints them inside the report
 * (four spaces in), each line but the last ending in a comma. Stringifying a slice as an array indents its
 * elements by two; two more make four. Newlines inside strings are escaped, so only layout newlines move.
 */
function elements(value: readonly unknown[], from: number, to: number): string {
  const text = JSON.stringify(value.slice(from, to), null, 2);
  // "[\n  {…},\n  {…}\n]" → "    {…},\n    {…}"
  return `  ${indent(text.slice(2, -2), '  ')}`;
}

/**
 * The report as `JSON.stringify(report, null, 2)` would print it, produced piece by piece: the
 * top-level arrays (findings, conversations, …) a slice of elements at a time.
 */
function* jsonChunks(report: object): Generator<string> {
  const entries = Object.entries(report).filter(([, value]) => value !== undefined);
  yield '{\n';
  for (const [i, [key, value]] of entries.entries()) {
    const comma = i < entries.length - 1 ? ',' : '';
    if (Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let from = 0; from < value.length; from += SLICE) {
        const to = Math.min(from + SLICE, value.length);
        yield `${elements(value, from, to)}${to < value.length ? ',' : ''}\n`;
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
