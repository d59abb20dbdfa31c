import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eachEvent, type InputEvent } from '../../src/input/events.js';
import { cutPoints, FILE_START, readJsonLinesPart, scanJsonLines, splittableJsonLines, type LinePosition } from '../../src/input/ranges.js';
import { readFiles } from '../../src/input/read.js';
import type { ReadEvent } from '../../src/model/message.js';
import { BASE_OPTIONS } from '../helpers/reading.js';

const dir = mkdtempSync(join(tmpdir(), 'chatlint-ranges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const message = (i: number, text = 'hello') => JSON.stringify({ conversation_id: `C${i % 3}`, timestamp: `2026-11-27T01:00:${String(i % 60).padStart(2, '0')}Z`, role: 'customer', text });
/** Every kind of line that is not one plain record, between plain ones. */
const LINES = [
  `\uFEFF${message(0)}`,
  '',
  '   ',
  `${message(1)}\r`,
  message(2, '[图片] 收到 [微笑]'),
  message(3, 'a, [b]'),
  '{"id":"C9","messages":[{"timestamp":"2026-11-27T01:00:00Z","role":"agent","agent_id":"1","text":"x"},{"timestamp":"2026-11-27T01:00:01Z","role":"customer","text":"y"}]}',
  '{"id":"C8","messages":[]}',
  '[]',
  '[1, 2',
  'not json',
  '\u3000',
  `{"conversation_id":"C1","text":"${'x'.repeat(300)}"}`,
  message(4),
];

async function events(source: AsyncIterable<InputEvent>): Promise<ReadEvent[]> {
  const out: ReadEvent[] = [];
  for await (const event of eachEvent(source)) if (event.type === 'message' || event.type === 'skip') out.push(event);
  return out;
}

const lineOf = (event: ReadEvent) => (event.type === 'message' ? event.message.source.line : event.type === 'skip' ? event.skip.line : null);

describe('reading a JSON Lines file from the middle', () => {
  const path = join(dir, 'mixed.jsonl');
  writeFileSync(path, Buffer.concat([Buffer.from(LINES.slice(0, 10).join('\n')), Buffer.from('\n\xff\xfe\n', 'latin1'), Buffer.from(`${LINES.slice(10).join('\n')}\n${message(5)}`)]));
  const options = { ...BASE_OPTIONS, maxLineBytes: 200 };

  it('numbers lines and records exactly as a read from the start, from every line', async () => {
    const whole = await events(readFiles([path], options));
    for (let line = 0; line <= LINES.length + 2; line++) {
      const at = await scanJsonLines(path, FILE_START, { line }, options);
      expect(at.lines, `line ${line}`).toBe(line);
      const rest = await events(readJsonLinesPart(path, at, undefined, options));
      expect(rest, `from line ${line + 1}`).toEqual(whole.filter((e) => (lineOf(e) ?? 0) > line));
    }
  });

  it('cuts at line starts, and a scan to a cut counts what lies before it', async () => {
    const size = Buffer.byteLength(LINES.join('\n')) + 40;
    const cuts = await cutPoints(path, size, 4);
    expect(cuts[0]).toBe(0);
    const whole = await events(readFiles([path], options));
    const parts: ReadEvent[] = [];
    for (const [k, start] of cuts.entries()) {
      const at = start === 0 ? FILE_START : await scanJsonLines(path, FILE_START, { byte: start }, options);
      expect(at.byte).toBe(start);
      parts.push(...(await events(readJsonLinesPart(path, at, cuts[k + 1], options))));
    }
    expect(parts).toEqual(whole);
  });

  it('notes line positions on a scan to a byte, each one exactly what a scan to its line gives', async () => {
    const whole = await events(readFiles([path], options));
    const end = await scanJsonLines(path, FILE_START, { line: LINES.length + 2 }, options);
    const marks: LinePosition[] = [];
    expect(await scanJsonLines(path, FILE_START, { byte: end.byte }, options, marks)).toEqual(end);
    // A short scan notes a position at most lines (blank ones are shorter than the spacing).
    expect(marks.length).toBeGreaterThan(LINES.length / 2);
    for (const mark of marks) {
      expect(await scanJsonLines(path, FILE_START, { line: mark.lines }, options)).toEqual(mark);
      const rest = await events(readJsonLinesPart(path, mark, undefined, options));
      expect(rest).toEqual(whole.filter((e) => (lineOf(e) ?? 0) > mark.lines));
    }
  });

  it('cuts only uncompressed UTF-8 JSON Lines files that start with a message', async () => {
    expect(await splittableJsonLines(path, options, undefined, 1)).toBeGreaterThan(0);
    const other = join(dir, 'other.jsonl');
    writeFileSync(other, '{"guild":"x"}\n{"guild":"y"}\n');
    expect(await splittableJsonLines(other, options, undefined, 1)).toBeUndefined();
    expect(await splittableJsonLines(path, options, undefined)).toBeUndefined();
  });
});
