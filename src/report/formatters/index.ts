import type { AnyFormatter } from '../formatter.js';

/**
 * Every report format by name, each loaded only when a run asks for it: a `check -f json` never loads
 * string-width, the HTML page or the spreadsheet writer, which start-up time would otherwise pay for.
 * (`all.ts` holds the same formatters loaded at once, for the library API.)
 */
const LOADERS = {
  pretty: async () => (await import('./pretty.js')).pretty,
  json: async () => (await import('./json.js')).json,
  ndjson: async () => (await import('./ndjson.js')).ndjson,
  csv: async () => (await import('./csv.js')).csv,
  markdown: async () => (await import('./markdown.js')).markdown,
  html: async () => (await import('./html.js')).html,
  xlsx: async () => (await import('./xlsx.js')).xlsx,
} satisfies Record<string, () => Promise<AnyFormatter>>;

export type FormatName = keyof typeof LOADERS;
export const FORMAT_NAMES = Object.keys(LOADERS) as FormatName[];

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(LOADERS, name);
}

/** The formatter called `name`, or undefined when there is none. */
export async function loadFormatter(name: string): Promise<AnyFormatter | undefined> {
  return isFormatName(name) ? LOADERS[name]() : undefined;
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
  return name !== undefined && isFormatName(name) ? name : undefined;
}
