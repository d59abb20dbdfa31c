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

/**
 * Guesses the canonical format from content, for stdin and files with unfamiliar names: JSON Lines when
 * the first line is a whole JSON value and more lines follow, JSON when the text opens with { or [
 * otherwise, else CSV or TSV by which separator the header row uses more.
 */
function sniffCanonical(head: string): CanonicalFormat {
  const trimmed = head.replace(/^\uFEFF/, '').trimStart();
  const [firstLine = '', ...rest] = trimmed.split('\n');
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      JSON.parse(firstLine);
      return rest.some((l) => l.trim() !== '') ? 'jsonl' : 'json';
    } catch {
      return 'json';
    }
  }
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

function decodeWhole(bytes: Buffer, options: ReadOptions): string {
  const text = decodeStrict(stripUtf8Bom(bytes), options.encoding);
  if (text === null) throw new InputError(`not valid ${options.encoding === 'utf8' ? 'UTF-8' : options.encoding} text (try --encoding)`);
  return text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`invalid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads one opened input with the forced format, or the one its name and content show.
 * Product exports are claimed by their sniffers first (JSON ones need the parsed document, CSV ones
 * the header row, text ones the first lines); what nobody claims is read as a canonical format.
 */
export async function* readInput(input: OpenedInput, options: ReadOptions, forced?: string): AsyncIterable<InputEvent> {
  const file = input.label;
  const extension = extname(file).toLowerCase();
  const headText = decodeStrict(stripUtf8Bom(input.head), options.encoding) ?? input.head.toString('latin1');
  const context = { file, timezone: options.timezone, agents: options.agents };
  try {
    const forcedProduct = forced ? findProductFormat(forced) : undefined;
    const format: string = forced ?? BY_EXTENSION[extension] ?? sniffCanonical(headText);
    if (forcedProduct || format === 'json') {
      const text = decodeWhole(await readAll(input), options);
      const json = /^\s*[[{]/.test(text) ? parseJson(text) : undefined;
      const product = forcedProduct ?? (forced ? undefined : sniffProduct(file, headText, json));
      if (product) {
        yield { type: 'file', file, format: product.name };
        yield* product.read(text, json, context);
        return;
      }
      if (json === undefined) throw new InputError('not JSON');
      yield { type: 'file', file, format: 'json' };
      yield* readJsonDocument(json, file, options);
      return;
    }
    if (!forced && format !== 'jsonl') {
      const product = sniffProduct(file, headText, undefined);
      if (product) {
        const text = decodeWhole(await readAll(input), options);
        yield { type: 'file', file, format: product.name };
        yield* product.read(text, undefined, context);
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
