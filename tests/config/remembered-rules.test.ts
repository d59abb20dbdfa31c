import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as parse from '../../src/config/parse.js';
import { ruleFileProblems, ruleSetEssence, TEAM_RULES } from '../helpers/rules.js';

// A team's own rule file, parsed and validated by one run, is taken as such by the next runs of the same
// build (the user's cache folder): it must give the very rule set, and the very errors, a fresh parse gives.
const NONE = new URL('file:///nonexistent/parsed-packs.json');
/** Text no other test of this process has parsed (test files share modules: isolate is off). */
const unique = (text: string) => `# ${randomUUID()}\n${text}`;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
let dir: string;
const fileOf = (build = 'b1') => join(dir, `rules-${build}.json`);
/** What a new run of build `b1` starts with. */
const newRun = (build = 'b1') => {
  parse.rememberRulesIn(dir, build);
  parse.loadBuiltPacks(NONE);
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chatlint-remembered-'));
  newRun();
});
afterEach(() => {
  parse.rememberRulesIn('', '');
  parse.loadBuiltPacks();
  rmSync(dir, { recursive: true, force: true });
});

describe('rule files remembered between runs of one build', () => {
  it('are parsed once, then taken as they were, to the same rule set', () => {
    const text = unique(TEAM_RULES);
    const first = ruleSetEssence(text);
    const written = readFileSync(fileOf(), 'utf8');
    expect(readdirSync(dir)).toEqual(['rules-b1.json']);
    expect(JSON.parse(written).packs[sha(text)]).toStrictEqual(parseDocument(text).toJS());

    newRun();
    const parses = parse.yamlParses;
    expect(ruleSetEssence(text)).toStrictEqual(first);
    expect(parse.yamlParses).toBe(parses);
    // Nothing new was learned: the file is left as it was.
    expect(readFileSync(fileOf(), 'utf8')).toBe(written);
  });

  it('come from the file alone: a remembered pack stands in for the YAML, and workers are handed it', () => {
    // The rules are validated once under another text (another pack key), then a pack of the same rules is planted.
    ruleSetEssence(unique(TEAM_RULES));
    const text = unique(TEAM_RULES);
    const planted = parseDocument(text).toJS() as { rules: Array<Record<string, unknown>> };
    const validated = Object.fromEntries(planted.rules.map((rule) => [JSON.stringify(rule), parse.learnedPacks().validated[JSON.stringify(rule)]]));
    (planted.rules[1] as Record<string, unknown>).maxSeconds = 999;
    validated[JSON.stringify(planted.rules[1])] = JSON.stringify({ ...JSON.parse(validated[JSON.stringify({ ...planted.rules[1], maxSeconds: 45 })] as string), maxSeconds: 999 });
    writeFileSync(fileOf(), JSON.stringify({ packs: { [sha(text)]: planted }, validated }));

    newRun();
    const parses = parse.yamlParses;
    const rules = ruleSetEssence(text).rules.map(({ rule }) => rule);
    expect(parse.yamlParses).toBe(parses);
    expect(rules.find((rule) => rule.id === 'fast')).toMatchObject({ maxSeconds: 999 });
    expect(parse.learnedPacks().packs[sha(text)]).toStrictEqual(planted);
    expect(parse.learnedPacks().validated[JSON.stringify(planted.rules[1])]).toBe(validated[JSON.stringify(planted.rules[1])]);
  });

  it('are parsed again when edited, with the new rules', () => {
    const text = unique(TEAM_RULES);
    ruleSetEssence(text);
    newRun();
    const parses = parse.yamlParses;
    const edited = text.replace('maxSeconds: 45', 'maxSeconds: 30');
    const rules = ruleSetEssence(edited).rules.map(({ rule }) => rule);
    expect(parse.yamlParses).toBe(parses + 1);
    expect(rules.find((rule) => rule.id === 'fast')).toMatchObject({ maxSeconds: 30 });
    expect(JSON.parse(readFileSync(fileOf(), 'utf8')).packs).toHaveProperty([sha(text)]);
    expect(JSON.parse(readFileSync(fileOf(), 'utf8')).packs).toHaveProperty([sha(edited)]);
  });

  it('change nothing but the time when the file is garbage, of another shape, or of another build', () => {
    const text = unique(TEAM_RULES);
    parse.rememberRulesIn('', '');
    const fresh = ruleSetEssence(text);
    for (const content of ['garbage', '[]', '{"packs":[],"validated":{}}', '{"packs":{},"validated":{"x":1}}', '']) {
      writeFileSync(fileOf(), content);
      writeFileSync(fileOf('b0'), '{"packs":{},"validated":{}}');
      newRun();
      expect(ruleSetEssence(text), content).toStrictEqual(fresh);
      // Written again, whole; another build's file is removed.
      expect(JSON.parse(readFileSync(fileOf(), 'utf8')).packs, content).toHaveProperty([sha(text)]);
      expect(readdirSync(dir), content).toEqual(['rules-b1.json']);
    }
  });

  it('name the same lines in errors as a fresh parse', () => {
    const base = join(dir, 'base.yaml');
    const child = join(dir, 'child.yaml');
    writeFileSync(base, 'rules:\n  - id: fast\n    kind: response-time\n    maxSeconds: 60\n');
    const childText = unique('extends: ./base.yaml\nrules:\n\n  - id: fast\n\n    maxSeconds: 90\n');
    ruleSetEssence(childText, child);
    // The base changes under the remembered child: the child's override no longer fits the rule.
    writeFileSync(base, 'rules:\n  - id: fast\n    kind: forbidden-phrase\n    phrases: [x]\n');
    newRun();
    const remembered = ruleFileProblems(childText, child);
    parse.rememberRulesIn('', '');
    expect(remembered).toEqual(ruleFileProblems(childText, child));
    expect(remembered.join('\n')).toContain('child.yaml:7: rules[0].maxSeconds');
  });

  it("keep the time zones ICU took as valid, and take them so", () => {
    const berlin = unique('timezone: Europe/Berlin\nrules: []\n');
    ruleSetEssence(berlin);
    expect(JSON.parse(readFileSync(fileOf(), 'utf8')).zones).toContain('Europe/Berlin');
    // A planted name ICU would refuse shows the remembered list is what a rule file's zone is checked against
    // (new to this process, which also keeps the zones it took).
    const zone = `Mars/Olympus_Mons_${randomUUID().replaceAll('-', '_')}`;
    const mars = unique(`timezone: ${zone}\nrules: []\n`);
    expect(ruleFileProblems(mars)).toEqual([`team.yaml: timezone: unknown time zone "${zone}" (expected an IANA name such as Asia/Shanghai)`]);
    writeFileSync(fileOf(), JSON.stringify({ packs: {}, validated: {}, zones: [zone] }));
    newRun();
    expect(ruleFileProblems(mars)).toEqual([]);
  });

  it('are not read by a run that learned nothing (a built-in pack as shipped)', async () => {
    // A fresh module graph: a run's first compile, with nothing learned before it.
    vi.resetModules();
    const fresh = { parse: await import('../../src/config/parse.js'), compile: await import('../../src/config/compile.js'), presets: await import('../../src/config/presets.js') };
    vi.resetModules();
    fresh.parse.rememberRulesIn(dir, 'b1');
    fresh.parse.loadBuiltPacks(new URL('../../dist/parsed-packs.json', import.meta.url));
    fresh.compile.compileRuleText(readFileSync(fresh.presets.presetPath('zh-CN'), 'utf8'), 'rules/zh-CN.yaml');
    expect(readdirSync(dir)).toEqual([]);
    // Remembered only now: had the pack's compile read the (then missing) file, this run would not see it.
    const text = unique('rules:\n  - id: fast\n    kind: response-time\n    maxSeconds: 45\n');
    const planted = { rules: [{ id: 'fast', kind: 'response-time', maxSeconds: 99 }] };
    writeFileSync(fileOf(), JSON.stringify({ packs: { [sha(text)]: planted }, validated: {} }));
    const compiled = fresh.compile.compileRuleText(text, 'team.yaml');
    expect(compiled.rules.map(({ rule }) => rule)).toMatchObject([{ id: 'fast', maxSeconds: 99 }]);
    fresh.parse.rememberRulesIn('', '');
  });

  it('are not kept without a cache folder, nor past a failed compile', () => {
    parse.rememberRulesIn('', 'b1');
    ruleSetEssence(unique(TEAM_RULES));
    expect(readdirSync(dir)).toEqual([]);
    newRun();
    expect(ruleFileProblems(unique(`${TEAM_RULES}  - id: broken\n    kind: response-time\n    maxSeconds: soon\n`))).not.toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
