/** Reading exports in tests: bytes or fixtures through the readers, the way the CLI does, and compact views of what came out. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { eachEvent, type InputEvent } from '../../src/input/events.js';
import { findProductFormat } from '../../src/input/formats/index.js';
import type { ReaderContext, SniffSample } from '../../src/input/formats/types.js';
import type { ReadOptions } from '../../src/input/options.js';
import { readInput } from '../../src/input/read.js';
import { openFile, openInput } from '../../src/input/source.js';
import type { Message, SkippedRecord } from '../../src/model/message.js';
import { ROOT } from './cli.js';

/** A file under fixtures/ (path relative to it). */
export const fixture = (path: string): string => join(ROOT, 'fixtures', path);

export const BASE_OPTIONS: ReadOptions = { timezone: 'Asia/Shanghai', encoding: 'auto', maxLineBytes: 1 << 20, agents: [] };

export interface Events {
  messages: Message[];
  skips: SkippedRecord[];
  formats: string[];
  fileErrors: string[];
  notes: string[];
}

async function collect(events: AsyncIterable<InputEvent>): Promise<Events> {
  const out: Events = { messages: [], skips: [], formats: [], fileErrors: [], notes: [] };
  for await (const event of eachEvent(events)) {
    if (event.type === 'message') out.messages.push(event.message);
    else if (event.type === 'skip') out.skips.push(event.skip);
    else if (event.type === 'file') out.formats.push(event.format);
    else if (event.type === 'note') out.notes.push(event.message);
    else out.fileErrors.push(event.reason);
  }
  return out;
}

/** Feeds bytes in small chunks of an odd size, so UTF-16 code units, multi-byte characters and lines are split. */
async function* chunked(bytes: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Reads bytes (or text, as UTF-8) under a file name, as the CLI would. */
export async function readBytes(label: string, content: string | Buffer, options: Partial<ReadOptions> = {}, forced?: string, chunkSize = 7): Promise<Events> {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const input = await openInput(label, chunked(bytes, chunkSize));
  return collect(readInput(input, { ...BASE_OPTIONS, ...options }, forced));
}

/** Reads a file under fixtures/ (path relative to it). */
export async function readFixture(path: string, options: Partial<ReadOptions> = {}, forced?: string): Promise<Events> {
  const input = await openFile(fixture(path));
  try {
    return await collect(readInput(input, { ...BASE_OPTIONS, ...options }, forced));
  } finally {
    await input.close?.();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Product formats, read directly by their reader (fixtures/formats/)

export const FORMAT_FIXTURES = join(ROOT, 'fixtures/formats');

/** Files that sit beside fixtures but are not exports themselves (claimed by no format): notes, Slack metadata, expected outputs. */
export function isAuxiliary(path: string): boolean {
  return ['slack/export/users.json', 'slack/export/channels.json', 'README.md', 'SOURCES.md', 'telegram/roles.yaml'].includes(path) || path.endsWith('.expected');
}

/** Every product-format fixture file, as a path relative to fixtures/formats with "/" separators. */
export function formatFixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(FORMAT_FIXTURES, path).split(sep).join('/'));
    }
  };
  walk(FORMAT_FIXTURES);
  return out;
}

/** What the core shows a sniffer: the name, the first 64 KiB of text, and the parsed JSON for JSON files. */
export function sampleOf(path: string): SniffSample {
  const text = readFileSync(join(FORMAT_FIXTURES, path), 'utf8').replace(/^\uFEFF/, '');
  const sample: SniffSample = { fileName: path.split('/').pop() ?? path, head: text.slice(0, 64 * 1024) };
  if (path.endsWith('.json')) sample.json = JSON.parse(text) as unknown;
  return sample;
}

export interface ProductRead {
  messages: Message[];
  skips: SkippedRecord[];
  /** Record numbers in the order read, messages and skips together. */
  records: number[];
}

/** Reads text with one product format's reader, the way the core does. */
export function readProduct(format: string, text: string, ctx: Partial<ReaderContext> & { file: string }, json?: unknown): ProductRead {
  const product = findProductFormat(format);
  if (!product) throw new Error(`no format ${format}`);
  const out: ProductRead = { messages: [], skips: [], records: [] };
  for (const event of product.read(text, json, { timezone: 'UTC', agents: [], ...ctx })) {
    if (event.type === 'message') {
      out.messages.push(event.message);
      out.records.push(event.message.source.record);
    } else {
      out.skips.push(event.skip);
      out.records.push(event.skip.record);
    }
  }
  return out;
}

/** Reads a product-format fixture (path relative to fixtures/formats) with its format. */
export function readProductFixture(format: string, path: string, ctx: Partial<ReaderContext> = {}): ProductRead {
  const file = join(FORMAT_FIXTURES, path);
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const json = path.endsWith('.json') ? (JSON.parse(text) as unknown) : undefined;
  return readProduct(format, text, { file, ...ctx }, json);
}

// ---------------------------------------------------------------------------------------------------------
// Compact views for assertions

/** UTC ISO time, without milliseconds when they are zero. */
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

/** UTC ISO time cut to the second (product formats' stamps carry no milliseconds worth comparing). */
export const isoSecond = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The fields most reader assertions compare, in a compact row. */
export const row = (m: Message) => [m.conversationId, iso(m.timestamp), m.role, m.agentId ?? null, m.text];

/** The fields most product-format assertions compare. */
export const brief = (m: Message) => ({
  conversationId: m.conversationId,
  time: isoSecond(m.timestamp),
  role: m.role,
  agentId: m.agentId,
  text: m.text,
});
