import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileRuleText } from '../../src/config/compile.js';
import { loadBuiltPacks, parseRuleText, PARSE_CONFIG, topValidatedAtBuild } from '../../src/config/parse.js';
import { ruleFileSchema } from '../../src/config/schema.js';
import { presetPath } from '../../src/config/presets.js';
import { findKind } from '../../src/rules/registry.js';
import { withPatternsTrusted } from '../../src/rules/regex-safety.js';
import { ConfigError } from '../../src/errors.js';
import { conversation, msg, ruleSetEssence, runRule } from '../helpers/rules.js';

// Written by `npm run build` (scripts/parse-packs.mjs), which `npm test` runs first.
const BUILT = new URL('../../dist/parsed-packs.json', import.meta.url);
const NONE = new URL('file:///nonexistent/parsed-packs.json');
const PRESETS = ['zh-CN', 'en'];

const packText = (preset: string) => readFileSync(presetPath(preset), 'utf8');

afterEach(() => {
  loadBuiltPacks();
});

describe("the build's validated packs", () => {
  it('hold, for every rule of every built-in pack, what its schema returns now', () => {
    const built = loadBuiltPacks(BUILT);
    expect(built).not.toBeNull();
    const validated = Object.entries(built?.validated ?? {});
    // Both packs, every rule: a build that stopped validating them would pass the other tests unnoticed.
    expect(validated.length).toBe(PRESETS.map((p) => (ruleSetEssence(packText(p), p).rules.length)).reduce((a, b) => a + b));
    for (const [entryText, ruleText] of validated) {
      const entry = JSON.parse(entryText) as Record<string, unknown>;
      const kind = findKind(String(entry.kind));
      const parsed = withPatternsTrusted(entry.trustPatterns === true, () => kind?.schema.safeParse(entry, PARSE_CONFIG));
      expect(parsed?.success).toBe(true);
      expect(JSON.parse(ruleText)).toStrictEqual(parsed?.data);
    }
  });

  it('compile each built-in pack to the same rule set as parsing and validating it', () => {
    for (const preset of PRESETS) {
      loadBuiltPacks(NONE);
      const fresh = ruleSetEssence(packText(preset), `rules/${preset}.yaml`);
      loadBuiltPacks(BUILT);
      expect(ruleSetEssence(packText(preset), `rules/${preset}.yaml`)).toStrictEqual(fresh);
    }
  });

  it('are used for a rule exactly as shipped, and give each compile its own copy', () => {
    const file = plantedBuild((rule) => ({ ...rule, severity: 'info' }));
    loadBuiltPacks(file);
    const first = compileRuleText(packText('en'), 'rules/en.yaml');
    expect(first.rules.every(({ rule }) => rule.severity === 'info')).toBe(true);
    (first.rules[0] as (typeof first.rules)[number]).rule.severity = 'error';
    expect(compileRuleText(packText('en'), 'rules/en.yaml').rules[0]?.rule.severity).toBe('info');
  });

  it('are not used for an edited rule, which is validated as written', () => {
    loadBuiltPacks(plantedBuild((rule) => ({ ...rule, severity: 'info' })));
    const text = packText('en');
    const edited = text.replace(/\n(\s+)severity: \w+/, '\n$1severity: loud');
    expect(edited).not.toBe(text);
    expect(() => compileRuleText(edited, 'team.yaml')).toThrow(ConfigError);
    // A pack that extends a built-in one and changes a rule: the changed rule is validated, the others are not.
    const dir = mkdtempSync(join(tmpdir(), 'chatlint-built-'));
    const extended = compileRuleText('extends: en\nrules:\n  - id: reply-within-60s\n    maxSeconds: 30\n', join(dir, 'team.yaml'));
    const changed = extended.rules.find(({ rule }) => rule.id === 'reply-within-60s');
    expect(changed?.rule).toMatchObject({ severity: 'error', maxSeconds: 30 });
    expect(extended.rules.filter(({ rule }) => rule.severity === 'info').length).toBe(extended.rules.length - 1);
  });

  it("hold every built-in pack's time zone, taken as valid without asking ICU, under the same V8 only", () => {
    expect(loadBuiltPacks(BUILT)?.zones).toEqual(expect.arrayContaining(['Asia/Shanghai', 'UTC']));
    // A planted name ICU would refuse shows the build's list is what a rule file's zone is checked against. It is
    // new to this process (test files share modules: isolate is off), which also remembers the zones it took.
    const zone = `Mars/Olympus_Mons_${Date.now()}_${Math.random().toString(36).slice(2)}`;
    const planted = (v8: string) => writeTemp(JSON.stringify({ ...JSON.parse(readFileSync(BUILT, 'utf8')), v8, zones: [zone] }));
    const team = `timezone: ${zone}\nrules: []\n`;
    loadBuiltPacks(planted('0.0.0'));
    expect(() => compileRuleText(team, 'team.yaml')).toThrow(`unknown time zone "${zone}"`);
    loadBuiltPacks(planted(process.versions.v8));
    expect(compileRuleText(team, 'team.yaml').timezone).toBe(zone);
  });

  it("know each pack as shipped by its text and its ruleset's hash from the build, as SHA-256 would give them", () => {
    const built = JSON.parse(readFileSync(BUILT, 'utf8')) as { packs: Record<string, unknown>; texts: Record<string, string>; digests: Record<string, string> };
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(Object.values(built.texts).sort()).toEqual(PRESETS.map(packText).sort());
    for (const [key, text] of Object.entries(built.texts)) expect(key).toBe(sha256(text));
    expect(Object.keys(built.digests)).toHaveLength(PRESETS.length);
    for (const [text, digest] of Object.entries(built.digests)) expect(digest).toBe(sha256(text));
    for (const preset of PRESETS) {
      loadBuiltPacks(NONE);
      const computed = compileRuleText(packText(preset), `rules/${preset}.yaml`).hash;
      loadBuiltPacks(BUILT);
      expect(compileRuleText(packText(preset), `rules/${preset}.yaml`).hash).toBe(computed);
    }
    // Planted answers (a pack under a key no digest gives) show that a compile takes them from the build, and
    // only for the very texts.
    const [key, text] = Object.entries(built.texts).find(([, t]) => t === packText('en')) as [string, string];
    const { [key]: shippedPack, ...otherPacks } = built.packs;
    const planted = writeTemp(
      JSON.stringify({
        ...built,
        packs: { ...otherPacks, 'planted-key': { ...(shippedPack as object), name: 'planted' } },
        texts: { 'planted-key': text },
        digests: Object.fromEntries(Object.keys(built.digests).map((digested) => [digested, 'f'.repeat(64)])),
      }),
    );
    loadBuiltPacks(planted);
    const shipped = compileRuleText(text, 'rules/en.yaml');
    expect([shipped.name, shipped.hash]).toEqual(['planted', 'f'.repeat(12)]);
    const edited = compileRuleText(`${text}# edited\n`, 'rules/en.yaml');
    expect(edited.name).not.toBe('planted');
    expect(edited.hash).toBe(shipped.hash);
    const other = compileRuleText(text.replace('maxSeconds: 60', 'maxSeconds: 61'), 'rules/en.yaml');
    expect(other.hash).not.toBe(shipped.hash);
  });

  it('hold what compiling the packs works out of their patterns, as a process that never saw the build works it out', async () => {
    const built = JSON.parse(readFileSync(BUILT, 'utf8')) as { analyses: Record<string, Record<string, unknown>> };
    // A fresh copy of every module: its remembered results start empty, and it is told of no build.
    vi.resetModules();
    const fresh = {
      parse: await import('../../src/config/parse.js'),
      compile: await import('../../src/config/compile.js'),
      remembered: await import('../../src/text/remembered.js'),
    };
    vi.resetModules();
    fresh.parse.loadBuiltPacks(NONE);
    const taken = fresh.remembered.resultsTakenBy(() => {
      for (const preset of PRESETS) fresh.compile.compileRuleText(packText(preset), `rules/${preset}.yaml`);
    });
    expect(Object.keys(built.analyses).sort()).toEqual(['foldPatternSource', 'regexNeeds', 'requiredRun']);
    expect(built.analyses).toStrictEqual(taken);
  });

  it("take a planted analysis for a team's pattern: the build's results are what the matchers use", () => {
    const rule = `id: planted\nkind: forbidden-phrase\npatterns: ['计划外的说法']`;
    const said = conversation(msg(0, '1024', '这是计划外的说法'));
    expect(runRule(rule, said).map((f) => f.match)).toEqual(['计划外的说法']);
    const built = JSON.parse(readFileSync(BUILT, 'utf8')) as Record<string, unknown>;
    // A required run the text lacks: a matcher that takes it never runs the pattern.
    const planted = '计划外的另一种说法';
    loadBuiltPacks(writeTemp(JSON.stringify({ ...built, analyses: { requiredRun: { [planted]: '从未出现' } } })));
    expect(runRule(rule.replace('计划外的说法', planted), conversation(msg(0, '1024', `这是${planted}`)))).toEqual([]);
    loadBuiltPacks(NONE);
    const unplanted = '计划外的第三种说法';
    expect(runRule(rule.replace('计划外的说法', unplanted), conversation(msg(0, '1024', `这是${unplanted}`))).map((f) => f.match)).toEqual([unplanted]);
  });

  it("hold each pack's top level as the rule-file schema returns it, taken for that very top level only", () => {
    const built = JSON.parse(readFileSync(BUILT, 'utf8')) as { tops: Record<string, string> };
    expect(Object.keys(built.tops)).toHaveLength(PRESETS.length);
    for (const preset of PRESETS) {
      loadBuiltPacks(NONE);
      const data = parseRuleText(packText(preset), `rules/${preset}.yaml`, false).data as Record<string, unknown>;
      const { rules: _rules, ...fields } = data;
      const parsed = ruleFileSchema().safeParse(data, PARSE_CONFIG);
      expect(parsed.success).toBe(true);
      const { rules: _validated, ...validated } = parsed.data as Record<string, unknown>;
      expect(JSON.parse(built.tops[JSON.stringify(fields)] as string)).toStrictEqual(validated);
      loadBuiltPacks(BUILT);
      expect(topValidatedAtBuild(data)).toStrictEqual({ success: true, data: { ...validated, rules: data.rules } });
    }
    // A planted top level is what a compile takes for the very text; an edited top level is validated as written.
    const [key] = Object.keys(built.tops).filter((k) => (JSON.parse(k) as { name: string }).name === 'en');
    loadBuiltPacks(writeTemp(JSON.stringify({ ...built, tops: { [key as string]: JSON.stringify({ ...JSON.parse(built.tops[key as string] as string), scoring: { base: 7, passMark: 5 } }) } })));
    expect(compileRuleText(packText('en'), 'rules/en.yaml').scoring).toEqual({ base: 7, passMark: 5 });
    const renamed = packText('en').replace(/^name: en$/m, 'name: en-team');
    expect(renamed).not.toBe(packText('en'));
    expect(compileRuleText(renamed, 'team.yaml').scoring).toEqual({ base: 100, passMark: 80 });
    expect(() => compileRuleText(`${packText('en')}\nbogus: 1\n`, 'team.yaml')).toThrow(ConfigError);
    expect(topValidatedAtBuild({ ...(parseRuleText(packText('en'), 'rules/en.yaml', false).data as object), rules: 'none' })).toBeUndefined();
  });

  it('are not used under another V8, nor when the file is missing or damaged', () => {
    const shipped = ruleSetEssence(packText('en'), 'rules/en.yaml');
    for (const file of [plantedBuild((rule) => ({ ...rule, severity: 'info' }), '0.0.0'), NONE, writeTemp('{"packs": ')]) {
      loadBuiltPacks(file);
      expect(ruleSetEssence(packText('en'), 'rules/en.yaml')).toStrictEqual(shipped);
    }
  });
});

/** The build's file with every validated rule changed by `plant` (to see whether it is used), under V8 `v8`. */
function plantedBuild(plant: (rule: Record<string, unknown>) => Record<string, unknown>, v8 = process.versions.v8): URL {
  const built = JSON.parse(readFileSync(BUILT, 'utf8')) as { validated: Record<string, string> };
  const validated = Object.fromEntries(Object.entries(built.validated).map(([entry, rule]) => [entry, JSON.stringify(plant(JSON.parse(rule) as Record<string, unknown>))]));
  return writeTemp(JSON.stringify({ ...built, v8, validated }));
}

function writeTemp(text: string): URL {
  const path = join(mkdtempSync(join(tmpdir(), 'chatlint-built-')), 'parsed-packs.json');
  writeFileSync(path, text);
  return pathToFileURL(path);
}
