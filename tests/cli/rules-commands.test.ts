import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatlint, tempDir } from '../helpers/cli.js';

const WITH_EXAMPLES = `name: examples
rules:
  - id: no-wechat
    kind: forbidden-phrase
    patterns: ["加(?:我)?微信"]
    examples:
      pass: [["customer: 怎么联系你", "agent: 您可以拨打客服热线"]]
      fail: [["customer: 怎么联系你", "agent: 加我微信吧"]]
  - id: slow
    kind: response-time
    maxSeconds: 60
    examples:
      pass: [["customer: 在吗", "60s agent: 在的"]]
      fail: [["customer: 在吗", "61s agent: 在的"]]
`;

describe('chatlint rules test', () => {
  it('passes when every example behaves', async () => {
    const dir = tempDir({ 'r.yaml': WITH_EXAMPLES });
    const result = await chatlint(['rules', 'test', '--rules', 'r.yaml'], { cwd: dir });
    expect(result.stdout).toContain('ok no-wechat: 2 examples');
    expect(result.stdout).toContain('2 rules passed, 0 failed (4 examples)');
    expect(result.code).toBe(0);
  });

  it('fails with exit 1 and names the rule and the example that misbehaves', async () => {
    const wrong = WITH_EXAMPLES.replace('"60s agent: 在的"]]\n      fail', '"75s agent: 在的"]]\n      fail');
    const dir = tempDir({ 'r.yaml': wrong });
    const result = await chatlint(['rules', 'test', '--rules', 'r.yaml'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL slow\n     pass example 1 reported message 1: Reply after 75 s (limit 60 s)\n       | customer: 在吗\n       | 75s agent: 在的');
    expect(result.stdout).toContain('1 rules passed, 1 failed (4 examples)');
  });

  it('reports a malformed example line', async () => {
    const dir = tempDir({ 'r.yaml': WITH_EXAMPLES.replace('"agent: 加我微信吧"', '"boss: 加我微信吧"') });
    const result = await chatlint(['rules', 'test', '--rules', 'r.yaml'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('fail example 1 line 2 "boss: 加我微信吧": expected "customer: …"');
  });
});

describe('chatlint rules --explain', () => {
  it('prints one rule with its effective options', async () => {
    const result = await chatlint(['rules', '--preset', 'zh-CN', '--explain', 'reply-within-60s']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^reply-within-60s \(response-time\)/);
    expect(result.stdout).toContain('maxSeconds: 60');
  });
  it('exits 2 for an unknown rule id', async () => {
    const result = await chatlint(['rules', '--explain', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no rule "nope"');
  });
});

describe('chatlint init', () => {
  it('writes a starter that loads, and refuses to overwrite without --force', async () => {
    const dir = tempDir();
    expect((await chatlint(['init', '--preset', 'en'], { cwd: dir })).code).toBe(0);
    const text = readFileSync(join(dir, 'chatlint.yaml'), 'utf8');
    expect(text).toContain('extends: en');
    const listed = await chatlint(['rules'], { cwd: dir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('extends: en');
    expect((await chatlint(['init'], { cwd: dir })).code).toBe(2);
    expect((await chatlint(['init', '--force'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'chatlint.yaml'), 'utf8')).toContain('extends: zh-CN');
  });
});

describe('built-in packs', () => {
  it.each(['zh-CN', 'en'])('%s: every rule has examples and they all pass', async (preset) => {
    const result = await chatlint(['rules', 'test', '--preset', preset]);
    expect(result.stdout).not.toContain('no examples');
    expect(result.stdout).toMatch(/\d+ rules passed, 0 failed/);
    expect(result.code).toBe(0);
  });
});
