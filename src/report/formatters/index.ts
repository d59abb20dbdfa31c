import type { Formatter } from '../formatter.js';
import { csv } from './csv.js';
import { html } from './html.js';
import { json } from './json.js';
import { ndjson } from './ndjson.js';
import { pretty } from './pretty.js';

export const FORMATTERS: readonly Formatter[] = [pretty, json, ndjson, csv, html];
export const FORMAT_NAMES = FORMATTERS.map((f) => f.name);

export function findFormatter(name: string): Formatter | undefined {
  return FORMATTERS.find((f) => f.name === name);
}
