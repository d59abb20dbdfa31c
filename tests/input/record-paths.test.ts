import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapObject } from '../../src/input/fields.js';
import { markDuplicateKeys } from '../../src/input/json-guard.js';
import { readJsonLines } from '../../src/input/jsonl.js';
import { LINES_PER_BATCH } from '../../src/input/lines.js';
import { ColumnPlan, eventsFromJson, KeyPlan, keysCertainlyKept } from '../../src/input/records.js';
import { openInput } from '../../src/input/source.js';
import type { ReadEvent } from '../../src/model/message.js';
import { BASE_OPTIONS, readBytes } from '../helpers/reading.js';

// The fast paths of the readers of big files, each against the general path it stands in for.

const BASE = '"conversation_id":"c1","timestamp":"2026-11-27T10:00:00+08:00","role":"agent"';

/** What the reader must give for one line: the general JSON walk over the text with its repeated keys marked. */
function expected(text: string): string[] {
  let record = 0;
  const events = [...eventsFromJson(JSON.parse(markDuplicateKeys(text)), 'd.jsonl', 1, () => ++record, 'Asia/Shanghai')];
  return events.map(view);
}
const view = (e: ReadEvent): string => (e.type === 'message' ? `message ${e.message.text}` : e.type === 'skip' ? `skip ${e.skip.reason}` : e.type);
const readLine = async (text: string) => {
  const { messages, skips } = await readBytes('d.jsonl', Buffer.from(text), { encoding: 'utf8' });
  return [...messages.map((m) => `message ${m.text}`), ...skips.map((s) => `skip ${s.reason}`)];
};

