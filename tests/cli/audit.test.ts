import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ConversationSummary, Report } from '../../src/model/report.js';
import { chatlint, tempDir } from '../helpers/cli.js';
import { generatedNight } from '../helpers/night.js';

// `chatlint audit` checks the night as check does (piece by piece, on workers, in bounded memory), ranks the
// conversations from the store, then reads the input again for the ones it shows. These tests hold it to what
// audit did when it kept the whole night: the list is the first 20 of a stable sort of the JSON report's
// conversations (worst first), the timeline is the worst's, and neither depends on workers, the memory budget,
// how the input is cut, or whether it came on standard input.

// Every JSON Lines file, however small, is cut into ranges when workers read it.
const CUT_SMALL_FILES = { CHATLINT_TEST_MIN_RANGE_BYTES: '1' };
const VARIANTS: Array<[label: string, args: string[], env?: Record<string, string>]> = [
  ['one thread', ['--jobs', '1']],
  ['budget 0 (every conversation evicted, the long-lived ones reopened)', ['--jobs', '1', '--memory-budget', '0']],
  ['2 workers, budget 0, ranges', ['--jobs', '2', '--memory-budget', '0'], CUT_SMALL_FILES],
];
// The first and last variant (one thread; workers, ranges and budget 0), where every variant would cost more than it shows.
const ENDS = [VARIANTS[0], VARIANTS[VARIANTS.length - 1]] as typeof VARIANTS;

/** The order audit lists conversations in, as the old audit sorted the whole report (stable: ties in report order). */
const worstFirst = (scored: boolean) => (a: ConversationSummary, b: ConversationSummary) =>
  (scored ? a.score - b.score : 0) || b.findings - a.findings || (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0);

/** What the list and the "Auditing the worst" line must say, from check's JSON report of the same input. */
async function expectedRanking(inputs: string[], rules: string[], scored: boolean, input?: Buffer): Promise<{ ids: string[]; total: number; errorInWorst: boolean; stderr: string }> {
  const run = await chatlint(['check', ...inputs, ...rules, '-f', 'json'], input ? { input } : {});
  const report = JSON.parse(run.stdout) as Report;
  const sorted = [...report.conversations].sort(worstFirst(scored));
  const worst = sorted[0]?.conversationId;
  return {
    ids: sorted.slice(0, 20).map((c) => c.conversationId),
    total: sorted.length,
    errorInWorst: [...report.findings].some((f) => f.conversationId === worst && f.severity === 'error'),
    stderr: run.stderr,
  };
}

/** The ids of audit's list, the total it names and the conversation it audits. */
function listed(stdout: string): { ids: string[]; total: number; auditing: string | undefined } {
  const lines = stdout.split('\n');
  const total = Number(/^(\d+)/.exec(lines[0] ?? '')?.[1]);
  const ids: string[] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('  ') || line.startsWith('  …')) break;
    ids.push(line.trim().split(/\s+/)[0] as string);
  }
  return { ids, total, auditing: /Auditing the worst: (\S+)/.exec(stdout)?.[1] };
}

/** Audit's output with a file's name replaced (the same conversations read under another name). */
const renamed = (text: string, from: string, to: string) => text.split(from).join(to);

