import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chatlint as chatlintHere } from '../helpers/cli.js';
import { certainConversationId } from '../../src/input/jsonl.js';
import { defaultJobs, WORKERS_WORTH_BYTES } from '../../src/engine/pieces.js';
import { conversationHash, inShard, parseShard } from '../../src/model/shard.js';

const dir = mkdtempSync(join(tmpdir(), 'chatlint-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const chatlint = (args: string[]) => chatlintHere(args, { tty: true });

/**
 * A small night made here: conversations interleaved in time across two files (one conversation split
 * between them), rude phrases and emotional punctuation, slow replies, exact duplicates, unreadable lines.
 */
function generatedNight(): string[] {
  let seed = 11;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
  const lines: Array<{ at: number; line: string }> = [];
  const agentLines = ['好的，马上为您处理。', '我晕，系统又卡了', '请您稍等！！', '已为您登记。', '怎么这样。。。'];
  for (let c = 0; c < 80; c++) {
    const id = `G${String(c).padStart(3, '0')}`;
    const agent = String(2000 + (c % 7));
    let t = Date.UTC(2026, 10, 27, 1, 0, 0) + c * 17_000;
    for (let i = 0; i < 6 + (c % 5); i++) {
      const isAgent = i % 2 === 1;
      t += (isAgent && random() < 0.2 ? 75 : 10 + Math.floor(random() * 30)) * 1000;
      const text = isAgent ? (i === 1 ? `您好，云客服${agent}为您服务` : agentLines[Math.floor(random() * agentLines.length)]) : '在吗？';
      const record = { conversation_id: id, timestamp: new Date(t).toISOString(), role: isAgent ? 'agent' : 'customer', ...(isAgent ? { agent_id: agent, agent_name: `A${agent}` } : {}), text };
      lines.push({ at: t, line: JSON.stringify(record) });
      if (random() < 0.03) lines.push({ at: t, line: JSON.stringify(record) });
    }
  }
  lines.sort((a, b) => a.at - b.at);
  const all = lines.map((l) => l.line);
  all.splice(40, 0, '{"conversation_id": "broken"');
  all.splice(90, 0, '[1, 2');
  // Lines a shard may or may not read without parsing: a skip with a certain id, ids by synonym, padded or
  // escaped, a text that names a conversation, a nested id, a conversation object.
  const at = '2026-11-27T01:30:00Z';
  all.splice(120, 0,
    '{"conversation_id":"G001","timestamp":"not a time","role":"agent","text":"x"}',
    `{"chat_id":"G003","timestamp":"${at}","role":"agent","agent_id":"2003","text":"我晕"}`,
    `{"conversation_id":" G004 ","timestamp":"${at}","role":"agent","agent_id":"2004","text":"好的！！"}`,
    `{"conversation_id":"G0\\u00305","timestamp":"${at}","role":"customer","text":"在吗"}`,
    `{"conversation_id":"G006","timestamp":"${at}","role":"customer","text":"about the conversation_id field"}`,
    `{"meta":{"conversation_id":"G007"},"timestamp":"${at}","role":"customer","text":"x"}`,
    `{"id":"G008","messages":[{"timestamp":"${at}","role":"agent","agent_id":"2001","text":"我晕"}]}`,
  );
  const half = Math.floor(all.length / 2);
  const a = join(dir, 'night-a.jsonl');
  const b = join(dir, 'night-b.jsonl');
  writeFileSync(a, `${all.slice(0, half).join('\n')}\n`);
  writeFileSync(b, `${all.slice(half).join('\n')}\n`);
  return [a, b];
}

const inputs = { fixtures: ['fixtures/nightly'], generated: generatedNight() };
const withoutTime = (text: string) => text.replace(/"generatedAt": "[^"]*",?/, '');

describe('reading a shard without parsing other shards\' records', () => {
  it('takes a conversation id from the text only when it is certain', () => {
    expect(certainConversationId('{"conversation_id":"C1","role":"agent"}')).toBe('C1');
    expect(certainConversationId('{"conversation_id":" C1 ","role":"agent"}')).toBe('C1');
    for (const unsure of [
      '{"conversation_id":"C\\u0031"}',
      '{"conversation_id":"C1","chat_id":"C2"}',
      '{"Chat-ID":"C2","conversation_id":"C1"}',
      '{"conversation_id":"C1","text":"the conversation"}',
      '{"conversation_id":"C1","messages":[]}',
      '{"conversation_id" : "C1"}',
      '{"conversation_id":1}',
      '["conversation_id"]',
    ]) expect(certainConversationId(unsure), unsure).toBeUndefined();
  });
});

describe('the stable hash', () => {
  it('is FNV-1a over UTF-8 bytes, the same for ASCII and non-ASCII ids on every machine', () => {
    expect(conversationHash('')).toBe(0x811c9dc5);
    expect(conversationHash('a')).toBe(0xe40c292c);
    const reference = (id: string) => Buffer.from(id, 'utf8').reduce((h, byte) => Math.imul(h ^ byte, 0x01000193) >>> 0, 0x811c9dc5);
    for (const id of ['会话1', 'C1127-001', 'é', '😀x']) expect(conversationHash(id)).toBe(reference(id));
    const ids = Array.from({ length: 200 }, (_, i) => `C${i}`);
    for (const id of ids) expect([1, 2, 3].filter((k) => inShard(id, { index: k, count: 3 }))).toHaveLength(1);
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/2', '3/2', '1/0', 'a/b', '1']) expect(parseShard(bad)).toBeUndefined();
  });
});

describe.each(Object.entries(inputs))('splitting the work never changes the report (%s)', (_name, paths) => {
  it('1 worker, 2 and 3 workers, memory budget 0 and unlimited: byte-identical JSON', async () => {
    const one = await chatlint(['check', ...paths, '-f', 'json', '--jobs', '1']);
    expect(one.code).toBe(1);
    for (const variant of [['--jobs', '2'], ['--jobs', '3'], ['--jobs', '1', '--memory-budget', '0'], ['--jobs', '2', '--memory-budget', '0'], ['--memory-budget', '100000']]) {
      const other = await chatlint(['check', ...paths, '-f', 'json', ...variant]);
      expect(other.code, variant.join(' ')).toBe(one.code);
      expect(withoutTime(other.stdout), variant.join(' ')).toBe(withoutTime(one.stdout));
    }
  });

  it('check --shard k/n for every k, then merge, gives the report of one run (JSON and pretty)', async () => {
    const one = await chatlint(['check', ...paths, '-f', 'json']);
    const pretty = await chatlint(['check', ...paths]);
    for (const n of [1, 2, 5]) {
      const parts: string[] = [];
      for (let k = n; k >= 1; k--) {
        const part = join(dir, `part-${_name}-${k}-of-${n}.json`);
        const shard = await chatlint(['check', ...paths, '--shard', `${k}/${n}`, '-o', part, '-q']);
        expect(shard.code === 0 || shard.code === 1).toBe(true);
        parts.push(part);
      }
      const merged = await chatlint(['merge', ...parts, '-f', 'json']);
      expect(merged.code).toBe(one.code);
      expect(withoutTime(merged.stdout)).toBe(withoutTime(one.stdout));
      expect((await chatlint(['merge', ...parts])).stdout).toBe(pretty.stdout);
    }
  });
});

describe('merge refuses what would not be the report of one run', () => {
  it('a missing or repeated shard, or shards of other rules, is exit 2 naming it', async () => {
    const paths = inputs.fixtures;
    const part = (k: number, n: number, extra: string[] = []) => join(dir, `refuse-${k}-${n}${extra.length ? '-en' : ''}.json`);
    for (const [k, n, extra] of [[1, 2, []], [2, 2, []], [2, 2, ['--preset', 'en']]] as Array<[number, number, string[]]>) {
      await chatlint(['check', ...paths, '--shard', `${k}/${n}`, '-o', part(k, n, extra), '-q', ...extra]);
    }
    const missing = await chatlint(['merge', part(1, 2)]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('shard 2/2 missing');
    const twice = await chatlint(['merge', part(1, 2), part(1, 2)]);
    expect(twice.stderr).toContain('are both shard 1/2');
    const rules = await chatlint(['merge', part(1, 2), part(2, 2, ['en'])]);
    expect(rules.code).toBe(2);
    expect(rules.stderr).toContain('other rules');
    const notPartial = join(dir, 'report.json');
    writeFileSync(notPartial, readFileSync(part(1, 2), 'utf8').replace('"chatlintPartial":1', '"chatlintPartial":0'));
    expect((await chatlint(['merge', notPartial])).stderr).toContain('not a partial report');
  });
});

describe('the default number of workers', () => {
  it('is one thread below the size where workers pay for themselves, one per core from it on', () => {
    const cores = availableParallelism();
    for (const bytes of [0, 1, 8 * 2 ** 20, 100 * 2 ** 20, WORKERS_WORTH_BYTES - 1]) expect(defaultJobs(bytes), String(bytes)).toBe(1);
    for (const bytes of [WORKERS_WORTH_BYTES, 300 * 2 ** 20, 2 ** 40]) expect(defaultJobs(bytes), String(bytes)).toBe(cores);
    // Tests lower the size to start workers on small fixtures.
    expect(defaultJobs(5000, 4096)).toBe(cores);
    expect(defaultJobs(4000, 4096)).toBe(1);
  });
});
