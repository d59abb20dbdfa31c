import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { compileRuleText } from '../../src/config/compile.js';
import { adoptPacks, learnedPacks, learnValidated, loadBuiltPacks, type BuiltPacks } from '../../src/config/parse.js';
import { presetPath } from '../../src/config/presets.js';

// What a check worker is handed (learnedPacks in the main thread, adoptPacks in the worker) stands in for
// parsing and validating the same rule files again: it must give the very rule set a fresh parse gives.
const NONE = new URL('file:///nonexistent/parsed-packs.json');
const packText = (preset: string) => readFileSync(presetPath(preset), 'utf8');
const essence = (text: string, label: string) => {
  const { rules, ...rest } = compileRuleText(text, label, label);
  return { ...rest, rules: rules.map(({ rule, kind }) => ({ rule, kind: kind.kind })) };
};
/** A team's own file: every kind's options beside the packs', a filter, a phrase with a regex. */
const TEAM = `name: team
timezone: Asia/Shanghai
rules:
  - id: greet
    kind: greeting
    within: 2
    patterns: ['云客服\\s*{agentId}\\s*为您服务', 'hello']
  - id: fast
    kind: response-time
    maxSeconds: 45
    appliesTo: { channel: [web, app] }
  - id: words
    kind: forbidden-phrase
    severity: warning
    phrases: ["不知道", "没办法"]
  - id: bangs
    kind: forbidden-punctuation
    patterns: ['[!！]{2,}']
`;

afterEach(() => {
  loadBuiltPacks();
});

/** This process's learned tables as a worker receives them: a structured clone. */
const handedOver = (): BuiltPacks => structuredClone(learnedPacks());

describe('rule files a thread parsed and validated, handed to a worker', () => {
  it('compile to the same rule set as parsing and validating them again', () => {
    const files: Array<[string, string]> = [[TEAM, 'team.yaml'], [packText('zh-CN'), 'rules/zh-CN.yaml'], [packText('en'), 'rules/en.yaml']];
    loadBuiltPacks(NONE);
    const fresh = files.map(([text, label]) => essence(text, label));
    const learned = handedOver();
    // Every file and each of its rules were learned, not only some (a worker would do the rest again). Other test
    // files share this module (isolate: false), so the tables are checked for these, not counted.
    for (const [text] of files) {
      expect(learned.packs[createHash('sha256').update(text).digest('hex')]).toBeDefined();
      for (const rule of (parseDocument(text).toJS() as { rules: unknown[] }).rules) expect(learned.validated[JSON.stringify(rule)]).toBeDefined();
    }
    loadBuiltPacks(NONE);
    adoptPacks(learned);
    expect(files.map(([text, label]) => essence(text, label))).toStrictEqual(fresh);
  });

  it('are what the worker uses (a planted change shows through), and each compile gets its own copy', () => {
    loadBuiltPacks(NONE);
    essence(TEAM, 'team.yaml');
    const planted = handedOver();
    planted.validated = Object.fromEntries(Object.entries(planted.validated).map(([entry, rule]) => [entry, JSON.stringify({ ...JSON.parse(rule), severity: 'info' })]));
    loadBuiltPacks(NONE);
    adoptPacks(planted);
    const first = compileRuleText(TEAM, 'team.yaml');
    expect(first.rules.map(({ rule }) => rule.severity)).toStrictEqual(['info', 'info', 'info', 'info']);
    (first.rules[0] as (typeof first.rules)[number]).rule.severity = 'error';
    expect(compileRuleText(TEAM, 'team.yaml').rules[0]?.rule.severity).toBe('info');
  });

  it('leave an edited file to be parsed and validated as written', () => {
    loadBuiltPacks(NONE);
    essence(TEAM, 'team.yaml');
    loadBuiltPacks(NONE);
    adoptPacks(handedOver());
    expect(compileRuleText(TEAM.replace('maxSeconds: 45', 'maxSeconds: 30'), 'team.yaml').rules[1]?.rule).toMatchObject({ id: 'fast', maxSeconds: 30 });
    expect(() => compileRuleText(TEAM.replace('severity: warning', 'severity: loud'), 'team.yaml')).toThrow(/severity/);
  });

  it('hold only rules whose validated form survives JSON', () => {
    const before = Object.keys(learnedPacks().validated).length;
    learnValidated({ id: 'odd-1' }, { id: 'odd-1', when: new Date(0) });
    learnValidated({ id: 'odd-2' }, { id: 'odd-2', gone: undefined });
    learnValidated({ id: 'odd-3' }, { id: 'odd-3', limit: Number.NaN });
    expect(Object.keys(learnedPacks().validated).length).toBe(before);
    learnValidated({ id: 'plain' }, { id: 'plain', phrases: ['a'], maxSeconds: 60 });
    expect(learnedPacks().validated[JSON.stringify({ id: 'plain' })]).toBe('{"id":"plain","phrases":["a"],"maxSeconds":60}');
  });
});
