import { join } from 'node:path';
import type { Message, SkippedRecord } from '../../src/model/message.js';
import type { ReadOptions } from '../../src/input/options.js';
import { eachEvent, type InputEvent } from '../../src/input/events.js';
import { readInput } from '../../src/input/read.js';
import { openFile, openInput } from '../../src/input/source.js';

export const ROOT = join(import.meta.dirname, '../..');
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
  for await (const event of events) {
    if (event.type === 'message') out.messages.push(event.message);
    else if (event.type === 'skip') out.skips.push(event.skip);
    else if (event.type === 'file') out.formats.push(event.format);
    else if (event.type === 'note') out.notes.push(event.message);
    else out.fileErrors.push(event.reason);
  }
  return out;
}

/** Feeds bytes in small chunks of an odd size, so UTF-16 code units and multi-byte characters are split. */
async function* chunked(bytes: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Reads bytes (or text, as UTF-8) under a file name, as the CLI would. */
export async function readBytes(label: string, content: string | Buffer, options: Partial<ReadOptions> = {}, forced?: string, chunkSize = 7): Promise<Events> {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const input = await openInput(label, chunked(bytes, chunkSize));
  return collect(eachEvent(readInput(input, { ...BASE_OPTIONS, ...options }, forced)));
}

/** Reads a file under fixtures/ (path relative to it). */
export async function readFixture(path: string, options: Partial<ReadOptions> = {}, forced?: string): Promise<Events> {
  const input = await openFile(fixture(path));
  try {
    return await collect(eachEvent(readInput(input, { ...BASE_OPTIONS, ...options }, forced)));
  } finally {
    await input.close?.();
  }
}

/** UTC ISO time to the second. */
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

/** The fields most assertions compare, in a compact row. */
export const row = (m: Message) => [m.conversationId, iso(m.timestamp), m.role, m.agentId ?? null, m.text];
