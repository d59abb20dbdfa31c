import { PRINTED_JSON, printsJson } from '../../model/diff.js';
import { jsonElements, printedElements } from '../../model/report.js';
import type { Formatter } from '../formatter.js';

const indent = (json: string, by: string) => json.replace(/\n/g, `\n${by}`);

/** Elements of a top-level list stringified together: one JSON.stringify per slice, not per element. */
const SLICE = 512;

/** A top-level list (an array, or a sequence read once, never held whole) as its key and elements. */
function* listChunks(key: string, items: Iterable<unknown>, comma: string): Generator<string> {
  let slice: unknown[] = [];
  // A full slice waits until the next element shows whether a comma follows it.
  let full: string | undefined;
  for (const item of items) {
    if (slice.length === SLICE) {
      yield full === undefined ? `  ${JSON.stringify(key)}: [\n` : `${full},\n`;
      full = jsonElements(slice);
      slice = [];
    }
    slice.push(item);
  }
  if (full === undefined && slice.length === 0) {
    yield `  ${JSON.stringify(key)}: []${comma}\n`;
    return;
  }
  if (full === undefined) yield `  ${JSON.stringify(key)}: [\n`;
  else yield `${full}${slice.length > 0 ? ',' : ''}\n`;
  if (slice.length > 0) yield `${jsonElements(slice)}\n`;
  yield `  ]${comma}\n`;
}

const COMMA_NEWLINE = new TextEncoder().encode(',\n');

/** A top-level list whose elements were printed ahead: their bytes copied, a comma and newline between pieces. */
function* printedChunks(key: string, pieces: Iterable<Uint8Array>, comma: string): Generator<string | Uint8Array> {
  let first = true;
  for (const piece of pieces) {
    yield first ? `  ${JSON.stringify(key)}: [\n` : COMMA_NEWLINE;
    yield piece;
    first = false;
  }
  yield first ? `  ${JSON.stringify(key)}: []${comma}\n` : `\n  ]${comma}\n`;
}

const isList = (value: unknown): value is Iterable<unknown> =>
  Array.isArray(value) || (typeof value === 'object' && value !== null && Symbol.iterator in value);

/**
 * The report as `JSON.stringify(report, null, 2)` would print it, produced piece by piece: the
 * top-level lists (findings, conversations, …) a slice of elements at a time, read from their sequences.
 */
function* jsonChunks(report: object): Generator<string | Uint8Array> {
  const entries = Object.entries(report).filter(([, value]) => value !== undefined);
  yield '{\n';
  for (const [i, [key, value]] of entries.entries()) {
    const comma = i < entries.length - 1 ? ',' : '';
    const printed = printedElements(value);
    if (printed) yield* printedChunks(key, printed, comma);
    else if (printsJson(value)) {
      // A value that prints itself (the baseline diff, whose lists may be on disk).
      yield `  ${JSON.stringify(key)}: `;
      yield* value[PRINTED_JSON]('  ');
      yield `${comma}\n`;
    } else if (isList(value)) yield* listChunks(key, value, comma);
    else yield `  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}${comma}\n`;
  }
  yield '}\n';
}

export const json: Formatter = {
  name: 'json',
  format: (report) => jsonChunks(report),
};
