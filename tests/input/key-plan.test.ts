import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReadEvent } from '../../src/model/message.js';
import { eventsFromJson, KeyPlan, pushEventsFromJson } from '../../src/input/records.js';

// Keys that are fields, synonyms of each other, message-list names (消息 is also a text name), and meta.
const key = fc.constantFrom('conversation_id', 'chat_id', 'timestamp', 'time', 'role', 'agent_id', 'text', '消息', 'messages', 'Content', 'channel', 'team', '__proto__');
const value = fc.oneof(
  fc.constantFrom('c1', 'c2', '', ' ', 'agent', 'customer', '2026-11-27T10:00:00Z', '2026-11-27 18:00:05', '我晕'),
  fc.integer({ min: -5, max: 2_000_000_000_000 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant([{ timestamp: '2026-11-27T10:00:01Z', role: 'agent', text: 'hi' }]),
  fc.constant({ nested: 1 }),
);

describe('the per-file key plan', () => {
  it('turns a parsed line into the same events as the general JSON walker', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 8 }), (pairs) => {
        // A usable message first (so most records become messages), then keys that may repeat or rename its fields.
        const base: Array<[string, unknown]> = [['conversation_id', 'c1'], ['timestamp', '2026-11-27T10:00:00Z'], ['role', 'agent']];
        const text = [...base, ...pairs].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',');
        const record = JSON.parse(`{${text}}`) as unknown;
        let a = 0;
        let b = 0;
        const expected = [...eventsFromJson(record, 'f.jsonl', 3, () => ++a, 'Asia/Shanghai')];
        const got: ReadEvent[] = [];
        pushEventsFromJson(got, record, new KeyPlan(), 'f.jsonl', 3, () => ++b, 'Asia/Shanghai');
        expect(got).toEqual(expected);
      }),
      { numRuns: 1000, seed: 5 },
    );
  });

  it('one plan across many records (keys repeated, reordered, renamed) gives what a fresh plan gives each', () => {
    const line = fc.array(fc.tuple(key, value), { maxLength: 8 }).map((pairs) => {
      const base: Array<[string, unknown]> = [['conversation_id', 'c1'], ['timestamp', '2026-11-27T10:00:00Z'], ['role', 'agent']];
      return JSON.parse(`{${[...pairs, ...base].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`) as unknown;
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 2, maxLength: 12 }), (records) => {
        const shared = new KeyPlan();
        let a = 0;
        let b = 0;
        const got: ReadEvent[] = [];
        const expected: ReadEvent[] = [];
        for (const record of records) {
          pushEventsFromJson(got, record, shared, 'f.jsonl', 3, () => ++a, 'Asia/Shanghai');
          pushEventsFromJson(expected, record, new KeyPlan(), 'f.jsonl', 3, () => ++b, 'Asia/Shanghai');
        }
        expect(got).toEqual(expected);
      }),
      { numRuns: 500, seed: 6 },
    );
  });
});
