import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRuleset } from '../../src/config/load.js';
import { listPresets } from '../../src/config/presets.js';
import { forgetVerdicts, freshRegexHazard, verdictFile } from '../../src/rules/regex-safety.js';
import { ROOT, chatlint, tempDir } from '../helpers/cli.js';
import { ruleFileProblems } from '../helpers/rules.js';

/** Patterns near the line: some refused, some let through, a few that timing-based checks decided differently on different runs. */
const BORDERLINE = [
  '\\b(?:[Hh]i|[Hh]ello)\\b[^\\n]{0,80}?\\b[Aa]gent\\s*(?:(?:#|[Nn]o\\.)\\s*)?(?:1024)',
  '(?<=^|[.!?,]\\s*)[Ww]hatever(?=\\s*(?:[.!?,]|$))',
  '[Ww]hatever(?<=(?:^|[.!?,]\\s*)[Ww]hatever)(?=\\s*(?:[.!?,]|$))',
  '(?:b|c)+d',
  '(?:\\w|\\d)+x',
  '(a|aa)+$',
  '(\\w+\\s?)+$',
  '[^\\n]{0,80}x',
  'a{0,1000}b',
  'a{0,50000}b',
  '.*a.*b',
  '(?:ab|ac)+x',
  '(?<!不用了?[,，]?\\s*)(?:谢谢|多谢|感谢)',
  '再不说话.{0,3}挂(?:了|断|掉)',
];

const verdicts = () => BORDERLINE.map((source) => JSON.stringify(freshRegexHazard(source, 'iu')));

describe('a pattern is accepted or refused the same way on every run, machine and load', () => {
  let busy: Worker[] = [];
  let baseline: string[];

  beforeAll(() => {
    baseline = verdicts();
  });
  afterAll(async () => {
    await Promise.all(busy.map((w) => w.terminate()));
    busy = [];
  });

  it('the verdicts of borderline patterns are what the policy says', () => {
    const refused = BORDERLINE.filter((_, i) => baseline[i] !== 'null');
    expect(refused).toEqual(['(?<=^|[.!?,]\\s*)[Ww]hatever(?=\\s*(?:[.!?,]|$))', '(?:b|c)+d', '(?:\\w|\\d)+x', '(a|aa)+$', '(\\w+\\s?)+$', 'a{0,50000}b', '.*a.*b', '(?:ab|ac)+x']);
  });

  it('repeated analyses give identical verdicts', () => {
    for (let run = 0; run < 3; run++) expect(verdicts()).toEqual(baseline);
  });

  it('identical verdicts while other threads keep the CPUs busy', async () => {
    for (let i = 0; i < 2; i++) {
      const worker = new Worker('const end = Date.now() + 60_000; while (Date.now() < end) {}', { eval: true });
      busy.push(worker);
      await new Promise((resolve) => worker.once('online', resolve));
    }
    for (let run = 0; run < 3; run++) expect(verdicts()).toEqual(baseline);
  });

  it('the verdicts shipped for the built-in packs equal a fresh analysis', () => {
    forgetVerdicts();
    for (const preset of listPresets()) loadRuleset({ preset });
    expect(verdictFile()).toBe(readFileSync(join(ROOT, 'rules/regex-verdicts.json'), 'utf8'));
  });
});

describe('trustPatterns', () => {
  const rule = (trust: string) => `rules:\n  - id: mine\n    kind: forbidden-phrase\n${trust}    patterns: ["(?:b|c)+d"]\n`;

  it('a refused pattern loads when its rule says trustPatterns: true, and the report lists the rule', async () => {
    expect(ruleFileProblems(rule(''))[0]).toMatch(/can backtrack catastrophically/);
    expect(ruleFileProblems(rule('    trustPatterns: true\n'))).toEqual([]);
    const dir = tempDir({ 'r.yaml': rule('    trustPatterns: true\n') });
    const outcome = await chatlint(['check', '-', '--rules', join(dir, 'r.yaml'), '-f', 'json'], {
      input: '{"conversation_id":"c1","timestamp":"2026-11-27 10:00:00","role":"agent","agent_id":"1","text":"bcd"}\n',
    });
    expect((JSON.parse(outcome.stdout) as { ruleset: { trustedPatterns?: string[] } }).ruleset.trustedPatterns).toEqual(['mine']);
  });
});
