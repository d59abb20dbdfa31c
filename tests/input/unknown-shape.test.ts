import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportSchemas, type Report } from '../../src/model/report.js';
import { skipReasonKind } from '../../src/cli/check.js';
import { chatlint, tempDir } from '../helpers/cli.js';

const discord = JSON.stringify({
  guild: { id: '1', name: 'Brightline' },
  channel: { id: '2', name: 'support' },
  messages: Array.from({ length: 40 }, (_, i) => ({ id: String(i), timestamp: '2026-03-02T09:00:00+00:00', author: { name: 'x' }, content: 'hi' })),
});
const good = '{"conversation_id":"c1","timestamp":"2026-03-02T09:00:00Z","role":"customer","text":"hello"}\n';
const check = (argv: string[]) => chatlint(['check', ...argv, '--preset', 'en', '--format', 'json']);

describe('a JSON or CSV that matches no known format gets one line per file', () => {
  it('a DiscordChatExporter file: one line naming what it looks like and how to map it, exit 2', async () => {
    const dir = tempDir({ 'discord.json': discord });
    const { code, stderr, stdout } = await check([join(dir, 'discord.json')]);
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines).toEqual([
      `chatlint: ${join(dir, 'discord.json')}: not a chat export chatlint recognises (it looks like a DiscordChatExporter file: a JSON object with keys guild, channel, messages, its messages[] objects with keys id, timestamp, author, content); map its fields with input.columns (README: "Exports with other column names")`,
      'chatlint: no usable records in the input',
    ]);
    const report = JSON.parse(stdout) as Report;
    expect(report.skipped).toHaveLength(1);
    expect(report.summary.inputs).toEqual([{ path: join(dir, 'discord.json'), format: 'json', encoding: 'utf8', records: 1, skipped: 1 }]);
  });

  it("chatlint's own JSON reports (pretty-printed or not) are named as reports, with the commands that read them", async () => {
    const dir = tempDir({ 'good.jsonl': good });
    const report = (await check([join(dir, 'good.jsonl')])).stdout;
    const compact = JSON.stringify(JSON.parse(report));
    for (const [name, text] of [['last-night.json', report], ['compact.json', compact]]) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const { code, stderr } = await check([file]);
      expect(code).toBe(2);
      expect(stderr).toContain(`${file}: not a chat export chatlint recognises (it looks like a chatlint report, not an export (compare two with chatlint diff, join shards with chatlint merge)`);
    }
  });

  it('JSON Lines and a short file of unknown objects too; beside a readable file the run goes on', async () => {
    const dir = tempDir({ 'a.jsonl': '{"order":1,"amount":2}\n{"order":2,"amount":3}\n', 'good.jsonl': good });
    const { code, stderr, stdout } = await check([dir]);
    expect(stderr).toContain('a.jsonl: not a chat export chatlint recognises (it looks like JSON Lines whose first object has keys order, amount)');
    expect(code).toBe(0);
    const report = reportSchemas().report.parse(JSON.parse(stdout));
    expect(report.summary.inputs.map((i) => [i.path.split('/').pop(), i.format, i.records, i.skipped])).toEqual([
      ['a.jsonl', 'jsonl', 1, 1],
      ['good.jsonl', 'jsonl', 1, 0],
    ]);
  });

  it('a file whose records are chat messages with a few broken ones is read as before', async () => {
    const dir = tempDir({ 'mixed.jsonl': `{"text":"no id"}\n${good}` });
    const { stdout } = await check([join(dir, 'mixed.jsonl')]);
    const report = JSON.parse(stdout) as Report;
    expect(report.summary).toMatchObject({ messages: 1, skippedRecords: 1 });
    expect(report.skipped[0]?.reason).toBe('missing conversation id');
  });

  it('with a mapping, the user said how to read it: records are skipped one by one', async () => {
    const dir = tempDir({ 'a.jsonl': '{"order":1}\n', 'map.yaml': 'columns: {conversationId: order}\n' });
    const { stdout } = await check([join(dir, 'a.jsonl'), '--map', join(dir, 'map.yaml')]);
    expect((JSON.parse(stdout) as Report).skipped.map((s) => s.reason)).toEqual(['missing timestamp']);
  });
});

describe('a skip reason repeated in one file is listed N times, then summed up in one line', () => {
  const lines = Array.from({ length: 30 }, (_, i) => `{"conversation_id":"c1","timestamp":"yesterday ${i}","role":"customer","text":"x"}`);
  const dir = tempDir({ 'bad-times.jsonl': `${good}${lines.join('\n')}\n` });
  const file = join(dir, 'bad-times.jsonl');

  it('default 20: 20 lines, then one with the count; the JSON report keeps all 30', async () => {
    const { stderr, stdout } = await check([file]);
    const listed = stderr.split('\n').filter((l) => l.includes('skipped: unparseable timestamp'));
    expect(listed).toHaveLength(20);
    expect(stderr).toContain(`${file}: 10 more skipped records like "unparseable timestamp "yesterday 0"" not listed (30 in all; all are in the JSON report)`);
    expect((JSON.parse(stdout) as Report).skipped).toHaveLength(30);
  });

  it('--max-repeated-skips changes the limit; 0 lists none of them', async () => {
    const five = await check([file, '--max-repeated-skips', '5']);
    expect(five.stderr.split('\n').filter((l) => l.includes('skipped: unparseable'))).toHaveLength(5);
    expect(five.stderr).toContain('25 more skipped records like');
    const none = await check([file, '--max-repeated-skips', '0']);
    expect(none.stderr).not.toContain('skipped: unparseable');
    expect(none.stderr).toContain('30 more skipped records like');
    expect((await check([file, '--max-repeated-skips', 'x'])).code).toBe(2);
  });

  it('reasons that differ only in quoted values and numbers are the same reason', () => {
    expect(skipReasonKind('unparseable timestamp "yesterday 3"')).toBe(skipReasonKind('unparseable timestamp "x"'));
    expect(skipReasonKind('conversation 7, part 12: no author')).toBe(skipReasonKind('conversation 8, part 1: no author'));
    expect(skipReasonKind('missing role')).not.toBe(skipReasonKind('missing timestamp'));
  });
});
