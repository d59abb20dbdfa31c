import type { AnyFormatter } from '../formatter.js';
import { csv } from './csv.js';
import { html } from './html.js';
import { json } from './json.js';
import { markdown } from './markdown.js';
import { ndjson } from './ndjson.js';
import { pretty } from './pretty.js';
import { xlsx } from './xlsx.js';

/** Every formatter, loaded at once: for the library API and tests (the CLI loads one by name from index.ts). */
export const FORMATTERS: readonly AnyFormatter[] = [pretty, json, ndjson, csv, markdown, html, xlsx];

export function findFormatter(name: string): AnyFormatter | undefined {
  return FORMATTERS.find((f) => f.name === name);
}
