import { describe, expect, it } from 'vitest';
import { markDuplicateKeys } from '../../src/input/json-guard.js';
import { certainConversationId, readJsonLines } from '../../src/input/jsonl.js';
import { eventsFromJson } from '../../src/input/records.js';
import { openInput } from '../../src/input/source.js';
import type { ReadEvent } from '../../src/model/message.js';
import { inShard, type Shard } from '../../src/model/shard.js';
import { BASE_OPTIONS } from '../helpers/reading.js';

// A shard (or a conversation filter) reads every record; the engine keeps the messages it owns. What the
// reader must decide itself is where each skip goes: to another shard ('elsewhere') when its line certainly
// names another shard's conversation, kept (shardOwned) when it certainly names one of ours, else left to
// the engine. The reference below is the general path (the text, JSON.parse, the JSON walk) as it decides.

const ZONE = 'Asia/Shanghai';
const AT = '2026-11-27T10:00:00+08:00';

function nightLines(): string[] {
  let seed = 5;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
  const lines = ['{"conversation_id":"first","timestamp":"bad","role":"agent","text":"line one is never certain"}'];
  for (let i = 0; i < 300; i++) {
    const id = `c${Math.floor(random() * 40)}`;
    const pick = random();
    if (pick < 0.55) lines.push(`{"conversation_id":"${id}","timestamp":"${AT}","role":"agent","agent_id":"7","text":"m${i}"}`);
    // Skips whose conversation is certain: a bad time, no role, an unknown role.
    else if (pick < 0.65) lines.push(`{"conversation_id":"${id}","timestamp":"not a time","role":"agent","text":"s${i}"}`);
    else if (pick < 0.7) lines.push(`{"conversation_id":"${id}","timestamp":"${AT}","text":"s${i}"}`);
    else if (pick < 0.75) lines.push(`{"conversation_id":"${id}","timestamp":"${AT}","role":"robot","text":"s${i}"}`);
    // Skips whose conversation is not certain: a synonym, a padded key, an escaped id, a text naming a conversation.
    else if (pick < 0.8) lines.push(`{"chat_id":"${id}","timestamp":"later","role":"agent","text":"u${i}"}`);
    else if (pick < 0.83) lines.push(`{"conversation_id" : "${id}","timestamp":"x","role":"agent","text":"u${i}"}`);
    else if (pick < 0.86) lines.push(`{"conversation_id":"c\\u0033${i % 10}","timestamp":"x","role":"agent","text":"u${i}"}`);
    else if (pick < 0.89) lines.push(`{"conversation_id":"${id}","timestamp":"x","role":"agent","text":"about the session id"}`);
    // Messages the general path reads: synonyms, padded ids, nested values, conversation objects; and broken lines.
    else if (pick < 0.92) lines.push(`{"chat_id":"${id}","timestamp":"${AT}","role":"customer","text":"n${i}"}`);
    else if (pick < 0.94) lines.push(`{"conversation_id":" ${id} ","timestamp":"${AT}","role":"customer","text":"p${i}","tags":["a"]}`);
    else if (pick < 0.96) lines.push(`{"id":"${id}","messages":[{"timestamp":"${AT}","role":"agent","agent_id":"7","text":"o${i}"},{"role":"agent","text":"no time"}]}`);
    else if (pick < 0.98) lines.push(`{"conversation_id":"${id}","timestamp":"${AT}","role":"agent","text":"d${i}","text":"twice"}`);
    else lines.push(`{"conversation_id":"${id}","timestamp"`);
  }
  return lines;
}

/** An event as the engine counts it: a message of a conversation not kept is as good as 'elsewhere'. */
function view(event: ReadEvent, kept: (id: string) => boolean): string {
  if (event.type === 'message') return kept(event.message.conversationId) ? `message ${event.message.conversationId} ${event.message.text}` : 'elsewhere';
  if (event.type === 'skip') return `skip ${event.skip.line} ${event.skip.record} ${event.skip.reason}${event.shardOwned ? ' (ours)' : ''}`;
  return 'elsewhere';
}

function reference(lines: readonly string[], kept: (id: string) => boolean, filtering = true): string[] {
  const views: string[] = [];
  let record = 0;
  lines.forEach((text, index) => {
    const line = index + 1;
    // One shard of one is the whole run: nothing is filtered.
    const certain = filtering && line > 1 ? certainConversationId(text) : undefined;
    if (certain !== undefined && !kept(certain)) {
      record++;
      views.push('elsewhere');
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(markDuplicateKeys(text));
    } catch (error) {
      views.push(`skip ${line} ${++record} invalid JSON: ${(error as Error).message}`);
      return;
    }
    for (const event of eventsFromJson(value, 'n.jsonl', line, () => ++record, ZONE)) {
      if (event.type === 'skip' && certain !== undefined) event.shardOwned = true;
      views.push(view(event, kept));
    }
  });
  return views;
}

async function read(lines: readonly string[], options: { shard?: Shard; onlyConversations?: ReadonlySet<string> }, kept: (id: string) => boolean): Promise<string[]> {
  async function* once(): AsyncIterable<Buffer> {
    yield Buffer.from(`${lines.join('\n')}\n`);
  }
  const input = await openInput('n.jsonl', once());
  const views: string[] = [];
  for await (const batch of readJsonLines(input, { ...BASE_OPTIONS, encoding: 'utf8', timezone: ZONE, ...options })) {
    for (const event of batch) views.push(view(event, kept));
  }
  return views;
}

describe('reading one shard, or a few conversations, of a JSON Lines night', () => {
  const lines = nightLines();

  it('sends each record where the general path sends it, for every shard of 1, 2 and 3', async () => {
    let owned = 0;
    let elsewhere = 0;
    for (const count of [1, 2, 3]) {
      for (let index = 1; index <= count; index++) {
        const shard = { index, count };
        const kept = (id: string) => inShard(id, shard);
        const want = reference(lines, kept, count > 1);
        expect(await read(lines, { shard }, kept), `${index}/${count}`).toEqual(want);
        if (count > 1) {
          owned += want.filter((v) => v.endsWith('(ours)')).length;
          elsewhere += want.filter((v) => v === 'elsewhere').length;
        }
      }
    }
    // The night holds what the test is about: skips kept by certainty and records sent elsewhere.
    expect(owned).toBeGreaterThan(20);
    expect(elsewhere).toBeGreaterThan(100);
  });

  it('does the same for the conversations asked for (a re-read)', async () => {
    for (const ids of [['c1', 'c2', 'c3'], ['c7'], []]) {
      const wanted = new Set(ids);
      const kept = (id: string) => wanted.has(id);
      expect(await read(lines, { onlyConversations: wanted }, kept), ids.join(',')).toEqual(reference(lines, kept));
    }
  });
});
