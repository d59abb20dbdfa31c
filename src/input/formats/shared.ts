/**
 * Small helpers shared by the product-format readers: safe access to parsed JSON, HTML to text,
 * and a record counter that turns readings into ReadEvents with a SourceRef.
 */
import { basename, extname } from 'node:path';
import type { Message, ReadEvent } from '../../model/message.js';
import { isJsonObject as isObject } from '../json-shape.js';
import { keyedByInput } from '../../model/records.js';

export type JsonObject = Record<string, unknown>;
export { isObject };

/** A string for strings and finite numbers (ids are often numbers), otherwise undefined. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A non-empty trimmed string, or undefined. */
export function nonEmpty(value: unknown): string | undefined {
  const s = str(value)?.trim();
  return s ? s : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function objects(value: unknown): JsonObject[] {
  return arr(value).filter(isObject);
}

/** Joins the string values (or `name` fields) of a tag-like array: ["a", {name: "b"}] → "a,b". */
export function joinNames(value: unknown): string | undefined {
  const names: string[] = [];
  for (const item of arr(value)) {
    const name = isObject(item) ? nonEmpty(item['name']) : nonEmpty(item);
    if (name) names.push(name);
  }
  return names.length > 0 ? names.join(',') : undefined;
}

/** Keeps only the entries with a defined, non-empty value. */
export function compactMeta(entries: Record<string, string | undefined>): Record<string, string> | undefined {
  const out = keyedByInput<string>();
  let filled = false;
  for (const [key, value] of Object.entries(entries)) {
    if (value !== undefined && value !== '') {
      out[key] = value;
      filled = true;
    }
  }
  return filled ? out : undefined;
}

/** The JSON document: `json` when the caller already parsed it, else parsed from `text`; undefined when invalid. */
export function documentOf(text: string, json: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (json !== undefined) return { ok: true, value: json };
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** File name without directory and extension: "exports/chat with Ann.txt" → "chat with Ann". */
export function fileStem(file: string): string {
  const base = basename(file);
  const ext = extname(base);
  return ext ? base.slice(0, -ext.length) : base;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„',
  laquo: '«', raquo: '»', middot: '·', bull: '•', copy: '©', reg: '®', trade: '™', deg: '°',
  euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', times: '×', divide: '÷', iexcl: '¡', iquest: '¿',
  zwj: '\u200D', zwnj: '\u200C', shy: '',
};

/** Decodes HTML character references (named ones in common use, decimal and hex); unknown names stay as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}));/g, (whole, dec?: string, hex?: string, name?: string) => {
    if (dec !== undefined || hex !== undefined) {
      const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
      return String.fromCodePoint(code);
    }
    const named = name !== undefined ? NAMED_ENTITIES[name.toLowerCase()] : undefined;
    return named ?? whole;
  });
}

/**
 * HTML fragment to plain text: <br> and block ends (</p>, </div>, </li>, headings) become line breaks,
 * other tags are dropped (link text kept), entities decoded, runs of blank lines collapsed, edges trimmed.
 */
export function htmlToText(html: string): string {
  if (!/<\/?[a-zA-Z][^>]*>/.test(html)) return decodeEntities(html).trim();
  // Block boundaries are soft breaks (several in a row make one line break); <br> is a hard break.
  const SOFT = '\u0000';
  const text = html
    .replace(/\u0000/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    // In HTML, source line breaks are just white space; only tags break lines.
    .replace(/[ \t]*[\r\n]+[ \t]*/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, `${SOFT}- `)
    .replace(/<\/(?:p|div|li|h[1-6]|blockquote|pre|tr)\s*>/gi, SOFT)
    .replace(/<\/?(?:ul|ol|table)\b[^>]*>/gi, SOFT)
    .replace(/<\/?[a-zA-Z][^>]*>/g, '')
    .replace(/[ \t]*\u0000(?:[ \t]*\u0000)*[ \t]*/g, '\n');
  return decodeEntities(text)
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Whether a string looks like it carries HTML markup (a tag or an entity). */
export function looksLikeHtml(text: string): boolean {
  return /<\/?[a-zA-Z][^>]*>|&(?:#\d+|#x[0-9a-f]+|[a-z]+);/i.test(text);
}

/**
 * Numbers the records of one file as they are read and wraps them into ReadEvents.
 * Every message-like record gets the next number, whether it becomes a message or a skip.
 */
export class RecordCounter {
  private count = 0;
  constructor(private readonly file: string) {}

  message(fields: Omit<Message, 'source'>, line: number | null = null): ReadEvent {
    this.count += 1;
    const message: Message = { ...fields, source: { file: this.file, line, record: this.count } };
    if (message.agentId === undefined) delete message.agentId;
    if (message.agentName === undefined) delete message.agentName;
    if (message.meta === undefined) delete message.meta;
    if (message.id === undefined) delete message.id;
    if (message.replyTo === undefined) delete message.replyTo;
    return { type: 'message', message };
  }

  skip(reason: string, line: number | null = null): ReadEvent {
    this.count += 1;
    return { type: 'skip', skip: { file: this.file, line, record: this.count, reason } };
  }

  get records(): number {
    return this.count;
  }
}

/**
 * Opens a JSON product export: what `find` finds in the parsed document, with a record counter, or the
 * one skip that says why the file holds nothing of this format (not JSON, or not this product's shape).
 */
export function openJsonExport<T>(
  text: string,
  json: unknown,
  file: string,
  find: (document: unknown) => T | undefined,
  notThisFormat: string,
): { ok: true; found: T; counter: RecordCounter } | { ok: false; skip: ReadEvent } {
  const doc = documentOf(text, json);
  if (!doc.ok) return { ok: false, skip: documentSkip(file, `not valid JSON: ${doc.error}`) };
  const counter = new RecordCounter(file);
  const found = find(doc.value);
  return found === undefined ? { ok: false, skip: counter.skip(notThisFormat) } : { ok: true, found, counter };
}

/** A file-level problem (unparsable document): one skip so the file is still accounted for. */
export function documentSkip(file: string, reason: string): ReadEvent {
  return { type: 'skip', skip: { file, line: null, record: 1, reason } };
}

/** Short description of a value for skip reasons: strings quoted and cut to 40 characters. */
export function show(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