describe('audit ranks the whole night and shows the worst, however the check is split', () => {
  const dir = tempDir();
  const night = generatedNight(dir, 'night.jsonl', 'time');
  const shuffled = generatedNight(dir, 'shuffled.jsonl', 'shuffled');

  // Rules without points: no scores, the list ranks by findings (then start).
  const unscored = join(dir, 'unscored.yaml');
  writeFileSync(unscored, ['name: unscored', 'timezone: Asia/Shanghai', 'rules:', '  - id: no-rude', '    kind: forbidden-phrase', '    severity: warning', "    phrases: ['我晕', '怎么这样']", ''].join('\n'));
  const zh = ['--preset', 'zh-CN'];

  it.each([
    ['time-ordered night, English labels', () => night, zh, [], VARIANTS],
    ['shuffled night (every conversation open to the end)', () => shuffled, zh, [], ENDS],
    ['time-ordered night, Chinese labels', () => night, zh, ['--lang', 'zh-CN'], [VARIANTS[0]] as typeof VARIANTS],
    ['unscored rules (warnings only: exit 0)', () => night, ['--rules', unscored], [], ENDS],
  ])('%s: the list is the stable worst-first sort of the report, the timeline the worst, the same for every variant', async (_label, fileOf, ruleArgs, labels, variants) => {
    const rules = [...ruleArgs, ...labels];
    {
      const file = fileOf();
      const expected = await expectedRanking([file], ruleArgs, ruleArgs === zh);
      const outputs = new Set<string>();
      for (const [, args, env] of variants) {
        const run = await chatlint(['audit', file, ...rules, '--width', '80', ...args], { env });
        expect(run.code).toBe(expected.errorInWorst ? 1 : 0);
        // Skips are told once, as check tells them, though the input is read twice.
        expect(run.stderr).toBe(expected.stderr);
        expect(run.stderr.split(`${file}:101: skipped:`)).toHaveLength(2);
        const { ids, total, auditing } = listed(run.stdout.replace(/^(\d+) 个会话.*$/m, '$1'));
        expect(ids).toEqual(expected.ids);
        expect(total).toBe(expected.total);
        if (rules.includes('--lang')) expect(run.stdout).toContain(`审阅最差的会话: ${expected.ids[0]}`);
        else expect(auditing).toBe(expected.ids[0]);
        expect(run.stdout.split('\n')[1]?.includes('Score')).toBe(ruleArgs === zh && labels.length === 0);
        outputs.add(run.stdout);
      }
      expect(outputs.size).toBe(1);
      // The timeline shown is the one --conversation shows for that conversation.
      const [output] = outputs;
      const alone = await chatlint(['audit', file, ...rules, '--width', '80', '--conversation', expected.ids[0] as string]);
      expect(output?.endsWith(alone.stdout)).toBe(true);
    }
  });

  it('every conversation reopened after eviction shows the same timeline under budget 0 as held whole', async () => {
    // In the generated night every 50th conversation comes back hours later (evicted by then: reopened).
    const reopened = Array.from({ length: 9 }, (_, i) => `B${String(i * 50).padStart(4, '0')}`).join(',');
    const outputs = new Set<string>();
    for (const [, args, env] of VARIANTS) {
      const run = await chatlint(['audit', night, '--preset', 'zh-CN', '--width', '80', '--conversation', reopened, ...args], { env });
      expect(run.stdout.match(/^Conversation B\d{4}/gm)).toHaveLength(9);
      outputs.add(run.stdout);
    }
    expect(outputs.size).toBe(1);
  });

  it('standard input (plain, gzip, before a file) reads as the file by name', async () => {
    // Wide enough that the longer name wraps no line.
    const byName = await chatlint(['audit', night, '--preset', 'zh-CN', '--width', '400']);
    const expected = { ...byName, stdout: renamed(byName.stdout, night, '<stdin>'), stderr: renamed(byName.stderr, night, '<stdin>') };
    for (const [input, env] of [
      [readFileSync(night), undefined],
      [gzipSync(readFileSync(night)), CUT_SMALL_FILES],
    ] as const) {
      const piped = await chatlint(['audit', '-', '--preset', 'zh-CN', '--width', '400', '--jobs', '2'], { input, env });
      expect({ code: piped.code, stdout: piped.stdout, stderr: piped.stderr }).toEqual({ code: expected.code, stdout: expected.stdout, stderr: expected.stderr });
    }
    // Standard input and a file: ranked together, the worst read again from standard input's copy or the file.
    const both = await chatlint(['audit', '-', shuffled, '--preset', 'zh-CN', '--width', '80', '--memory-budget', '0'], { input: readFileSync(night) });
    const ranking = await expectedRanking(['-', shuffled], ['--preset', 'zh-CN'], true, readFileSync(night));
    expect(listed(both.stdout).ids).toEqual(ranking.ids);
    expect(listed(both.stdout).total).toBe(ranking.total);
  });

  it('gzip cut short on standard input: the records before the cut are audited, the failure told once', async () => {
    const cut = gzipSync(readFileSync(night)).subarray(0, 20_000);
    const run = await chatlint(['audit', '-', '--preset', 'zh-CN', '--width', '80'], { input: cut });
    const ranking = await expectedRanking(['-'], ['--preset', 'zh-CN'], true, cut);
    expect(listed(run.stdout).ids).toEqual(ranking.ids);
    expect(run.stderr.split('not valid gzip data')).toHaveLength(2);
    const alone = await chatlint(['audit', '-', '--preset', 'zh-CN', '--width', '80', '--conversation', ranking.ids[0] as string], { input: cut });
    expect(run.stdout.endsWith(alone.stdout)).toBe(true);
  });
});

