import type { Message, SkippedRecord } from '../../src/model/message.js';
import type { ReadOptions } from '../../src/input/options.js';
import { eachEvent } from '../../src/input/events.js';
import { readInput } from '../../src/input/read.js';
import { openInput } from '../../src/input/source.js';

export const OPTIONS: ReadOptions = { timezone: 'Asia/Shanghai', encoding: 'utf8', maxLineBytes: 1 << 20, agents: [] };

/** Feeds bytes in small chunks, so readers are tested across chunk boundaries (split characters, split lines). */
async function* chunked(bytes: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export interface ReadResult {
  messages: Message[];
  skips: SkippedRecord[];
  formats: string[];
  fileErrors: string[];
}

export async function readText(
  label: string,
  content: string | Buffer,
  options: Partial<ReadOptions> = {},
  forced?: string,
  chunkSize = 7,
): Promise<ReadResult> {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const input = await openInput(label, chunked(bytes, chunkSize));
  const result: ReadResult = { messages: [], skips: [], formats: [], fileErrors: [] };
  for await (const event of eachEvent(readInput(input, { ...OPTIONS, ...options }, forced))) {
    if (event.type === 'message') result.messages.push(event.message);
    else if (event.type === 'skip') result.skips.push(event.skip);
    else if (event.type === 'file') result.formats.push(event.format);
    else result.fileErrors.push(event.reason);
  }
  return result;
}
