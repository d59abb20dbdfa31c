import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, chatlint, tempDir, jsonLine as line } from '../helpers/cli.js';

const RULES = `name: team
rules:
  - id: rude
    kind: forbidden-phrase
    points: 5
    phrases: ["天啊"]
  - id: runs
    kind: forbidden-punctuation
    severity: warning
    patterns: ["[!！]{2,}"]
  - id: tic
    kind: forbidden-phrase
    severity: info
    phrases: ["嗯嗯"]
`;
const msg = (conversation: string, second: number, role: string, text: string) =>
  line({ conversation_id: conversation, timestamp: `2026-11-27T02:00:${String(second).padStart(2, '0')}Z`, role, agent_id: role === 'agent' ? '7' : undefined, text });
/** One error (rude), one warning (runs), one info (tic); average score 97.5 over two conversations. */
const NIGHT = msg('c1', 0, 'customer', '你好') + msg('c1', 5, 'agent', '天啊！！嗯嗯') + msg('c2', 0, 'customer', '在吗') + msg('c2', 5, 'agent', '在的');

const workspace = (rules = RULES) => tempDir({ 'chatlint.yaml': rules, 'night.jsonl': NIGHT });

describe('--quiet', () => {
  it('hides warning and info findings in every format, and the notes on stderr', async () => {
    const dir = workspace();
    const loud = await chatlint(['check', 'night.jsonl'], { cwd: dir });
    expect(loud.stdout).toMatch(/runs[^]*tic/);
    const pretty = await chatlint(['check', 'night.jsonl', '--quiet'], { cwd: dir });
    expect(pretty.stdout).toContain('rude');
    expect(pretty.stdout).not.toMatch(/\bruns\b.*\n.*使用/);
    expect(pretty.stdout).not.toMatch(/ (warning|info) +(runs|tic)/);
    const json = JSON.parse((await chatlint(['check', 'night.jsonl', '--quiet', '-f', 'json'], { cwd: dir })).stdout);
    expect(json.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['rude']);
    // The summary still counts everything that was found.
    expect(json.summary.bySeverity).toEqual({ error: 1, warning: 1, info: 1 });
    const written = await chatlint(['check', 'night.jsonl', '--quiet', '-o', 'r.csv'], { cwd: dir });
    expect(written.stderr).toBe('');
    expect(readFileSync(join(dir, 'r.csv'), 'utf8').trimEnd().split('\r\n')).toHaveLength(2);
  });
});

describe('--fail-under decides on the score alone', () => {
  it.each([
    ['90', 0, ''],
    ['97.5', 0, ''],
    ['98', 1, 'average score 97.5 is below --fail-under 98'],
    ['100', 1, 'below --fail-under 100'],
    ['0', 0, ''],
  ])('--fail-under %s → exit %i, even with an error finding', async (score, code, note) => {
    const result = await chatlint(['check', 'night.jsonl', '--fail-under', score, '-f', 'json'], { cwd: workspace() });
    expect(result.code).toBe(code);
    if (note) expect(result.stderr).toContain(note);
  });

  it.each(['-1', '101', '1e3', 'high', '', 'NaN'])('refuses --fail-under %j', async (score) => {
    const result = await chatlint(['check', 'night.jsonl', '--fail-under', score], { cwd: workspace() });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`chatlint: --fail-under must be a score from 0 to 100, such as 80 (got "${score}")\n`);
  });

  it('with no scoring rule, says the score cannot fail the run', async () => {
    const result = await chatlint(['check', 'night.jsonl', '--fail-under', '90'], { cwd: workspace(RULES.replace('    points: 5\n', '')) });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('--fail-under: no rule deducts points, so every conversation scores full marks and the score cannot fail the run');
  });
});

