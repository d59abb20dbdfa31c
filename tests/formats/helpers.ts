import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Message, SkippedRecord } from '../../src/model/message.js';
import { findProductFormat } from '../../src/input/formats/index.js';
import type { ReaderContext, SniffSample } from '../../src/input/formats/types.js';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/formats');

/** Files that sit beside fixtures but are not exports themselves (claimed by no format). */
export const AUXILIARY = new Set(['slack/export/users.json', 'slack/export/channels.json', 'README.md']);

/** Every fixture file, as a path relative to fixtures/formats with "/" separators. */
export function fixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(FIXTURES, path).split(sep).join('/'));
    }
  };
  walk(FIXTURES);
  return out;
}

/** What the core shows a sniffer: the name, the first 64 KiB of text, and the parsed JSON for JSON files. */
export function sampleOf(path: string): SniffSample {
  const text = readFileSync(join(FIXTURES, path), 'utf8').replace(/^\uFEFF/, '');
  const sample: SniffSample = { fileName: path.split('/').pop() ?? path, head: text.slice(0, 64 * 1024) };
  if (path.endsWith('.json')) sample.json = JSON.parse(text) as unknown;
  return sample;
}

export interface ReadResult {
  messages: Message[];
  skips: SkippedRecord[];
  /** Record numbers in the order read, messages and skips together. */
  records: number[];
}

/** Reads text with a format, the way the core does. */
export function readText(format: string, text: string, ctx: Partial<ReaderContext> & { file: string }, json?: unknown): ReadResult {
  const product = findProductFormat(format);
  if (!product) throw new Error(`no format ${format}`);
  const messages: Message[] = [];
  const skips: SkippedRecord[] = [];
  const records: number[] = [];
  for (const event of product.read(text, json, { timezone: 'UTC', agents: [], ...ctx })) {
    if (event.type === 'message') {
      messages.push(event.message);
      records.push(event.message.source.record);
    } else {
      skips.push(event.skip);
      records.push(event.skip.record);
    }
  }
  return { messages, skips, records };
}

/** Reads a fixture (path relative to fixtures/formats) with its format. */
export function readFixture(format: string, path: string, ctx: Partial<ReaderContext> = {}): ReadResult {
  const file = join(FIXTURES, path);
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const json = path.endsWith('.json') ? (JSON.parse(text) as unknown) : undefined;
  return readText(format, text, { file, ...ctx }, json);
}

/** UTC ISO time to the second, for exact timestamp assertions. */
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The fields most assertions compare. */
export const brief = (m: Message) => ({
  conversationId: m.conversationId,
  time: iso(m.timestamp),
  role: m.role,
  agentId: m.agentId,
  text: m.text,
});
