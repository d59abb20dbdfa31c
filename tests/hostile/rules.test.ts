import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleFileProblems } from '../helpers/rules.js';
import { loadRuleset } from '../../src/config/load.js';
import { regexHazard } from '../../src/rules/regex-safety.js';
import { chatlint, spawnChatlint, tempDir } from '../helpers/cli.js';


const problems = ruleFileProblems;

const phraseRule = (pattern: string) => `rules:\n  - id: a\n    kind: forbidden-phrase\n    patterns: [${JSON.stringify(pattern)}]\n`;
const CLEAN = '{"conversation_id":"c1","timestamp":"2026-11-27 10:00:00","role":"customer","text":"在吗"}\n';

describe('regular expressions that backtrack catastrophically are refused when the rule file loads', () => {
  it('nested quantifiers: exponential, with rule id, key path, line and a hint', () => {
    expect(problems(phraseRule('(a+)+$'))).toEqual([
      'team.yaml:4: rules[0].patterns[0]: pattern "(a+)+$" can backtrack catastrophically (exponential on input like "aaaa…"); rewrite it without nested quantifiers (a repetition inside a repetition, like (a+)+)',
    ]);
  });

  it('alternatives that can match the same text inside a repetition (found by the automaton check, not by scslre)', () => {
    const [problem] = problems(phraseRule('(?:\\w|\\d)+x'));
    expect(problem).toMatch(/^team\.yaml:4: rules\[0\]\.patterns\[0\]: pattern "\(\?:\\w\|\\d\)\+x" can backtrack catastrophically \(exponential on input like /);
    expect(problem).toMatch(/make the alternatives inside a repetition unable to match the same text/);
  });

  it('two repetitions that trade a character: polynomial, naming the character', () => {
    expect(problems(phraseRule('喂\\s*(?:啊)?\\s*说'))).toEqual([
      'team.yaml:4: rules[0].patterns[0]: pattern "喂\\s*(?:啊)?\\s*说" can backtrack catastrophically (polynomial on a long run of spaces); two repetitions in a row can both match " "; let only one of them take it (e.g. \\s*x?\\s* → \\s*(?:x\\s*)?)',
    ]);
  });

  it('patterns are analysed as they run: width-folded, {agentId} standing for an agent id', () => {
    // The built-in greeting as it shipped before this check: 400 spaces after the id took V8 2.7 s.
    const old = 'rules:\n  - id: g\n    kind: greeting\n    patterns: ["云客服\\\\s*{agentId}\\\\s*号?\\\\s*[,，]?\\\\s*(?:很高兴|竭诚|将)?\\\\s*为您服务"]\n';
    expect(problems(old)[0]).toMatch(/^team\.yaml:4: rules\[0\]\.patterns\[0\]: pattern "云客服.*" can backtrack catastrophically \(polynomial on a long run of spaces\)/);
    const fixed = 'rules:\n  - id: g\n    kind: greeting\n    patterns: ["云客服\\\\s*{agentId}\\\\s*(?:号\\\\s*)?(?:[,，]\\\\s*)?(?:(?:很高兴|竭诚|将)\\\\s*)?为您服务"]\n';
    expect(problems(fixed)).toEqual([]);
    // A full-width "？" is a literal question mark, so "(?:好？)+" is not a nested quantifier.
    expect(problems(phraseRule('^(?:好？)+$'))).toEqual([]);
  });

  it('an unanchored repetition that must be followed by something rescans from every position: refused (polynomial)', () => {
    // "bcbc…" without a "d": every start position runs to the end again (quadratic in the message length).
    expect(problems(phraseRule('(?:b|c)+d'))[0]).toMatch(/can backtrack catastrophically \(polynomial, degree 2, on input like /);
  });

  it('a lookbehind that rescans a run at the start of a pattern is refused (quadratic)', () => {
    const [problem] = problems(phraseRule('(?<=^|[.!?,]\\s*)[Ww]hatever(?=\\s*(?:[.!?,]|$))'));
    expect(problem).toMatch(/can backtrack catastrophically \(polynomial, degree 2, on a long run matching \\s\* before a position where the pattern fails\); bound the repetition inside the lookbehind/);
  });

  it('a bounded repeat (no state loops on itself) is accepted', () => {
    expect(regexHazard('\\b(?:[Hh]i|[Hh]ello)\\b[^\\n]{0,80}?\\b[Aa]gent\\s*(?:(?:#|[Nn]o\\.)\\s*)?(?:1024)')).toBeNull();
  });

  it('ordinary patterns pass, and the built-in packs load', () => {
    for (const pattern of ['[!?！？]{2,}', '。{2,}', '\\.{3,}', '再不说话.{0,3}挂(?:了|断|掉)', '喂[\\s,，、.。!！~～]*说话呀', '(?:^|[^一-龥])滚(?:吧|开)?']) {
      expect(problems(phraseRule(pattern)), pattern).toEqual([]);
    }
    for (const preset of ['zh-CN', 'en']) expect(loadRuleset({ preset }).rules.length).toBeGreaterThan(0);
  });

  it('verdicts are cached by pattern in CHATLINT_CACHE_DIR', async () => {
    const cache = tempDir();
    const dir = tempDir({ 'r.yaml': phraseRule('退款|赔偿'), 'a.jsonl': CLEAN });
    // A real process: the cache location is read from its environment, and the file is written when it ends.
    const first = spawnChatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir, env: { CHATLINT_CACHE_DIR: cache } });
    expect(first.code).toBe(0);
    const file = JSON.parse(readFileSync(join(cache, 'regex-safety.json'), 'utf8')) as { verdicts: Record<string, unknown> };
    expect(Object.values(file.verdicts)).toContain(null);
  });

  it('rule-file problems that quote hostile text are printed without control characters', async () => {
    const dir = tempDir({ 'r.yaml': phraseRule('(a+)+\u001bx'), 'a.jsonl': CLEAN });
    const result = await chatlint(['check', 'a.jsonl', '--rules', 'r.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/can backtrack catastrophically/);
    expect(result.stderr).not.toMatch(/\u001b/);
  });
});

describe('rule files cannot exhaust memory or time', () => {
  it('YAML aliases past 100 expansions (billion laughs) are refused', () => {
    const lines = ['a: &a [x,x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    lines.push('rules: []');
    expect(problems(lines.join('\n'))).toEqual(['team.yaml: Excessive alias count indicates a resource exhaustion attack']);
  });

  it('merge keys are plain keys (YAML 1.2): a chain of merges cannot multiply, and << is an unknown key', () => {
    const chain = ['a: &a {a0: 1, a1: 1, a2: 1, a3: 1}'];
    for (let i = 1; i < 12; i++) chain.push(`m${i}: &m${i} {<<: [*${i === 1 ? 'a' : `m${i - 1}`}], k${i}: 1}`);
    chain.push('rules: []');
    expect(problems(chain.join('\n'))).toEqual(['team.yaml: Excessive alias count indicates a resource exhaustion attack']);
    expect(problems('rules:\n  - id: a\n    kind: response-time\n    maxSeconds: 60\n    <<: {severity: warning}\n')).toEqual(['team.yaml:5: rules[0].<<: unknown key']);
  });

  it('a JSON rule file with a key twice is refused with its line (JSON.parse would keep the last)', () => {
    expect(problems('{"rules": [{"id": "a", "kind": "response-time",\n "maxSeconds": 60, "maxSeconds": 5}]}', 'team.json')).toEqual(['team.json:2: duplicate key "maxSeconds"']);
  });

  it('a rule file over 1 MiB is refused unless --allow-large-rules', async () => {
    const big = `# ${'x'.repeat(1024 * 1024)}\nrules:\n  - id: r\n    kind: response-time\n    maxSeconds: 60\n`;
    const dir = tempDir({ 'big.yaml': big, 'a.jsonl': CLEAN });
    const refused = await chatlint(['check', 'a.jsonl', '--rules', 'big.yaml'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`chatlint: big.yaml: rule file is ${Buffer.byteLength(big)} bytes, over the limit of 1048576 (1 MiB); pass --allow-large-rules if it is meant to be this big\n`);
    expect((await chatlint(['check', 'a.jsonl', '--rules', 'big.yaml', '--allow-large-rules'], { cwd: dir })).code).toBe(0);
  });

  it('more than 10,000 phrases and patterns are refused unless --allow-large-rules', async () => {
    const phrases = Array.from({ length: 10_001 }, (_, i) => `  - 词${i}`).join('\n');
    const dir = tempDir({ 'many.yaml': `rules:\n- id: r\n  kind: forbidden-phrase\n  phrases:\n${phrases}\n`, 'a.jsonl': CLEAN });
    const refused = await chatlint(['check', 'a.jsonl', '--rules', 'many.yaml'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('chatlint: many.yaml: 10001 phrases and patterns, over the limit of 10000 (pass --allow-large-rules if the pack is meant to be this big)\n');
    expect((await chatlint(['check', 'a.jsonl', '--rules', 'many.yaml', '--allow-large-rules'], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(dir, 'many.yaml'))).toBe(true);
    // The rules commands take the same flag.
    expect((await chatlint(['rules', '--rules', 'many.yaml'], { cwd: dir })).code).toBe(2);
    expect((await chatlint(['rules', '--rules', 'many.yaml', '--allow-large-rules'], { cwd: dir })).code).toBe(0);
    expect((await chatlint(['rules', 'test', '--rules', 'many.yaml', '--allow-large-rules'], { cwd: dir })).code).toBe(0);
  });
});
