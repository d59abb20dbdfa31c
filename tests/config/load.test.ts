import { describe, expect, it } from 'vitest';
import { ruleFileProblems } from '../helpers/rules.js';
import { compileRuleText } from '../../src/config/compile.js';
import { listPresets } from '../../src/config/presets.js';
import { loadRuleset } from '../../src/config/load.js';

const problems = ruleFileProblems;

describe('rule files', () => {
  it('applies defaults', () => {
    const ruleset = compileRuleText('name: t\nrules:\n  - id: r\n    kind: response-time\n    maxSeconds: 60\n', 't.yaml');
    expect(ruleset.rules[0]?.rule).toMatchObject({ id: 'r', severity: 'error', role: 'agent', enabled: true });
    expect(ruleset.hash).toMatch(/^[0-9a-f]{12}$/);
  });

  it('names the file, line and key path of a wrong type', () => {
    const text = 'rules:\n  - id: a\n    kind: response-time\n    maxSeconds: 60\n  - id: b\n    kind: greeting\n    patterns: ["x"]\n  - id: c\n    kind: response-time\n    maxSeconds: "sixty"\n';
    expect(problems(text)).toEqual(['team.yaml:10: rules[2].maxSeconds: expected a number']);
  });

  it('rejects unknown keys, unknown kinds and missing fields', () => {
    expect(problems('rules:\n  - id: a\n    kind: response-time\n    maxSecs: 60\n')).toEqual([
      'team.yaml:2: rules[0].maxSeconds: required (number)',
      'team.yaml:4: rules[0].maxSecs: unknown key',
    ]);
    expect(problems('rules:\n  - id: a\n    kind: telepathy\n')[0]).toMatch(/^team\.yaml:3: rules\[0\]\.kind: unknown kind "telepathy" \(known kinds: greeting, /);
    expect(problems('colour: red\n')).toEqual(['team.yaml:1: colour: unknown key']);
  });

  it('rejects a bad regular expression, with the pattern named', () => {
    const [problem] = problems('rules:\n  - id: a\n    kind: forbidden-phrase\n    patterns: ["(unclosed"]\n');
    expect(problem).toMatch(/^team\.yaml:4: rules\[0\]\.patterns\[0\]: invalid regular expression "\(unclosed"/);
  });

  it('rejects a pattern that matches empty text', () => {
    expect(problems('rules:\n  - id: a\n    kind: forbidden-punctuation\n    patterns: ["!*"]\n')[0]).toMatch(/matches empty text/);
  });

  it('rejects duplicate ids, unknown placeholders and unknown time zones', () => {
    const text = 'timezone: Mars/Olympus\nrules:\n  - id: a\n    kind: response-time\n    maxSeconds: 1\n    message: "{speed}"\n  - id: a\n    kind: response-time\n    maxSeconds: 2\n';
    const found = problems(text);
    expect(found).toHaveLength(3);
    expect(found.join('\n')).toMatch(/unknown time zone "Mars\/Olympus"/);
    expect(found.join('\n')).toMatch(/rules\[0\]\.message: unknown placeholder \{speed\}/);
    expect(found.join('\n')).toMatch(/rules\[1\]\.id: duplicate rule id "a"/);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problems('rules:\n  - id: a\n   kind: [\n')[0]).toMatch(/^team\.yaml:\d+: /);
  });

  it('reads JSON rule files', () => {
    const ruleset = compileRuleText(JSON.stringify({ rules: [{ id: 'r', kind: 'response-time', maxSeconds: 30 }] }), 'team.json');
    expect(ruleset.rules).toHaveLength(1);
    expect(problems('{"rules": [', 'team.json')[0]).toMatch(/^team\.json: not valid JSON/);
  });

  it('bounds YAML alias expansion (billion laughs)', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    lines.push('rules: []');
    expect(problems(lines.join('\n'))[0]).toMatch(/alias/i);
  });
});

describe('built-in packs', () => {
  it('ships zh-CN and en, and both compile', () => {
    expect(listPresets()).toEqual(expect.arrayContaining(['en', 'zh-CN']));
    for (const preset of ['zh-CN', 'en']) {
      const ruleset = loadRuleset({ preset });
      expect(ruleset.rules.map((r) => r.kind.kind)).toEqual(
        expect.arrayContaining(['greeting', 'response-time', 'forbidden-phrase', 'forbidden-punctuation']),
      );
      for (const { rule } of ruleset.rules) expect(rule.description, `${preset}: ${rule.id}`).toBeTruthy();
    }
  });
});
