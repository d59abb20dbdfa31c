import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, chatlint, spawnChatlint, tempDir, jsonLine as line } from '../helpers/cli.js';

const RULES = `name: test
timezone: Asia/Shanghai
rules:
  - id: greeting
    kind: greeting
    patterns: ["云客服{agentId}"]
  - id: slow
    kind: response-time
    maxSeconds: 60
  - id: runs
    kind: forbidden-punctuation
    severity: warning
    patterns: ["[!！]{2,}"]
`;
const CLEAN = line({ conversation_id: 'c1', timestamp: '2026-11-27 10:00:00', role: 'customer', text: '你好' }) +
  line({ conversation_id: 'c1', timestamp: '2026-11-27 10:00:30', role: 'agent', agent_id: '7', text: '您好，云客服7为您服务' });
const WARNING_ONLY = CLEAN + line({ conversation_id: 'c1', timestamp: '2026-11-27 10:00:40', role: 'agent', agent_id: '7', text: '好的！！' });
const ERRORS = CLEAN + line({ conversation_id: 'c2', timestamp: '2026-11-27 10:00:00', role: 'customer', text: '在吗' }) +
  line({ conversation_id: 'c2', timestamp: '2026-11-27 10:02:00', role: 'agent', agent_id: '8', text: '在的' });

// Every case below runs in this process through main(); these few run the real binary, where the exit
// code the shell sees (process.exitCode set by run.ts) and the pipe to the next program are the point.
describe('the real binary, as a separate process', () => {
  it('exits 0 on a clean run', () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': CLEAN });
    expect(spawnChatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir })).toMatchObject({ code: 0, stderr: '' });
  });

  it('exits 1 on an error finding', () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': ERRORS });
    expect(spawnChatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir }).code).toBe(1);
  });

  it('exits 2 on a usage error, with the reason on stderr', () => {
    const dir = tempDir({ 'r.yaml': RULES });
    expect(spawnChatlint(['check', 'nope.jsonl', '--rules', 'r.yaml'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'chatlint: nope.jsonl: no such file or directory\n' });
  });

  it('exits quietly when the reader of its output closes the pipe early (chatlint check … | head -1)', () => {
    // More findings (about 200 KB of NDJSON) than a pipe buffers (64 KB), so a write after `head` has gone fails with EPIPE.
    const many = Array.from({ length: 400 }, (_, i) => ERRORS.replaceAll('"c2"', `"c2-${i}"`).replaceAll('"c1"', `"c1-${i}"`)).join('');
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': many });
    const result = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" check a.jsonl --rules r.yaml -f ndjson | head -c 1`], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CHATLINT_CACHE_DIR: '' },
    });
    expect(result.stdout).toBe('{');
    expect(result.stderr).toBe('');
  });
});

