import type { AnyFormatter } from '../formatter.js';
import { csv } from './csv.js';
import { html } from './html.js';
import { json } from './json.js';
import { markdown } from './markdown.js';
import { ndjson } from './ndjson.js';
import { pretty } from './pretty.js';
import { xlsx } from './xlsx.js';

export const FORMATTERS: readonly AnyFormatter[] = [pretty, json, ndjson, csv, markdown, html, xlsx];
export const FORMAT_NAMES = FORMATTERS.map((f) => f.name);

export function findFormatter(name: string): AnyFormatter | undefined {
  return FORMATTERS.find((f) => f.name === name);
}

/**
 * The one table of report-file extensions: `-o report.<ext>` picks the format when --format is not given.
 * An extension whose format is not registered above picks nothing.
 */
const FORMAT_BY_EXTENSION: Readonly<Record<string, string>> = {
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  csv: 'csv',
  md: 'markdown',
  markdown: 'markdown',
  xlsx: 'xlsx',
  html: 'html',
  htm: 'html',
};

export function formatFromExtension(path: string): string | undefined {
  const ext = path.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  const name = ext === undefined ? undefined : FORMAT_BY_EXTENSION[ext];
  return name !== undefined && findFormatter(name) ? name : undefined;
}
