import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadRuleset } from '../../src/config/load.js';
import { tempDir } from '../helpers/cli.js';

const load = (dir: string, file: string) => loadRuleset({ rules: join(dir, file) });
function problems(dir: string, file: string): string[] {
  try {
    load(dir, file);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('extends', () => {
  it('overrides a built-in rule by id: disable, severity, threshold, points; adds phrases and new rules', () => {
    const dir = tempDir({
      'team.yaml': `extends: zh-CN
name: after-sales
rules:
  - id: reply-within-60s
    maxSeconds: 90
    points: 5
  - id: no-emotional-punctuation
    enabled: false
  - id: no-rude-phrases
    severity: warning
    append:
      phrases: ["烦死了"]
  - id: closing
    kind: forbidden-phrase
    phrases: ["拜拜"]
`,
    });
    const ruleset = load(dir, 'team.yaml');
    const byId = new Map(ruleset.rules.map((r) => [r.rule.id, r.rule as unknown as Record<string, unknown>]));
    expect(ruleset.name).toBe('after-sales');
    expect(ruleset.timezone).toBe('Asia/Shanghai');
    expect(byId.get('reply-within-60s')).toMatchObject({ maxSeconds: 90, points: 5, severity: 'error' });
    expect(byId.get('no-emotional-punctuation')).toMatchObject({ enabled: false });
    expect(byId.get('no-rude-phrases')).toMatchObject({ severity: 'warning' });
    expect(byId.get('no-rude-phrases')?.phrases).toEqual(expect.arrayContaining(['我晕', '烦死了']));
    expect([...byId.keys()].at(-1)).toBe('closing');
  });

  it('follows relative paths and chains, and refuses cycles', () => {
    const dir = tempDir({
      'base.yaml': 'name: base\ntimezone: Europe/Berlin\nrules:\n  - id: slow\n    kind: response-time\n    maxSeconds: 60\n',
      'mid.yaml': 'extends: ./base.yaml\nrules:\n  - id: slow\n    maxSeconds: 30\n',
      'a.yaml': 'extends: b.yaml\nrules: []\n',
      'b.yaml': 'extends: a.yaml\nrules: []\n',
    });
    writeFileSync(join(dir, 'top.yaml'), 'extends: mid.yaml\nname: top\n');
    const ruleset = load(dir, 'top.yaml');
    expect(ruleset.timezone).toBe('Europe/Berlin');
    expect(ruleset.rules.map((r) => [r.rule.id, (r.rule as unknown as { maxSeconds: number }).maxSeconds])).toEqual([['slow', 30]]);
    expect(problems(dir, 'a.yaml')[0]).toMatch(/extends: circular: a\.yaml → b\.yaml → a\.yaml/);
  });

  it('names the overriding file and line when an override is wrong', () => {
    const dir = tempDir({
      'team.yaml': 'extends: zh-CN\nrules:\n  - id: reply-within-60s\n    maxSeconds: soon\n  - id: no-such-rule\n    severity: info\n  - id: greeting-with-id\n    kind: response-time\n',
    });
    expect(problems(dir, 'team.yaml')).toEqual([
      expect.stringMatching(/team\.yaml:5: rules\[1\]\.id: no rule "no-such-rule" in the extended pack to override/),
      expect.stringMatching(/team\.yaml:8: rules\[2\]\.kind: cannot change the kind of "greeting-with-id"/),
      expect.stringMatching(/team\.yaml:4: rules\[0\]\.maxSeconds: expected a number$/),
    ]);
  });

  it('says which presets exist when extends names nothing', () => {
    const dir = tempDir({ 'team.yaml': 'extends: zh-TW\nrules: []\n' });
    expect(problems(dir, 'team.yaml')[0]).toMatch(/team\.yaml:1: extends: no built-in preset or file "zh-TW" \(built-in presets: en, zh-CN; or a path relative to this file\)$/);
  });
});