describe('--color and --no-color', () => {
  const ESC = '\u001b[';
  it.each([
    [['--color'], {}, true],
    [['--no-color'], { FORCE_COLOR: '1' }, false],
    [[], { FORCE_COLOR: '1' }, true],
    [[], { FORCE_COLOR: '0' }, false],
    [[], {}, false],
    [['--color'], { NO_COLOR: '1' }, true],
    [[], { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
  ])('%j with %j → colour %s', async (args, env, coloured) => {
    const result = await chatlint(['check', 'night.jsonl', ...args], { cwd: workspace(), env: { NO_COLOR: '', ...env } });
    expect(result.stdout.includes(ESC)).toBe(coloured);
  });
});

describe('the rule file is found by walking up', () => {
  it.each(['chatlint.yaml', '.chatlint.yaml', 'chatlint.yml', '.chatlint.json'])('%s in a parent folder is used and named in every report', async (name) => {
    const dir = tempDir({ 'night.jsonl': NIGHT });
    writeFileSync(join(dir, name), name.endsWith('.json') ? JSON.stringify({ name: 'up', rules: [{ id: 'rude', kind: 'forbidden-phrase', phrases: ['天啊'] }] }) : RULES.replace('name: team', 'name: up'));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    const cwd = join(dir, 'a', 'b');
    const pretty = await chatlint(['check', '../../night.jsonl'], { cwd });
    expect(pretty.stdout).toContain(`Rule file: up (../../${name})`);
    const json = JSON.parse((await chatlint(['check', '../../night.jsonl', '-f', 'json'], { cwd })).stdout);
    expect(json.ruleset).toMatchObject({ name: 'up', file: `../../${name}` });
    expect((await chatlint(['check', '../../night.jsonl', '-f', 'markdown'], { cwd })).stdout).toContain(`Rule file: up (../../${name})`);
  });

  it('stops at the repository root (.git) and then uses the built-in pack', async () => {
    const dir = tempDir({ 'chatlint.yaml': RULES, 'night.jsonl': NIGHT });
    mkdirSync(join(dir, 'repo', '.git'), { recursive: true });
    const json = JSON.parse((await chatlint(['check', '../night.jsonl', '-f', 'json'], { cwd: join(dir, 'repo') })).stdout);
    expect(json.ruleset).toMatchObject({ name: 'zh-CN', file: 'rules/zh-CN.yaml' });
  });

  it('the nearest file wins', async () => {
    const dir = tempDir({ 'chatlint.yaml': RULES, 'night.jsonl': NIGHT });
    mkdirSync(join(dir, 'team'));
    writeFileSync(join(dir, 'team', '.chatlint.yaml'), RULES.replace('name: team', 'name: nearer'));
    const json = JSON.parse((await chatlint(['check', '../night.jsonl', '-f', 'json'], { cwd: join(dir, 'team') })).stdout);
    expect(json.ruleset).toMatchObject({ name: 'nearer', file: '.chatlint.yaml' });
  });
});

describe('--print-config', () => {
  it('prints the effective rules after extends, reading no input', async () => {
    const dir = tempDir({ 'chatlint.yaml': 'extends: zh-CN\nname: after-sales\nrules:\n  - id: reply-within-60s\n    maxSeconds: 90\n' });
    const result = await chatlint(['check', '--print-config'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# effective rules from chatlint\.yaml \(extends zh-CN\), hash [0-9a-f]{12}\nname: after-sales\n/);
    expect(result.stdout).toMatch(/ {2}- id: reply-within-60s\n(?: {4}.*\n)*? {4}kind: response-time\n {4}maxSeconds: 90\n/);
    // Rules of the pack that the file does not mention are there too.
    expect(result.stdout).toContain('- id: greeting-with-id');
  });
});

describe('did you mean', () => {
  it.each([
    ['timezon: UTC\nrules: []\n', 'chatlint.yaml:1: timezon: unknown key; did you mean "timezone"?'],
    ['rules:\n  - id: a\n    kind: response-time\n    maxSecond: 3\n', 'chatlint.yaml:4: rules[0].maxSecond: unknown key; did you mean "maxSeconds"?'],
    ['rules:\n  - id: a\n    kind: respnse-time\n', 'chatlint.yaml:3: rules[0].kind: unknown kind "respnse-time"; did you mean "response-time"?'],
    ['extends: zh-CN\nrules:\n  - id: reply-within-6s\n    maxSeconds: 90\n', 'chatlint.yaml:3: rules[0].id: no rule "reply-within-6s" in the extended pack to override; did you mean "reply-within-60s"?'],
    ['extends: zh-cn\n', 'chatlint.yaml:1: extends: no built-in preset or file "zh-cn"; did you mean "zh-CN"? (built-in presets: en, zh-CN; or a path relative to this file)'],
    ['input:\n  colums: {}\n', 'chatlint.yaml:2: input.colums: unknown key; did you mean "columns"?'],
  ])('rule file %j', async (rules, message) => {
    const result = await chatlint(['check', 'night.jsonl'], { cwd: workspace(rules) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`chatlint: ${message}`);
  });

  it.each([
    [['check', 'night.jsonl', '--preset', 'zh-cn'], 'unknown preset "zh-cn"; did you mean "zh-CN"?'],
    [['check', 'night.jsonl', '--colr'], "error: unknown option '--colr'\n(Did you mean --color?)"],
    [['chek', 'night.jsonl'], "error: unknown command 'chek'\n(Did you mean check?)"],
    [['rules', '--explain', 'rud'], 'no rule "rud" in team; did you mean "rude"?'],
  ])('%j', async (argv, message) => {
    const result = await chatlint(argv, { cwd: workspace() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('rules test after an override', () => {
  it('re-judges the examples inherited from the pack, dropping those the new threshold changes, and says which', async () => {
    const dir = workspace('extends: zh-CN\nrules:\n  - id: reply-within-60s\n    maxSeconds: 90\n');
    const result = await chatlint(['rules', 'test'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('~  reply-within-60s: 2 inherited examples dropped (maxSeconds changed in chatlint.yaml; their verdicts no longer hold):');
    expect(result.stdout).toContain('     fail example 1: customer: 在吗 / 61s agent: 您好，云客服1024为您服务');
    expect(result.stdout).toMatch(/ok reply-within-60s: 2 examples\n/);
  });

  it('keeps inherited examples that still hold, and leaves rules changed only in severity or points alone', async () => {
    const dir = workspace('extends: zh-CN\nrules:\n  - id: reply-within-60s\n    maxSeconds: 60.5\n  - id: no-rude-phrases\n    severity: warning\n    points: 1\n');
    const result = await chatlint(['rules', 'test'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('~  reply-within-60s: inherited examples re-judged (maxSeconds changed in chatlint.yaml): all still hold');
    expect(result.stdout).not.toContain('~  no-rude-phrases');
  });

  it('examples given with the override are judged as written: a wrong one fails', async () => {
    const dir = workspace('extends: zh-CN\nrules:\n  - id: reply-within-60s\n    maxSeconds: 90\n    examples:\n      fail: [["customer: 在吗", "61s agent: 在的"]]\n');
    const result = await chatlint(['rules', 'test'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL reply-within-60s');
  });
});

describe('init and LICENSE', () => {
  it('chatlint init starts the file with a yaml-language-server $schema line that points at the shipped schema', async () => {
    const dir = tempDir();
    expect((await chatlint(['init'], { cwd: dir })).code).toBe(0);
    const first = readFileSync(join(dir, 'chatlint.yaml'), 'utf8').split('\n')[0] ?? '';
    const schema = first.match(/^# yaml-language-server: \$schema=(.+)$/)?.[1] ?? '';
    expect(JSON.parse(readFileSync(schema.startsWith('/') ? schema : join(dir, schema), 'utf8')).$schema).toContain('json-schema.org');
  });

  it('LICENSE is the licence package.json names', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
  });
});

describe('sizes on the command line', () => {
  it('reads --memory-budget and --max-line-bytes with or without a unit, the same report whatever the spelling', async () => {
    const dir = workspace();
    const reference = (await chatlint(['check', 'night.jsonl', '-f', 'json'], { cwd: dir })).stdout;
    for (const budget of ['0', '48', '48MB', '48m', '0.5g', '2GB', '512KiB', ' 64 MB ']) {
      const run = await chatlint(['check', 'night.jsonl', '-f', 'json', '--memory-budget', budget], { cwd: dir });
      expect(run.code, budget).toBe(1);
      expect(run.stdout).toBe(reference);
    }
    const [longest, next] = NIGHT.trim().split('\n').map((text) => Buffer.byteLength(text)).sort((a, b) => b - a) as [number, number];
    expect(longest).toBeGreaterThan(next);
    for (const [limit, skipped] of [['1kb', 0], ['1K', 0], [String(longest - 1), 1], [`${longest - 1}b`, 1], ['0.01kb', 4]] as const) {
      const run = JSON.parse((await chatlint(['check', 'night.jsonl', '-f', 'json', '--max-line-bytes', limit], { cwd: dir })).stdout);
      expect(run.summary.skippedRecords, limit).toBe(skipped);
    }
  });

  it('refuses a size it cannot read, naming the option, with exit code 2', async () => {
    const dir = workspace();
    for (const [option, value] of [['--memory-budget', '2 terabytes'], ['--memory-budget', '-1'], ['--memory-budget', 'lots'], ['--max-line-bytes', '1e6'], ['--max-line-bytes', '4x']]) {
      const run = await chatlint(['check', 'night.jsonl', option as string, value as string], { cwd: dir });
      expect(run.code, value).toBe(2);
      expect(run.stderr).toContain(`${option} must be a size`);
      expect(run.stderr).toContain(`"${value}"`);
    }
  });
});
