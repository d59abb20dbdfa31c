import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatlint, tempDir } from '../helpers/cli.js';

/** Sequences a hostile rule file, export or file name may carry, each a different way to attack a terminal. */
const HOSTILE = {
  'CSI clear screen': '\u001b[2J\u001b[H',
  'OSC 8 hyperlink': '\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007',
  'OSC 52 clipboard write': '\u001b]52;c;cm0gLXJmIH4K\u0007',
  'OSC title (ST-terminated)': '\u001b]0;pwned\u001b\\',
  'C1 CSI': '\u009b31m',
  'bidi override and isolate': '\u202eevil\u202c\u2067x\u2069',
  'NUL, BEL, backspace, DEL': '\u0000\u0007\u0008\u007f',
};
// What may reach a terminal: line breaks of the output itself, nothing else below U+0020, no C1, no bidi controls.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const quoted = (s: string) => JSON.stringify(s);

describe.each(Object.entries(HOSTILE))('nothing untrusted reaches a terminal raw: %s', (_name, evil) => {
  const rules = [
    `name: ${quoted(`team${evil}`)}`,
    `description: ${quoted(`pack ${evil}`)}`,
    'rules:',
    '  - id: rude',
    '    kind: forbidden-phrase',
    `    description: ${quoted(`no rudeness ${evil}`)}`,
    `    message: ${quoted(`be nice ${evil} {match}`)}`,
    `    phrases: [${quoted(`我晕${evil}`)}, "我晕"]`,
    '    examples:',
    `      pass: [[${quoted(`agent: 我晕 ${evil}`)}]]`,
    '',
  ].join('\n');

  it('chatlint rules, rules --explain and rules test', async () => {
    const dir = tempDir({ 'r.yaml': rules });
    for (const argv of [['rules'], ['rules', '--explain', 'rude'], ['rules', 'test']]) {
      const result = await chatlint([...argv, '--rules', join(dir, 'r.yaml')]);
      expect(result.stdout, argv.join(' ')).not.toMatch(UNSAFE);
      expect(result.stderr, argv.join(' ')).not.toMatch(UNSAFE);
      expect(`${result.stdout}${result.stderr}`).toContain('rude');
    }
  });

  it('error messages quoting a rule file', async () => {
    const dir = tempDir({ 'r.yaml': `rules:\n  - id: a\n    kind: forbidden-phrase\n    ${quoted(`bad${evil}`)}: 1\n    patterns: [${quoted(`(a+)+${evil}`)}]\n` });
    const result = await chatlint(['check', '-', '--rules', join(dir, 'r.yaml')], { input: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown key/);
    expect(result.stderr).not.toMatch(UNSAFE);
  });

  it('skip reasons, file names, waiver warnings and notes on stderr; exact text in JSON', async () => {
    const name = `export${evil.replace(/[\u0000/]/g, '')}.jsonl`;
    const dir = tempDir({
      [name]: `{"conversation_id":${quoted(`c${evil}`)},"timestamp":"2026-11-27 10:00:00","role":${quoted(`boss${evil}`)},"text":"x"}\n{"conversation_id":"c1","timestamp":"2026-11-27 10:00:00","role":"agent","agent_id":"7","text":${quoted(`我晕 ${evil}`)}}\n`,
      'r.yaml': 'rules:\n  - id: rude\n    kind: forbidden-phrase\n    phrases: ["我晕"]\n',
      'w.csv': `conversationId,ruleId,messageIndex,reason,reviewer,date\n${quoted(`c${evil}`)},rude,,${quoted(`why ${evil}`)},me,2026-11-28\n`,
    });
    const result = await chatlint(['check', join(dir, name), '--rules', join(dir, 'r.yaml'), '--waivers', join(dir, 'w.csv'), '-f', 'json']);
    expect(result.stderr).toMatch(/skipped: unknown role/);
    expect(result.stderr).toMatch(/waiver matched no finding/);
    expect(result.stderr).not.toMatch(UNSAFE);
    const report = JSON.parse(result.stdout) as { findings: Array<{ excerpt: string }>; skipped: Array<{ reason: string }> };
    // The excerpt is cut around the match; what it keeps is the exact text.
    expect(report.findings[0]?.excerpt).toContain(`我晕 ${evil.slice(0, 8)}`);
    expect(report.skipped[0]?.reason).toContain('unknown role');
  });

  it('init names the file it wrote without escapes', async () => {
    const dir = tempDir();
    const result = await chatlint(['init', '-o', join(dir, `team${evil.replace(/[\u0000/]/g, '')}.yaml`)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote /);
    expect(result.stdout).not.toMatch(UNSAFE);
  });
});
