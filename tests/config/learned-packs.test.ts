import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { compileRuleText } from '../../src/config/compile.js';
import { adoptPacks, learnedPacks, learnValidated, loadBuiltPacks, type BuiltPacks } from '../../src/config/parse.js';
import { presetPath } from '../../src/config/presets.js';
import { ruleSetEssence, TEAM_RULES } from '../helpers/rules.js';

// What a check worker is handed (learnedPacks in the main thread, adoptPacks in the worker) stands in for
// parsing and validating the same rule files again: it must give the very rule set a fresh parse gives.
const NONE = new URL('file:///nonexistent/parsed-packs.json');
const packText = (preset: string) => readFileSync(presetPath(preset), 'utf8');
afterEach(() => {
  loadBuiltPacks();
});

/** This process's learned tables as a worker receives them: a structured clone. */
const handedOver = (): BuiltPacks => structuredClone(learnedPacks());

describe('rule files a thread parsed and validated, handed to a worker', () => {
  it('compile to the same rule set as parsing and validating them again', () => {
    const files: Array<[string, string]> = [[TEAM_RULES, 'team.yaml'], [packText('zh-CN'), 'rules/zh-CN.yaml'], [packText('en'), 'rules/en.yaml']];
    loadBuiltPacks(NONE);
    const fresh = files.map(([text, label]) => ruleSetEssence(text, label));
    const learned = handedOver();
    // Every file and each of its rules were learned, not only some (a worker would do the rest again). Other test
    // files share this module (isolate: false), so the tables are checked for these, not counted.
    for (const [text] of files) {
      expect(learned.packs[createHash('sha256').update(text).digest('hex')]).toBeDefined();
      for (const rule of (parseDocument(text).toJS() as { rules: unknown[] }).rules) expect(learned.validated[JSON.stringify(rule)]).toBeDefined();
    }
    loadBuiltPacks(NONE);
    adoptPacks(learned);
    expect(files.map(([text, label]) => ruleSetEssence(text, label))).toStrictEqual(fresh);
  });

  it('are what the worker uses (a planted change shows through), and each compile gets its own copy', () => {
    loadBuiltPacks(NONE);
    ruleSetEssence(TEAM_RULES, 'team.yaml');
    const planted = handedOver();
    planted.validated = Object.fromEntries(Object.entries(planted.validated).map(([entry, rule]) => [entry, JSON.stringify({ ...JSON.parse(rule), severity: 'info' })]));
    loadBuiltPacks(NONE);
    adoptPacks(planted);
    const first = compileRuleText(TEAM_RULES, 'team.yaml');
    expect(first.rules.map(({ rule }) => rule.severity)).toStrictEqual(['info', 'info', 'info', 'info']);
    (first.rules[0] as (typeof first.rules)[number]).rule.severity = 'error';
    expect(compileRuleText(TEAM_RULES, 'team.yaml').rules[0]?.rule.severity).toBe('info');
  });

  it('leave an edited file to be parsed and validated as written', () => {
    loadBuiltPacks(NONE);
    ruleSetEssence(TEAM_RULES, 'team.yaml');
    loadBuiltPacks(NONE);
    adoptPacks(handedOver());
    expect(compileRuleText(TEAM_RULES.replace('maxSeconds: 45', 'maxSeconds: 30'), 'team.yaml').rules[1]?.rule).toMatchObject({ id: 'fast', maxSeconds: 30 });
    expect(() => compileRuleText(TEAM_RULES.replace('severity: warning', 'severity: loud'), 'team.yaml')).toThrow(/severity/);
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
