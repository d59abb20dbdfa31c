import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chatlint } from '../helpers/cli.js';
import { generatedNight } from '../helpers/night.js';

const dir = mkdtempSync(join(tmpdir(), 'chatlint-partial-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const withoutTime = (text: string) => text.replace(/"generatedAt": ?"[^"]*",?/g, '');

describe('partial reports are written and merged one conversation at a time', () => {
  const night = generatedNight(dir, 'night.jsonl', 'shuffled');
  const parts = [1, 2].map((k) => join(dir, `part-${k}.json`));

  it('a shard file is JSON with one conversation per line, and merge gives the report of one run', async () => {
    // A budget of 0 sends every checked conversation to disk before the shard file is written from there.
    for (const [k, part] of parts.entries()) expect((await chatlint(['check', night, '--shard', `${k + 1}/2`, '-o', part, '-q', '--memory-budget', '0'])).code).toBe(0);
    const text = readFileSync(parts[0] as string, 'utf8');
    const whole = JSON.parse(text) as { conversations: Array<{ conversationId: string }>; context: object; waivers: unknown[] };
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\{"chatlintPartial":1,.*"context":\{.*\},"conversations":\[$/);
    expect(lines.slice(1, -2)).toHaveLength(whole.conversations.length);
    expect(lines.slice(1, -2).map((line) => (JSON.parse(line.replace(/,$/, '')) as { conversationId: string }).conversationId)).toEqual(whole.conversations.map((c) => c.conversationId));
    expect(lines.at(-2)).toBe('],"waivers":[]}');
    const one = await chatlint(['check', night, '-f', 'json']);
    const merged = await chatlint(['merge', ...parts, '-f', 'json']);
    expect(merged.code).toBe(one.code);
    expect(withoutTime(merged.stdout)).toBe(withoutTime(one.stdout));
    // A shard file of another layout (the whole object on one line) is read whole.
    const compact = join(dir, 'compact.json');
    writeFileSync(compact, `${JSON.stringify(whole)}\n`);
    expect(withoutTime((await chatlint(['merge', compact, parts[1] as string, '-f', 'json'])).stdout)).toBe(withoutTime(one.stdout));
  });

  it('a shard file cut short, with a broken line, or missing is exit 2 naming the file and what is wrong', async () => {
    const text = readFileSync(parts[0] as string, 'utf8');
    const lines = text.split('\n');
    const cases: Array<[string, string, string]> = [
      ['cut.json', lines.slice(0, 20).join('\n'), 'cut short: the file ends inside its list of conversations'],
      ['broken.json', [...lines.slice(0, 5), '{"conversationId":', ...lines.slice(6)].join('\n'), 'not JSON (line 6)'],
      ['array.json', [...lines.slice(0, 5), '[1, 2],', ...lines.slice(6)].join('\n'), 'line 6 is not a conversation'],
      ['head.json', `{"chatlintPartial":1,"conversations":[\n${lines.slice(1).join('\n')}`, 'not a partial report'],
      ['empty.json', '', 'not JSON (the whole file)'],
    ];
    for (const [name, content, reason] of cases) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const run = await chatlint(['merge', path, parts[1] as string, '-f', 'json']);
      expect(run.code, name).toBe(2);
      expect(run.stdout, name).toBe('');
      expect(run.stderr, name).toContain(`${path}: `);
      expect(run.stderr, name).toContain(reason);
    }
    const missing = await chatlint(['merge', join(dir, 'nowhere.json'), parts[1] as string]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nowhere.json: cannot read it (ENOENT)');
  });
});