describe('audit over several files', () => {
  const dir = tempDir();
  const night = generatedNight(dir, 'night.jsonl', 'time');
  // The night dealt line by line into two files: most conversations are split between them.
  const lines = readFileSync(night, 'utf8').split('\n').filter(Boolean);
  const [odd, even] = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
  writeFileSync(odd, `${lines.filter((_, i) => i % 2 === 0).join('\n')}\n`);
  writeFileSync(even, `${lines.filter((_, i) => i % 2 === 1).join('\n')}\n`);
  writeFileSync(join(dir, 'broken.jsonl.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));

  it('a conversation split across files is ranked and shown whole, as from one file', async () => {
    // Wide enough that the names of different lengths wrap no line.
    const whole = await chatlint(['audit', night, '--preset', 'zh-CN', '--width', '400']);
    const worst = listed(whole.stdout).auditing as string;
    for (const [, args, env] of ENDS) {
      const split = await chatlint(['audit', odd, even, '--preset', 'zh-CN', '--width', '400', ...args], { env });
      expect(listed(split.stdout)).toEqual(listed(whole.stdout));
      // The same timeline, but for the file its first message came from.
      const timeline = (text: string) => text.slice(text.indexOf(`Conversation ${worst}`)).replace(/^\S*(night|a|b)\.jsonl · /m, '<file> · ');
      expect(timeline(split.stdout)).toBe(timeline(whole.stdout));
      expect(split.code).toBe(whole.code);
    }
  });

  it('a file that cannot be read is told once, and the others are audited', async () => {
    const run = await chatlint(['audit', odd, join(dir, 'broken.jsonl.gz'), even, '--preset', 'zh-CN', '--jobs', '2'], { env: CUT_SMALL_FILES });
    expect(run.stderr.match(/broken\.jsonl\.gz: not valid gzip data/g)).toHaveLength(1);
    expect(listed(run.stdout).total).toBe(listed((await chatlint(['audit', odd, even, '--preset', 'zh-CN'])).stdout).total);
  });
});

describe('ties, one conversation, no conversation, unknown ids', () => {
  // Conversations that tie on every key audit sorts by (score, findings, start): they keep report order (start,
  // then id), whatever order the file has them in; ids chosen so that numeric and plain order differ.
  const line = (id: string, at: string, role: string, text: string, agent?: string) =>
    JSON.stringify({ conversation_id: id, timestamp: at, role, ...(agent ? { agent_id: agent } : {}), text });
  const conversation = (id: string, start: number, rude: boolean) => [
    line(id, new Date(start).toISOString(), 'customer', '在吗'),
    line(id, new Date(start + 10_000).toISOString(), 'agent', rude ? '我晕，等着吧' : `您好，云客服${id.length}为您服务`, String(id.length)),
  ];
  // [id, start (seconds past the first), rude]: T9/T10, t1/U1 and T02/T100 tie on every key.
  const plan: Array<[string, number, boolean]> = [['T9', 0, true], ['T10', 0, true], ['t1', 1, true], ['U1', 1, true], ['T2', 1, false], ['T02', 2, true], ['T100', 2, true], ['T1', 0, false]];
  const ids = plan.map(([id]) => id);
  const start = Date.UTC(2026, 10, 27, 2, 0, 0);
  let seed = 3;
  const random = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
  const records = plan.flatMap(([id, second, rude]) => conversation(id, start + second * 1000, rude));
  for (let i = records.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [records[i], records[j]] = [records[j] as string, records[i] as string];
  }
  const dir = tempDir({
    'ties.jsonl': `${records.join('\n')}\n`,
    'one.jsonl': `${conversation('ONLY', start, true).join('\n')}\n`,
    'clean.jsonl': `${conversation('CLEAN', start, false).join('\n')}\n`,
    'none.jsonl': '{"broken"\n',
  });
  const ties = join(dir, 'ties.jsonl');

  it('ties keep report order in the list, and the first of the list is audited, for every variant', async () => {
    const expected = await expectedRanking([ties], ['--preset', 'zh-CN'], true);
    // Report order (start, then id as strings compare): T10 before T9, U1 before t1, T02 before T100.
    for (const [before, after] of [['T10', 'T9'], ['U1', 't1'], ['T02', 'T100']]) expect(expected.ids.indexOf(before as string)).toBe(expected.ids.indexOf(after as string) - 1);
    for (const [, args, env] of VARIANTS) {
      const run = await chatlint(['audit', ties, '--preset', 'zh-CN', ...args], { env });
      expect(listed(run.stdout)).toEqual({ ids: expected.ids, total: ids.length, auditing: expected.ids[0] });
    }
  });

  it('a file with one conversation: its timeline, no list; exit 1 only for an error finding', async () => {
    const one = await chatlint(['audit', join(dir, 'one.jsonl'), '--preset', 'zh-CN']);
    expect(one.stdout).toMatch(/^Conversation ONLY/);
    expect(one.stdout).not.toContain('worst first');
    expect(one.code).toBe(1);
    const clean = await chatlint(['audit', join(dir, 'clean.jsonl'), '--preset', 'zh-CN']);
    expect(clean.code).toBe(0);
  });

  it('no conversations, or an id not in the input: exit 2 with a reason', async () => {
    const none = await chatlint(['audit', join(dir, 'none.jsonl'), '--preset', 'zh-CN']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('chatlint: no conversations in the input');
    const missing = await chatlint(['audit', ties, '--preset', 'zh-CN', '--conversation', 'T9,NOPE', '--jobs', '2'], { env: CUT_SMALL_FILES });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no conversation "NOPE" in the input');
    expect(missing.stdout).toBe('');
  });

  it('--conversation shows the asked-for conversations in report order, each once', async () => {
    const run = await chatlint(['audit', ties, '--preset', 'zh-CN', '--conversation', 'T100,T9', '--conversation', 'T9']);
    expect(run.stdout.match(/^Conversation \S+/gm)).toEqual(['Conversation T9', 'Conversation T100']);
  });
});
