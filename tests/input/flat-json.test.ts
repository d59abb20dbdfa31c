import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReadEvent } from '../../src/model/message.js';
import { FlatRecordReader } from '../../src/input/flat-json.js';
import { markDuplicateKeys, jsonValueProblem } from '../../src/input/json-guard.js';
import { eventsFromJson, KeyPlan, pushPlannedRecord } from '../../src/input/records.js';

const ZONE = 'Asia/Shanghai';

/** What the general path makes of a line: strict UTF-8, JSON.parse with repeated keys marked, the JSON walker. */
function generalEvents(bytes: Buffer): ReadEvent[] | 'not read' {
  let value: unknown;
  try {
    value = JSON.parse(markDuplicateKeys(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
  } catch {
    return 'not read';
  }
  if (jsonValueProblem(value, 0) !== undefined) return 'not read';
  let record = 0;
  return [...eventsFromJson(value, 'f.jsonl', 7, () => ++record, ZONE)];
}

function flatEvents(reader: FlatRecordReader, bytes: Buffer, start = 0, end = bytes.length): ReadEvent[] | undefined {
  const mapped = reader.read(bytes, start, end);
  if (!mapped) return undefined;
  const events: ReadEvent[] = [];
  let record = 0;
  pushPlannedRecord(events, mapped, 'f.jsonl', 7, () => ++record, ZONE);
  return events;
}

// Field names and their synonyms, metadata, keys that are array indexes (a parsed object lists them first),
// non-ASCII keys, a key that needs an escape, the empty key and __proto__.
const key = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('chat_id', 'time', 'agent_id', 'agent_name', 'text', 'content', '消息', '会话ID', 'channel', 'team') },
  // Repeats of the keys every line has, and the odd ones.
  { weight: 2, arbitrary: fc.constantFrom('conversation_id', 'timestamp', 'role', '__proto__', '', '1', '01', '7x', 'a"b', 'tab\there') },
);
const text = fc.oneof(
  fc.constantFrom('c1', 'c2', '', ' ', 'agent', 'customer', ' Agent ', '客服', '2026-11-27T10:00:00Z', '2026-11-27 18:00:05', '1764237600000', '我晕', '😀 ok', 'x\ny', 'say "hi"', 'back\\slash', '\u0000', '\uFFFD', 'é'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
// Numbers as JSON writes them and as people do (some are not JSON).
const number = fc.oneof(
  fc.integer({ min: -5, max: 2_000_000_000_000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.constantFrom('-0', '0.0', '1e3', '1E+2', '2.5e-3', '9007199254740993', '01', '1.', '-', '1e', '.5', '+1', '0x10', 'Infinity'),
);
/** A value as text: a string written by JSON.stringify (escapes and all) or by hand (raw bytes), a number, a literal, nested. */
const valueText = fc.oneof(
  { weight: 12, arbitrary: text.map((t) => JSON.stringify(t)) },
  { weight: 1, arbitrary: text.map((t) => `"${t}"`) },
  { weight: 3, arbitrary: number },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null', 'tru', 'nul', '[]', '{}', '{"a":1}', '[{"role":"agent"}]', '"a"x') },
);
const space = fc.constantFrom('', '', '', ' ', '\t', '\r', '  ');

const base: Array<[string, string]> = [['conversation_id', '"c1"'], ['timestamp', '"2026-11-27T10:00:00Z"'], ['role', '"agent"']];
const line = fc
  .record({
    pairs: fc.array(fc.tuple(key, valueText), { maxLength: 5 }),
    baseFirst: fc.boolean(),
    gaps: fc.array(space, { minLength: 40, maxLength: 40 }),
    damage: fc.oneof(
      { weight: 4, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom('drop', 'ff', 'c3', 'lf-less-end', 'bom')) },
    ),
  })
  .map(({ pairs, baseFirst, gaps, damage }) => {
    const all = baseFirst ? [...base, ...pairs] : [...pairs, ...base];
    let g = 0;
    const gap = () => gaps[g++ % gaps.length] as string;
    let written = `${gap()}{${gap()}`;
    written += all.map(([k, v]) => `${JSON.stringify(k)}${gap()}:${gap()}${v}${gap()}`).join(`,${gap()}`);
    written += `}${gap()}`;
    let bytes = Buffer.from(written);
    if (damage) {
      const [at, kind] = damage;
      const i = at % bytes.length;
      if (kind === 'drop') bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
      else if (kind === 'ff') bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([0xff]), bytes.subarray(i)]);
      else if (kind === 'c3') bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([0xc3]), bytes.subarray(i)]);
      else if (kind === 'lf-less-end') bytes = bytes.subarray(0, i);
      else bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    }
    return bytes;
  });

