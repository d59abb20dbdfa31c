import { describe, expect, it } from 'vitest';
import { loadRuleset } from '../../src/config/load.js';
import { eachEvent, type InputEvent } from '../../src/input/events.js';
import { readFiles } from '../../src/input/read.js';
import type { Message } from '../../src/model/message.js';
import { checkPieces } from '../../src/engine/workers.js';
import { tempDir } from '../helpers/cli.js';
import { generatedNight } from '../helpers/night.js';
import { BASE_OPTIONS } from '../helpers/reading.js';

/** The messages among events, and how many records were read (parsed or passed over). */
async function records(events: AsyncIterable<InputEvent>, wanted: ReadonlySet<string>): Promise<{ messages: Message[]; read: number }> {
  const messages: Message[] = [];
  let read = 0;
  for await (const event of eachEvent(events)) {
    if (event.type === 'message' || event.type === 'skip' || event.type === 'elsewhere') read++;
    if (event.type === 'message' && wanted.has(event.message.conversationId)) messages.push(event.message);
  }
  return { messages, read };
}

describe("a run's readAgain (audit's second pass)", () => {
  const night = generatedNight(tempDir(), 'night.jsonl', 'time');
  const ruleset = loadRuleset({ preset: 'zh-CN' });
  // One thread; the file is one range (re-readable by lines) whatever its size.
  const pieces = { workerUrl: new URL('file:///unused'), workerData: undefined, jobs: 1, files: [night], readOptions: BASE_OPTIONS, forced: undefined, minRangeBytes: 1 };

  it.each([
    ['budget 0: B0050 reopened, B0123 checked early', 0],
    ['unlimited: every conversation held to the end', 1 << 30],
  ])('%s: gives every record of the conversations asked for, from their lines only', async (_label, memoryBudgetBytes) => {
    const run = await checkPieces(pieces, ruleset, {}, { memoryBudgetBytes });
    try {
      const all = await records(readFiles([night], BASE_OPTIONS), new Set());
      // B0050 comes back hours later (its lines span most of the night); B0123 and B0400 are short.
      for (const ids of [['B0050'], ['B0123'], ['B0123', 'B0400'], ['B0050', 'B0123', 'B0400']]) {
        const wanted = new Set(ids);
        const whole = await records(readFiles([night], BASE_OPTIONS), wanted);
        const again = await records((run.readAgain as NonNullable<typeof run.readAgain>)(wanted), wanted);
        expect(again.messages).toEqual(whole.messages);
        expect(again.messages.length).toBeGreaterThan(3 * ids.length);
        // A short conversation lies in a stretch of the night: far fewer records are read than the night holds
        // (stretches closer than a few thousand lines are read as one, so this is for one conversation).
        if (ids.length === 1 && ids[0] !== 'B0050') expect(again.read).toBeLessThan(all.read / 10);
      }
    } finally {
      run.entries.close();
    }
  });
});
