import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chatlint as chatlintHere } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'chatlint-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const chatlint = (args: string[]) => chatlintHere(args, { tty: true });

const FROM_CACHE = 'nothing re-checked';

describe('--cache', () => {
  const input = join(dir, 'night.jsonl');
  copyFileSync('fixtures/nightly/2026-11-27.jsonl', input);
  const rules = join(dir, 'rules.yaml');
  writeFileSync(rules, 'extends: zh-CN\nname: cached\n');
  const cache = join(dir, 'cache');
  const run = () => chatlint(['check', input, '--rules', rules, '-f', 'json', '--cache', cache]);

  it('a re-run over unchanged input reads the report back and checks nothing; the report is the same', async () => {
    const first = await run();
    expect(first.stderr).not.toContain(FROM_CACHE);
    expect(readdirSync(cache).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    const second = await run();
    expect(second.stderr).toContain(FROM_CACHE);
    expect(second.code).toBe(first.code);
    expect(second.stdout).toBe(first.stdout);
  });

  it('is invalidated when the rules change, and when the input changes', async () => {
    const before = await run();
    writeFileSync(rules, 'extends: zh-CN\nname: cached\nrules:\n  - id: no-emotional-punctuation\n    enabled: false\n');
    const changedRules = await run();
    expect(changedRules.stderr).not.toContain(FROM_CACHE);
    expect(changedRules.stdout).not.toBe(before.stdout);
    expect(JSON.parse(changedRules.stdout).findings.some((f: { ruleId: string }) => f.ruleId === 'no-emotional-punctuation')).toBe(false);
    expect((await run()).stderr).toContain(FROM_CACHE);

    const added = { conversation_id: 'C-NEW', timestamp: '2026-11-27T23:00:00+08:00', role: 'agent', agent_id: '3007', text: '我晕' };
    writeFileSync(input, `${readFileSync(input, 'utf8')}${JSON.stringify(added)}\n`);
    const changedInput = await run();
    expect(changedInput.stderr).not.toContain(FROM_CACHE);
    expect(changedInput.stdout).not.toBe(changedRules.stdout);
  });

  it('a cache file that is garbage, foreign or cut short is a miss: checked again, the same report, the file rewritten', async () => {
    const own = join(dir, 'cache-of-its-own');
    const run = () => chatlint(['check', input, '--rules', rules, '-f', 'json', '--cache', own]);
    const first = await run();
    const [name] = readdirSync(own).filter((f) => f.endsWith('.json'));
    const file = join(own, name as string);
    const good = readFileSync(file, 'utf8');
    // Written like a shard's partial report: the head, then one conversation per line, then the waivers.
    expect(good.split('\n')).toHaveLength((JSON.parse(good) as { conversations: unknown[] }).conversations.length + 3);
    for (const content of ['garbage', '{"parts":[]}', good.split('\n').slice(0, 4).join('\n'), good.replace('"chatlintPartial":1', '"chatlintPartial":2')]) {
      writeFileSync(file, content);
      const again = await run();
      expect(again.stderr, content.slice(0, 40)).not.toContain(FROM_CACHE);
      expect(again.stdout).toBe(first.stdout);
      expect(readFileSync(file, 'utf8')).toBe(good);
    }
    expect((await run()).stderr).toContain(FROM_CACHE);
  });
});