describe('the flat record reader', () => {
  it('reads a line only as the general path reads it, and leaves the rest to it', () => {
    fc.assert(
      fc.property(line, (bytes) => {
        const got = flatEvents(new FlatRecordReader(new KeyPlan()), bytes);
        if (got !== undefined) expect(got).toEqual(generalEvents(bytes));
      }),
      { numRuns: 4000, seed: 11 },
    );
  });

  it('one reader over many lines (its remembered keys and values) reads each as a fresh one does', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 2, maxLength: 20 }), (lines) => {
        const shared = new FlatRecordReader(new KeyPlan());
        for (const bytes of lines) {
          const fresh = flatEvents(new FlatRecordReader(new KeyPlan()), bytes);
          expect(flatEvents(shared, bytes)).toEqual(fresh);
          if (fresh !== undefined) expect(fresh).toEqual(generalEvents(bytes));
        }
      }),
      { numRuns: 400, seed: 12 },
    );
  });

  it('reads the common shapes itself: strings, escapes, numbers, literals, white space, non-ASCII', () => {
    const reader = new FlatRecordReader(new KeyPlan());
    const common = [
      '{"conversation_id":"c1","timestamp":"2026-11-27T10:00:00+08:00","role":"agent","agent_id":"1273","text":"您好，这里是售后专线"}',
      '{ "conversation_id" : "c1" , "timestamp" : 1764208800000 , "role" : "customer" , "text" : "line\\none \\"q\\" \\u00e9\\ud83d\\ude00" }\r',
      '{"会话ID":"c2","时间":"2026-11-27 10:00:00","角色":"客服","工号":1273,"消息":"在的","vip":true,"score":-1.5e2,"note":null}',
    ];
    for (const written of common) {
      const bytes = Buffer.from(written);
      const got = flatEvents(reader, bytes);
      expect(got, written).toBeDefined();
      expect(got).toEqual(generalEvents(bytes));
    }
  });

  it('leaves to the general path what it must name or parse itself', () => {
    const reader = new FlatRecordReader(new KeyPlan());
    const others = [
      '{"conversation_id":"c1","conversation_id":"c2","timestamp":"2026-11-27T10:00:00Z","role":"agent"}', // a repeated key
      '{"conversation_id":"c1","timestamp":"2026-11-27T10:00:00Z","role":"agent","meta":{"team":"a"}}', // nested
      '{"conversation_id":"c1","timestamp":"2026-11-27T10:00:00Z","role":"agent","2":"x","1":"y"}', // array-index keys
      '{"conversation_id":"c1","timestamp":01,"role":"agent"}', // not JSON
      '{"conversation_id":"c1","timestamp":"2026-11-27T10:00:00Z","role":"agent","text":"a\tb"}', // a raw tab
      '{"conversation_id":"c1","timestamp":"2026-11-27T10:00:00Z","role":"agent"} x', // text after the object
      '[{"conversation_id":"c1"}]',
      '{}',
      '',
    ];
    for (const written of others) expect(reader.read(Buffer.from(written), 0, Buffer.byteLength(written)), written).toBeUndefined();
    const invalid = Buffer.concat([Buffer.from('{"conversation_id":"c1","timestamp":"2026-11-27T10:00:00Z","role":"agent","text":"'), Buffer.from([0xe6, 0x82]), Buffer.from('"}')]);
    expect(reader.read(invalid, 0, invalid.length)).toBeUndefined();
  });

  it('reads only its own bytes of a buffer that holds more', () => {
    const reader = new FlatRecordReader(new KeyPlan());
    const record = '{"conversation_id":"c1","timestamp":"2026-11-27T10:00:00Z","role":"agent","text":"hi","n":12}';
    for (const after of ['\n', '\r\n', '3', '0,"x":1}', '"']) {
      const bytes = Buffer.from(`${record}${after}`);
      expect(flatEvents(reader, bytes, 0, Buffer.byteLength(record))).toEqual(generalEvents(Buffer.from(record)));
      // Cut inside a number or a string: never read past the end.
      const cut = Buffer.byteLength(record) - 3;
      expect(reader.read(bytes, 0, cut)).toBeUndefined();
    }
  });
});
