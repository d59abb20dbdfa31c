import type { Formatter } from '../formatter.js';

const indent = (json: string, by: string) => json.replace(/\n/g, `\n${by}`);

/** Elements of a top-level array stringified together: one JSON.stringify per slice, not per element. */
const SLICE = 512;

/**
 * The elements `from`…`to` of an array as `JSON.stringify(report, null, 2)` prints them inside the report
 * (four spaces in), each line but the last ending in a comma: a slice nested as deep as the report nests
 * it comes out indented as the report indents it, and only the wrapper's lines are cut off.
 */
function elements(value: readonly unknown[], from: number, to: number): string {
  const text = JSON.stringify({ a: value.slice(from, to) }, null, 2);
  // '{\n  "a": [\n' … '\n  ]\n}'
  return text.slice(WRAP_HEAD, -WRAP_TAIL);
}
const WRAP_HEAD = '{\n  "a": [\n'.length;
const WRAP_TAIL = '\n  ]\n}'.length;

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