describe('exit codes', () => {
  it('0 when nothing reaches error severity (warnings do not fail)', async () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': WARNING_ONLY });
    const result = await chatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('runs');
  });

  it('1 when an error finding exists, 0 again under --max-errors', async () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': ERRORS });
    expect((await chatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir })).code).toBe(1);
    expect((await chatlint(['check', 'a.jsonl', '--rules', 'r.yaml', '--max-errors', '2'], { cwd: dir })).code).toBe(0);
    expect((await chatlint(['check', 'a.jsonl', '--rules', 'r.yaml', '--max-errors', '1'], { cwd: dir })).code).toBe(1);
  });

  it('2 for an invalid rule file, naming file, line and key', async () => {
    const dir = tempDir({ 'team.yaml': 'rules:\n  - id: x\n    kind: response-time\n    maxSeconds: soon\n', 'a.jsonl': CLEAN });
    const result = await chatlint(['check', 'a.jsonl', '--rules', 'team.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('chatlint: team.yaml:4: rules[0].maxSeconds: expected a number\n');
  });

  it('2 for usage errors: unknown option, bad choice, missing path, unknown time zone', async () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': CLEAN });
    expect((await chatlint(['check', 'a.jsonl', '--bogus'], { cwd: dir })).code).toBe(2);
    expect((await chatlint(['check', 'a.jsonl', '--format', 'xml'], { cwd: dir })).code).toBe(2);
    const missing = await chatlint(['check', 'nope.jsonl', '--rules', 'r.yaml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.jsonl: no such file or directory');
    const zone = await chatlint(['check', 'a.jsonl', '--rules', 'r.yaml', '--timezone', 'Mars/Base'], { cwd: dir });
    expect(zone.code).toBe(2);
    expect(zone.stderr).toContain('unknown time zone "Mars/Base"');
    expect((await chatlint(['nonsense'], { cwd: dir })).code).toBe(2);
  });

  it('2 when no input could be read at all, and under --strict when a record was skipped', async () => {
    const dir = tempDir({ 'r.yaml': RULES, 'bad.json': '{"messages": [', 'mixed.jsonl': `${CLEAN}not json\n` });
    const unreadable = await chatlint(['check', 'bad.json', '--rules', 'r.yaml'], { cwd: dir });
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('bad.json: invalid JSON');
    const mixed = await chatlint(['check', 'mixed.jsonl', '--rules', 'r.yaml'], { cwd: dir });
    expect(mixed.code).toBe(0);
    expect(mixed.stderr).toContain('mixed.jsonl:3: skipped: invalid JSON');
    expect((await chatlint(['check', 'mixed.jsonl', '--rules', 'r.yaml', '--strict'], { cwd: dir })).code).toBe(2);
  });

  it('--help and --version exit 0', async () => {
    expect((await chatlint(['--help'])).code).toBe(0);
    expect((await chatlint(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('input and output', () => {
  it('reads standard input when given - or no path', async () => {
    const dir = tempDir({ 'r.yaml': RULES });
    const result = await chatlint(['check', '--rules', 'r.yaml', '--format', 'json'], { cwd: dir, input: ERRORS });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toMatchObject({ files: 1, conversations: 2, messages: 4 });
    expect(report.findings[0].source.file).toBe('<stdin>');
    expect((await chatlint(['check', '-', '--rules', 'r.yaml', '--format', 'json'], { cwd: dir, input: ERRORS })).code).toBe(1);
  });

  it('refuses to wait for a terminal: no path and standard input a TTY is a usage error', async () => {
    const dir = tempDir({ 'r.yaml': RULES });
    const result = await chatlint(['check', '--rules', 'r.yaml'], { cwd: dir, tty: true });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('no input: give files, directories or glob patterns, or pipe an export into standard input');
  });

  it('-o writes the file atomically, keeps the exit code, and never reads its own report', async () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': ERRORS, 'report.json': '{"schemaVersion": 1}\n' });
    const result = await chatlint(['check', '.', '--rules', 'r.yaml', '-o', 'report.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/wrote report\.json: 2 conversations, 4 messages, 2 findings, 0 skipped records/);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.schemaVersion).toBe(1);
    expect(report.summary.files).toBe(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to write the report over an input file', async () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': CLEAN });
    const result = await chatlint(['check', 'a.jsonl', '--rules', 'r.yaml', '-o', 'a.jsonl'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(readFileSync(join(dir, 'a.jsonl'), 'utf8')).toBe(CLEAN);
  });

  it('leaves the previous report in place when the run fails', async () => {
    const dir = tempDir({ 'r.yaml': 'rules: 3\n', 'a.jsonl': CLEAN, 'out.json': 'previous' });
    expect((await chatlint(['check', 'a.jsonl', '--rules', 'r.yaml', '-o', 'out.json'], { cwd: dir })).code).toBe(2);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('previous');
  });

  it('uses ./chatlint.yaml when present, else the built-in zh-CN pack', async () => {
    const dir = tempDir({ 'chatlint.yaml': RULES.replace('name: test', 'name: local-pack'), 'a.jsonl': CLEAN });
    expect(JSON.parse((await chatlint(['check', 'a.jsonl', '-f', 'json'], { cwd: dir })).stdout).ruleset.name).toBe('local-pack');
    const bare = tempDir({ 'a.jsonl': CLEAN });
    expect(JSON.parse((await chatlint(['check', 'a.jsonl', '-f', 'json'], { cwd: bare })).stdout).ruleset.name).toBe('zh-CN');
  });

  it('colours only on request or a terminal, and honours NO_COLOR', async () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': ERRORS });
    expect((await chatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir })).stdout).not.toContain('\u001b[');
    expect((await chatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir, env: { FORCE_COLOR: '1' } })).stdout).toContain('\u001b[');
    expect((await chatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
    expect((await chatlint(['check', 'a.jsonl', '--rules', 'r.yaml', '--no-color'], { cwd: dir, env: { FORCE_COLOR: '1' } })).stdout).not.toContain('\u001b[');
  });

  it('--quiet prints only errors', async () => {
    const dir = tempDir({ 'r.yaml': RULES, 'mixed.jsonl': `${CLEAN}not json\n` });
    expect((await chatlint(['check', 'mixed.jsonl', '--rules', 'r.yaml', '--quiet', '-o', 'out.json'], { cwd: dir })).stderr).toBe('');
    expect(existsSync(join(dir, 'out.json'))).toBe(true);
  });
});

describe('chatlint rules', () => {
  it('lists the effective rules', async () => {
    const dir = tempDir({ 'r.yaml': RULES });
    const result = await chatlint(['rules', '--rules', 'r.yaml'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/greeting\s+greeting\s+error/);
    expect(result.stdout).toMatch(/runs\s+forbidden-punctuation\s+warning/);
  });
  it('exits 2 on a broken rule file', async () => {
    const dir = tempDir({ 'r.yaml': 'rules:\n  - kind: greeting\n' });
    writeFileSync(join(dir, 'x'), '');
    expect((await chatlint(['rules', '--rules', 'r.yaml'], { cwd: dir })).code).toBe(2);
  });
});
