import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReadEvent } from '../../src/model/message.js';
import { markDuplicateKeys } from '../../src/input/json-guard.js';
import { eventsFromJson } from '../../src/input/records.js';
import { readBytes } from '../helpers/reading.js';

const BASE = '"conversation_id":"c1","timestamp":"2026-11-27T10:00:00+08:00","role":"agent"';
const read = async (lines: string[]) => readBytes('d.jsonl', Buffer.from(lines.join('\n')), { encoding: 'utf8' });
const reasons = async (lines: string[]) => (await read(lines)).skips.map((s) => `${s.line} ${s.reason}`);

/** What the reader must give for one line: the general JSON walk over the text with its repeated keys marked. */
function expected(text: string): string[] {
  let record = 0;
  const events: ReadEvent[] = [...eventsFromJson(JSON.parse(markDuplicateKeys(text)), 'd.jsonl', 1, () => ++record, 'Asia/Shanghai')];
  return events.map((e) => (e.type === 'message' ? `message ${e.message.text}` : e.type === 'skip' ? `skip ${e.skip.reason}` : e.type));
}

describe('duplicate keys in JSON Lines (caught without a second scan of every line)', () => {
  it('at the top, in an array of messages, in a conversation object; a value no record reads is not checked', async () => {
    const msg = (extra: string) => `{"conversation_id":"c3","timestamp":"2026-11-27T10:00:00Z","role":"agent","text":"t"${extra}}`;
    expect(
      await reasons([
        `{${BASE},"text":"a","text":"b"}`,
        `[${msg('')},${msg(',"role":"bot"')}]`,
        `{"conversation_id":"c2","id":"c2","messages":[{"timestamp":"2026-11-27T10:00:00Z","role":"agent","text":"t","role":"bot"}]}`,
        `{"id":"c2","id":"c4","messages":[]}`,
        `{${BASE},"text":"kept","extra":{"x":1,"x":2}}`,
      ]),
    ).toEqual([
      '1 duplicate key "text" in one JSON object (which value is meant?)',
      '2 duplicate key "role" in one JSON object (which value is meant?)',
      '3 duplicate key "role" in one JSON object (which value is meant?)',
      '4 duplicate key "id" in one JSON object (which value is meant?)',
    ]);
    // Line 5's repeat sits in an object value that no field reads (it is not meta either): the message stands.
    expect((await read([`{${BASE},"text":"kept","extra":{"x":1,"x":2}}`])).messages.map((m) => m.text)).toEqual(['kept']);
  });

  it('spellings that differ only by escapes are the same key; keys that only look alike are not', async () => {
    expect(
      await reasons([
        `{${BASE},"text":"a","\\u0074ext":"b"}`,
        `{${BASE},"text":"a","k\\"":1,"k\\u0022":2}`,
        `{${BASE},"text":"a","Text":"b","text ":"c"}`,
        `{${BASE},"text":"\\":\\":\\":","a":1}`,
        `{${BASE},"text":"x", "t" : 1 ,"t"\t:\t2}`,
      ]),
    ).toEqual([
      '1 duplicate key "text" in one JSON object (which value is meant?)',
      '2 duplicate key "k\\"" in one JSON object (which value is meant?)',
      '5 duplicate key "t" in one JSON object (which value is meant?)',
    ]);
    expect((await read([`{${BASE},"text":"\\":\\":\\":","a":1}`])).messages.map((m) => m.text)).toEqual(['":":":']);
  });

  it('a key that looks like a duplicate mark is still named as a duplicate, as the general walk does', async () => {
    expect(await reasons([`{${BASE},"text":"a","\\u0000duplicate:text":"b"}`])).toEqual(['1 duplicate key "text" in one JSON object (which value is meant?)']);
  });

  it('agrees with the general walk over marked text on generated lines', async () => {
    const key = fc.constantFrom('text', 't\\u0065xt', 'role', 'r\\u006fle', 'meta', 'x', '\\u0078', 'timestamp', 'messages');
    const leaf = fc.constantFrom('1', '"a"', '"\\":"', 'null', '"agent"', '[]', '{}');
    const value: fc.Arbitrary<string> = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('array')),
      object: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((pairs) => `{${(pairs as Array<[string, string]>).map(([k, v]) => `"${k}":${v}`).join(',')}}`),
      array: fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${(items as string[]).join(',')}]`),
    })).value as fc.Arbitrary<string>;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, value), { maxLength: 5 }), async (pairs) => {
        const text = `{${BASE}${pairs.map(([k, v]) => `,"${k}":${v}`).join('')}}`;
        const got = await read([text]);
        const seen = [...got.messages.map((m) => `message ${m.text}`), ...got.skips.map((s) => `skip ${s.reason}`)];
        expect(seen.sort()).toEqual(expected(text).sort());
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});