describe('repeated keys caught by the length of a flat record', () => {
  it('a repeat as short as `,"":0` is still caught; texts that are exactly as long as their keys need pass', async () => {
    for (const text of [
      `{${BASE},"text":"a","":0,"":1}`,
      `{${BASE},"text":"a","text":"b"}`,
      `{"":0,${BASE},"text":"a","":1}`,
      `{${BASE},"text":"a","x":true,"x":false}`,
      `{${BASE},"text":"a","x":null,"x":null}`,
      `{${BASE},"text":"a","x":"","x":""}`,
      `{${BASE},"text":"a"}`,
      `{${BASE},"text":"a","n":1,"b":false,"z":null}`,
    ]) {
      expect(await readLine(text), text).toEqual(expected(text));
    }
  });

  it('white space, escapes and long numbers make a text longer than its keys need: the scan decides', async () => {
    for (const text of [
      `{ ${BASE}, "text" : "a" , "text":"b" }`,
      `{${BASE},"text":"\\u0061","te\\u0078t":"b"}`,
      `{${BASE},"text":"a","n":1700000000000,"n":1}`,
      `{${BASE},"text":"a","n":1e3}`,
      `{${BASE},"text":"a\\"b","x":1}`,
      `{${BASE},"te\\u0078t":"a"}`,
    ]) {
      expect(await readLine(text), text).toEqual(expected(text));
    }
  });

  it('a record that lost a key to a repeat is never certain (generated keys, values, spacing and escapes)', () => {
    const key = fc.constantFrom('conversation_id', 'timestamp', 'role', 'text', 'a', '', 'x\\u0079', 'xy', '会话');
    const value = fc.constantFrom('"v"', '""', '"\\u4e2d"', '0', '1.50', '-1e2', 'true', 'false', 'null', '"好"');
    const space = fc.constantFrom('', '', '', ' ', '\t');
    fc.assert(
      fc.property(fc.array(fc.tuple(key, space, value), { minLength: 1, maxLength: 7 }), (pairs) => {
        const text = `{${pairs.map(([k, s, v]) => `${s}"${k}"${s}:${v}`).join(',')}}`;
        const parsed = JSON.parse(text) as Record<string, unknown>;
        const planned = new KeyPlan().map(parsed);
        if (!planned) return;
        const keysInText = pairs.length;
        if (keysCertainlyKept(planned, text.length)) expect(Object.keys(parsed).length).toBe(keysInText);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('whole lines read the same as the general path (generated records with and without repeats)', async () => {
    const extra = fc.array(fc.tuple(fc.constantFrom('text', 'role', 'x', '', 'channel'), fc.constantFrom('"a"', '""', '1', 'true', 'null', '"客服"')), { maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(extra, async (pairs) => {
        const text = `{${BASE}${pairs.map(([k, v]) => `,"${k}":${v}`).join('')}}`;
        expect(await readLine(text)).toEqual(expected(text));
      }),
      { numRuns: 200, seed: 12 },
    );
  });
});

describe('messages as readers build them', () => {
  const KEYS = ['conversationId', 'timestamp', 'role', 'text', 'source', 'agentId', 'agentName', 'meta'];

  it('every message has every key in one order, undefined where the record has nothing (JSON unchanged)', async () => {
    const lines = [
      '{"conversation_id":"c1","timestamp":"2026-11-27T10:00:00Z","role":"customer","text":"hi","agent_id":"a9"}',
      '{"conversation_id":"c1","timestamp":"2026-11-27T10:00:01Z","role":"agent","agent_id":"a1","text":"hello"}',
      '{"conversation_id":"c1","timestamp":"2026-11-27T10:00:02Z","role":"agent","agent_name":"Li","text":"x","channel":"web"}',
      '{"conversation_id":"c1","timestamp":"2026-11-27T10:00:03Z","role":"bot","text":"auto"}',
      '{"conversation_id":"c1","timestamp":"2026-11-27T10:00:04Z","role":"agent","text":"?"}',
    ];
    const { messages } = await readBytes('m.jsonl', lines.join('\n'));
    for (const m of messages) expect(Object.keys(m)).toEqual(KEYS);
    expect(messages.map((m) => JSON.stringify(m))).toEqual([
      '{"conversationId":"c1","timestamp":1795773600000,"role":"customer","text":"hi","source":{"file":"m.jsonl","line":1,"record":1}}',
      '{"conversationId":"c1","timestamp":1795773601000,"role":"agent","text":"hello","source":{"file":"m.jsonl","line":2,"record":2},"agentId":"a1"}',
      '{"conversationId":"c1","timestamp":1795773602000,"role":"agent","text":"x","source":{"file":"m.jsonl","line":3,"record":3},"agentId":"Li","agentName":"Li","meta":{"channel":"web"}}',
      '{"conversationId":"c1","timestamp":1795773603000,"role":"bot","text":"auto","source":{"file":"m.jsonl","line":4,"record":4}}',
      '{"conversationId":"c1","timestamp":1795773604000,"role":"agent","text":"?","source":{"file":"m.jsonl","line":5,"record":5},"agentId":"unknown"}',
    ]);
  });

  it('CSV rows give messages of the same shape', async () => {
    const csv = 'conversation_id,timestamp,role,agent_id,text,queue\nc1,2026-11-27T10:00:00Z,customer,,hi,vip\nc1,2026-11-27T10:00:01Z,agent,a1,hello,\n';
    const { messages } = await readBytes('m.csv', csv);
    expect(messages).toHaveLength(2);
    for (const m of messages) expect(Object.keys(m)).toEqual(KEYS);
    expect(messages.map((m) => [m.agentId, m.meta])).toEqual([[undefined, { queue: 'vip' }], ['a1', { queue: '' }]]);
  });
});

describe('the per-file column plan of delimited files', () => {
  /** A row keyed by the header as csv-parse's `columns` keys it (a later repeat wins, in the first one's place). */
  function keyed(header: string[], row: string[]): Record<string, string> {
    const record: Record<string, string> = {};
    header.forEach((name, i) => Object.defineProperty(record, name, { value: row[i], enumerable: true, writable: true, configurable: true }));
    return record;
  }

  it('maps a row as the general mapping maps the row keyed by the header (repeated names, synonyms, __proto__)', () => {
    const name = fc.constantFrom('conversation_id', 'chat_id', 'timestamp', 'time', 'role', 'agent_id', 'text', '消息', 'channel', 'team', '__proto__', 'Role');
    const cell = fc.constantFrom('', ' ', 'c1', 'agent', '2026-11-27T10:00:00Z', '好', 'x');
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 9 }), fc.array(fc.array(cell, { minLength: 9, maxLength: 9 }), { minLength: 1, maxLength: 4 }), (header, rows) => {
        const plan = new ColumnPlan(header);
        for (const full of rows) {
          const row = full.slice(0, header.length);
          const got = plan.map(row);
          const want = mapObject(keyed(header, row));
          expect({ fields: { ...got.fields }, meta: { ...got.meta } }).toEqual({ fields: want.fields, meta: { ...want.meta } });
        }
      }),
      { numRuns: 1000, seed: 13 },
    );
  });
});

describe('records handed on in small batches', () => {
  async function* once(bytes: Buffer): AsyncIterable<Buffer> {
    yield bytes;
  }

  it('a chunk of many JSON lines comes out in batches of at most LINES_PER_BATCH, lines and records numbered on', async () => {
    const count = LINES_PER_BATCH * 3 + 17;
    const lines = Array.from({ length: count }, (_, i) => `{"conversation_id":"c${i % 7}","timestamp":"2026-11-27T10:00:00Z","role":"customer","text":"m${i}"}`);
    lines[300] = '{"broken"';
    const input = await openInput('b.jsonl', once(Buffer.from(lines.join('\n'))));
    const sizes: number[] = [];
    const seen: Array<[number | null, number]> = [];
    for await (const batch of readJsonLines(input, { ...BASE_OPTIONS, encoding: 'utf8' })) {
      sizes.push(batch.length);
      for (const event of batch) {
        if (event.type === 'message') seen.push([event.message.source.line, event.message.source.record]);
        else if (event.type === 'skip') seen.push([event.skip.line, event.skip.record]);
      }
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(LINES_PER_BATCH);
    expect(sizes.length).toBeGreaterThanOrEqual(4);
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => [i + 1, i + 1]));
  });

  it('a CSV chunk over 64 KB is read in pieces with the same records, lines and skips as in small chunks', async () => {
    const rows = ['conversation_id,timestamp,role,agent_id,text'];
    for (let i = 0; i < 4000; i++) {
      const text = i % 97 === 0 ? `"quoted, ${'长'.repeat(i % 13)}\nline"` : i % 89 === 0 ? 'ragged,extra' : `m${i} ${'好'.repeat(i % 11)}`;
      rows.push(`c${i % 5},2026-11-27T10:00:${String(i % 60).padStart(2, '0')}Z,${i % 2 ? 'agent' : 'customer'},${i % 2 ? 'a1' : ''},${text}`);
    }
    const bytes = Buffer.from(rows.join('\r\n'));
    expect(bytes.length).toBeGreaterThan(3 * 64 * 1024);
    const whole = await readBytes('p.csv', bytes, {}, undefined, bytes.length);
    const small = await readBytes('p.csv', bytes, {}, undefined, 4093);
    const summary = (e: typeof whole) => [e.messages.map((m) => `${m.source.line}/${m.source.record} ${m.text}`), e.skips.map((s) => `${s.line}/${s.record} ${s.reason}`)];
    expect(summary(whole)).toEqual(summary(small));
    expect(whole.messages.length + whole.skips.length).toBe(4000);
    expect(whole.skips.length).toBeGreaterThan(0);
  });
});

describe('bad bytes among good lines', () => {
  it('each good line is read and each bad one skipped, whatever its neighbours; a real U+FFFD is text', async () => {
    const good = (i: number) => `{"conversation_id":"c","timestamp":"2026-11-27T10:00:0${i}Z","role":"customer","text":"好${i}"}`;
    const bytes = Buffer.concat([
      Buffer.from(`${good(0)}\n${good(1)}\r\n`),
      Buffer.from([0x7b, 0xff, 0x7d, 0x0a]),
      Buffer.from(`${good(2)}\n\n${good(3)}\n{"text":"\uFFFD real"}\n`),
      Buffer.from([0x7b, 0x22, 0xe5, 0xa5, 0x22, 0x7d]),
    ]);
    for (const chunk of [bytes.length, 5, 64]) {
      const { messages, skips } = await readBytes('u.jsonl', bytes, { encoding: 'utf8' }, undefined, chunk);
      expect(messages.map((m) => `${m.source.line} ${m.text}`)).toEqual(['1 好0', '2 好1', '4 好2', '6 好3']);
      expect(skips.map((s) => `${s.line} ${s.reason}`)).toEqual([
        '3 not valid UTF-8 text (try --encoding)',
        '7 missing conversation id',
        '8 not valid UTF-8 text (try --encoding)',
      ]);
    }
  });
});

describe('a timestamp equal to the one before', () => {
  it('gives what reading it afresh gives, in the zone asked for', async () => {
    const { parseTimestamp } = await import('../../src/input/time/timestamps.js');
    const wall = '2026-11-27 08:00:00';
    const shanghai = Date.UTC(2026, 10, 27, 0, 0, 0);
    expect([parseTimestamp(wall, 'Asia/Shanghai'), parseTimestamp(wall, 'Asia/Shanghai')]).toEqual([shanghai, shanghai]);
    expect(parseTimestamp(wall, 'UTC')).toBe(Date.UTC(2026, 10, 27, 8, 0, 0));
    expect(parseTimestamp(wall, 'Asia/Shanghai')).toBe(shanghai);
    const iso = '2026-11-27T08:00:00+08:00';
    expect([parseTimestamp(iso, 'UTC'), parseTimestamp(iso, 'America/New_York')]).toEqual([shanghai, shanghai]);
    expect([parseTimestamp('2026-11-27T08:00:61+08:00', 'UTC'), parseTimestamp('2026-11-27T08:00:61+08:00', 'UTC')]).toEqual([null, null]);
    expect([parseTimestamp('', 'UTC'), parseTimestamp(' ', 'UTC'), parseTimestamp('1795773600', 'UTC')]).toEqual([null, null, 1795773600000]);
  });

  it('a night of records with repeated times reads as each record read alone', async () => {
    const lines = ['2026-11-27 08:00:00', '2026-11-27 08:00:00', '2026/11/27 08:00:01', '2026-11-27T00:00:01Z', '2026-11-27T00:00:01Z', 'bad', 'bad', '2026-11-27 08:00:00'];
    const jsonl = lines.map((t, i) => JSON.stringify({ conversation_id: 'c', timestamp: t, role: 'customer', text: `m${i}` })).join('\n');
    const together = await readBytes('t.jsonl', jsonl, { timezone: 'Asia/Shanghai' });
    const alone = await Promise.all(lines.map((_, i) => readBytes('t.jsonl', jsonl.split('\n')[i] as string, { timezone: 'Asia/Shanghai' })));
    expect(together.messages.map((m) => m.timestamp)).toEqual(alone.flatMap((e) => e.messages.map((m) => m.timestamp)));
    expect(together.skips.map((s) => s.reason)).toEqual(['unparseable timestamp "bad"', 'unparseable timestamp "bad"']);
  });
});
