import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatlint, tempDir } from '../helpers/cli.js';

const line = (o: object) => `${JSON.stringify(o)}\n`;
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

describe('exit codes', () => {
  it('0 when nothing reaches error severity (warnings do not fail)', () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': WARNING_ONLY });
    const result = chatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('runs');
  });

  it('1 when an error finding exists, 0 again under --max-errors', () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': ERRORS });
    expect(chatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir }).code).toBe(1);
    expect(chatlint(['check', 'a.jsonl', '--rules', 'r.yaml', '--max-errors', '2'], { cwd: dir }).code).toBe(0);
    expect(chatlint(['check', 'a.jsonl', '--rules', 'r.yaml', '--max-errors', '1'], { cwd: dir }).code).toBe(1);
  });

  it('2 for an invalid rule file, naming file, line and key', () => {
    const dir = tempDir({ 'team.yaml': 'rules:\n  - id: x\n    kind: response-time\n    maxSeconds: soon\n', 'a.jsonl': CLEAN });
    const result = chatlint(['check', 'a.jsonl', '--rules', 'team.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('chatlint: team.yaml:4: rules[0].maxSeconds: expected a number\n');
  });

  it('2 for usage errors: unknown option, bad choice, missing path, unknown time zone', () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': CLEAN });
    expect(chatlint(['check', 'a.jsonl', '--bogus'], { cwd: dir }).code).toBe(2);
    expect(chatlint(['check', 'a.jsonl', '--format', 'xml'], { cwd: dir }).code).toBe(2);
    const missing = chatlint(['check', 'nope.jsonl', '--rules', 'r.yaml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.jsonl: no such file or directory');
    const zone = chatlint(['check', 'a.jsonl', '--rules', 'r.yaml', '--timezone', 'Mars/Base'], { cwd: dir });
    expect(zone.code).toBe(2);
    expect(zone.stderr).toContain('unknown time zone "Mars/Base"');
    expect(chatlint(['nonsense'], { cwd: dir }).code).toBe(2);
  });

  it('2 when no input could be read at all, and under --strict when a record was skipped', () => {
    const dir = tempDir({ 'r.yaml': RULES, 'bad.json': '{"messages": [', 'mixed.jsonl': `${CLEAN}not json\n` });
    const unreadable = chatlint(['check', 'bad.json', '--rules', 'r.yaml'], { cwd: dir });
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('bad.json: invalid JSON');
    const mixed = chatlint(['check', 'mixed.jsonl', '--rules', 'r.yaml'], { cwd: dir });
    expect(mixed.code).toBe(0);
    expect(mixed.stderr).toContain('mixed.jsonl:3: skipped: invalid JSON');
    expect(chatlint(['check', 'mixed.jsonl', '--rules', 'r.yaml', '--strict'], { cwd: dir }).code).toBe(2);
  });

  it('--help and --version exit 0', () => {
    expect(chatlint(['--help']).code).toBe(0);
    expect(chatlint(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('input and output', () => {
  it('reads standard input when given - or no path', () => {
    const dir = tempDir({ 'r.yaml': RULES });
    const result = chatlint(['check', '--rules', 'r.yaml', '--format', 'json'], { cwd: dir, input: ERRORS });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toMatchObject({ files: 1, conversations: 2, messages: 4 });
    expect(report.findings[0].source.file).toBe('<stdin>');
    expect(chatlint(['check', '-', '--rules', 'r.yaml', '--format', 'json'], { cwd: dir, input: ERRORS }).code).toBe(1);
  });

  it('-o writes the file atomically, keeps the exit code, and never reads its own report', () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': ERRORS, 'report.json': '{"schemaVersion": 1}\n' });
    const result = chatlint(['check', '.', '--rules', 'r.yaml', '-o', 'report.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/wrote report\.json: 2 conversations, 4 messages, 2 findings, 0 skipped records/);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.schemaVersion).toBe(1);
    expect(report.summary.files).toBe(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to write the report over an input file', () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': CLEAN });
    const result = chatlint(['check', 'a.jsonl', '--rules', 'r.yaml', '-o', 'a.jsonl'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(readFileSync(join(dir, 'a.jsonl'), 'utf8')).toBe(CLEAN);
  });

  it('leaves the previous report in place when the run fails', () => {
    const dir = tempDir({ 'r.yaml': 'rules: 3\n', 'a.jsonl': CLEAN, 'out.json': 'previous' });
    expect(chatlint(['check', 'a.jsonl', '--rules', 'r.yaml', '-o', 'out.json'], { cwd: dir }).code).toBe(2);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('previous');
  });

  it('uses ./chatlint.yaml when present, else the built-in zh-CN pack', () => {
    const dir = tempDir({ 'chatlint.yaml': RULES.replace('name: test', 'name: local-pack'), 'a.jsonl': CLEAN });
    expect(JSON.parse(chatlint(['check', 'a.jsonl', '-f', 'json'], { cwd: dir }).stdout).ruleset.name).toBe('local-pack');
    const bare = tempDir({ 'a.jsonl': CLEAN });
    expect(JSON.parse(chatlint(['check', 'a.jsonl', '-f', 'json'], { cwd: bare }).stdout).ruleset.name).toBe('zh-CN');
  });

  it('colours only on request or a terminal, and honours NO_COLOR', () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': ERRORS });
    expect(chatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir }).stdout).not.toContain('\u001b[');
    expect(chatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[');
    expect(chatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toContain('\u001b[');
    expect(chatlint(['check', 'a.jsonl', '--rules', 'r.yaml', '--no-color'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\u001b[');
  });

  it('--quiet prints only errors', () => {
    const dir = tempDir({ 'r.yaml': RULES, 'mixed.jsonl': `${CLEAN}not json\n` });
    expect(chatlint(['check', 'mixed.jsonl', '--rules', 'r.yaml', '--quiet', '-o', 'out.json'], { cwd: dir }).stderr).toBe('');
    expect(existsSync(join(dir, 'out.json'))).toBe(true);
  });
});

describe('chatlint rules', () => {
  it('lists the effective rules', () => {
    const dir = tempDir({ 'r.yaml': RULES });
    const result = chatlint(['rules', '--rules', 'r.yaml'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/greeting\s+greeting\s+error/);
    expect(result.stdout).toMatch(/runs\s+forbidden-punctuation\s+warning/);
  });
  it('exits 2 on a broken rule file', () => {
    const dir = tempDir({ 'r.yaml': 'rules:\n  - kind: greeting\n' });
    writeFileSync(join(dir, 'x'), '');
    expect(chatlint(['rules', '--rules', 'r.yaml'], { cwd: dir }).code).toBe(2);
  });
});
