import { extname } from 'node:path';
import type { ReadEvent } from '../model/message.js';
import { readDelimited, InputError } from './csv.js';
import { decodeStrict, stripUtf8Bom } from './encoding.js';
import { PRODUCT_FORMATS, findProductFormat } from './formats/index.js';
import type { ProductFormat } from './formats/types.js';
import { readJsonDocument } from './json.js';
import { readJsonLines } from './jsonl.js';
import type { ReadOptions } from './options.js';
import { openFile, readAll, type OpenedInput } from './source.js';

export const CANONICAL_FORMATS = ['jsonl', 'json', 'csv', 'tsv'] as const;
export type CanonicalFormat = (typeof CANONICAL_FORMATS)[number];

export function inputFormatNames(): string[] {
  return [...CANONICAL_FORMATS, ...PRODUCT_FORMATS.map((f) => f.name)];
}

/** What reading one input yields: its records, plus a note of the format used or why the file was unusable. */
export type InputEvent =
  | ReadEvent
  | { type: 'file'; file: string; format: string }
  | { type: 'file-error'; file: string; reason: string };

const BY_EXTENSION: Record<string, CanonicalFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json', '.csv': 'csv', '.tsv': 'tsv' };

/** Guesses the canonical format from content, for stdin and files with unfamiliar names. */
function sniffCanonical(head: string): CanonicalFormat {
  const trimmed = head.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const firstLine = trimmed.split('\n', 1)[0] ?? '';
    try {
      JSON.parse(firstLine);
      return trimmed.startsWith('{') ? 'jsonl' : 'json';
    } catch {
      return 'json';
    }
  }
  const firstLine = trimmed.split('\n', 1)[0] ?? '';
  return (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? 'tsv' : 'csv';
}

function sniffProduct(label: string, head: string, json: unknown): ProductFormat | undefined {
  return PRODUCT_FORMATS.find((format) => {
    try {
      return format.sniff({ fileName: label, head, json });
    } catch {
      return false;
    }
  });
}

function parseJsonText(bytes: Buffer, options: ReadOptions): { text: string; json: unknown; error?: string } {
  const text = decodeStrict(stripUtf8Bom(bytes), options.encoding);
  if (text === null) return { text: '', json: undefined, error: `not valid ${options.encoding === 'utf8' ? 'UTF-8' : options.encoding} text (try --encoding)` };
  try {
    return { text, json: JSON.parse(text) };
  } catch (error) {
    return { text, json: undefined, error: `invalid JSON: ${(error as Error).message}` };
  }
}

/** Reads one opened input with the forced format, or the one its name and content show. */
export async function* readInput(input: OpenedInput, options: ReadOptions, forced?: string): AsyncIterable<InputEvent> {
  const file = input.label;
  const extension = extname(file).toLowerCase();
  const headText = decodeStrict(stripUtf8Bom(input.head), options.encoding) ?? input.head.toString('latin1');
  let format: string = forced ?? BY_EXTENSION[extension] ?? sniffCanonical(headText);

  try {
    if (format === 'json' || findProductFormat(format) || (!forced && !(extension in BY_EXTENSION))) {
      // Read whole: JSON documents and product exports are not line-oriented.
      const bytes = await readAll(input);
      const looksJson = /^\s*[[{]/.test(headText.replace(/^\uFEFF/, ''));
      const parsed = looksJson ? parseJsonText(bytes, options) : { text: decodeStrict(stripUtf8Bom(bytes), options.encoding) ?? '', json: undefined };
      const product = forced ? findProductFormat(forced) : sniffProduct(file, headText, parsed.json);
      if (product) {
        yield { type: 'file', file, format: product.name };
        yield* product.read(parsed.text, parsed.json, { file, timezone: options.timezone, agents: options.agents });
        return;
      }
      if (!looksJson && format !== 'json') {
        // Not JSON after all and no product claims it: stream it as the canonical format it looks like.
        format = sniffCanonical(headText);
        if (format === 'json') throw new InputError('not a recognised chat export');
        const replay: OpenedInput = { label: file, head: bytes.subarray(0, input.head.length), chunks: async function* () { yield bytes; } };
        yield { type: 'file', file, format };
        yield* format === 'jsonl' ? readJsonLines(replay, options) : readDelimited(replay, options, format === 'tsv' ? '\t' : ',');
        return;
      }
      if (parsed.error) throw new InputError(parsed.error);
      yield { type: 'file', file, format: 'json' };
      yield* readJsonDocument(parsed.json, file, options);
      return;
    }
    if ((format === 'csv' || format === 'tsv') && !forced) {
      const product = sniffProduct(file, headText, undefined);
      if (product) {
        const bytes = await readAll(input);
        yield { type: 'file', file, format: product.name };
        yield* product.read(decodeStrict(stripUtf8Bom(bytes), options.encoding) ?? '', undefined, { file, timezone: options.timezone, agents: options.agents });
        return;
      }
    }
    yield { type: 'file', file, format };
    if (format === 'jsonl') yield* readJsonLines(input, options);
    else yield* readDelimited(input, options, format === 'tsv' ? '\t' : ',');
  } catch (error) {
    if (error instanceof InputError) {
      yield { type: 'file-error', file, reason: error.message };
      return;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code) {
      yield { type: 'file-error', file, reason: `cannot read file: ${code}` };
      return;
    }
    throw error;
  }
}

/** Reads every file in order; a file that cannot be opened is a file-error, never a crash. */
export async function* readFiles(files: string[], options: ReadOptions, forced?: string): AsyncIterable<InputEvent> {
  for (const file of files) {
    let input: OpenedInput;
    try {
      input = await openFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      yield { type: 'file-error', file, reason: code === 'EISDIR' ? 'is a directory' : `cannot read file: ${code}` };
      continue;
    }
    yield* readInput(input, options, forced);
  }
}
