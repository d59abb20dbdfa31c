import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseVerdict, wilsonInterval } from '../../src/engine/review.js';
import { tempDir } from '../helpers/cli.js';

/** Runs chatlint in this process with captured output. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const collect = () => {
    const parts: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        parts.push(chunk.toString());
        done();
      },
    });
    return { stream, text: () => parts.join('') };
  };
  const stdout = collect();
  const stderr = collect();
  const stdin = Object.assign(Readable.from([]), { isTTY: true });
  const code = await main(args, { stdout: stdout.stream, stderr: stderr.stream, stdin, env: { NO_COLOR: '1', LANG: 'C', CHATLINT_CACHE_DIR: '' } });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** 30 small conversations; every agent says 你 (honorific-nin) and half of them open with "嗯" (no-filler-openings). */
function export30(): string {
  const lines: string[] = [];
  for (let i = 0; i < 30; i++) {
    const id = `R${String(i).padStart(2, '0')}`;
    const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 12, i, s)).toISOString();
    lines.push(JSON.stringify({ conversation_id: id, timestamp: at(0), role: 'customer', text: `第${i}个问题：快递到哪了？` }));
    lines.push(JSON.stringify({ conversation_id: id, timestamp: at(10), role: 'agent', agent_id: '1024', text: `${i % 2 ? '嗯，' : ''}帮你查到了，今天送达` }));
    lines.push(JSON.stringify({ conversation_id: id, timestamp: at(20), role: 'customer', text: '好的' }));
  }
  return `${lines.join('\n')}\n`;
}

type Row = Record<string, string>;
const rows = (csv: string) => parse(csv, { columns: true, bom: true }) as Row[];

describe('chatlint review sample', () => {
  const dir = tempDir({ 'night.jsonl': export30(), 'team.yaml': 'extends: zh-CN\nname: team\n' });
  const night = join(dir, 'night.jsonl');
  const sample = (seed: number, extra: string[] = []) => run(['review', 'sample', night, '--per-rule', '5', '--seed', String(seed), '-r', join(dir, 'team.yaml'), ...extra]);

  it('samples the same findings for the same seed and different ones for another seed', async () => {
    const a = await sample(7);
    const b = await sample(7);
    const c = await sample(8);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const ids = (csv: string) => rows(csv).filter((r) => r.ruleId === 'honorific-nin').map((r) => r.conversationId);
    expect(ids(a.stdout)).toHaveLength(5);
    expect(ids(a.stdout)).not.toEqual(ids(c.stdout));
  });

  it('gives each finding its conversation context, empty verdict and note columns, and the rule file used', async () => {
    const { stdout, stderr } = await sample(7);
    const sheet = rows(stdout);
    expect(stderr).toMatch(/honorific-nin 5\/30/);
    const row = sheet.find((r) => r.ruleId === 'honorific-nin') as Row;
    expect(row.before).toMatch(/^0s customer: 第\d+个问题：快递到哪了？$/);
    expect(row.text).toMatch(/^10s agent 1024: .*帮你查到了/);
    expect(row.after).toBe('20s customer: 好的');
    expect(row.verdict).toBe('');
    expect(row.note).toBe('');
    expect(row.rules).toBe(join(dir, 'team.yaml'));
    expect(row.seed).toBe('7');
  });

  it('names a built-in pack by its preset name, guards formula-like cells, and refuses .xlsx for now', async () => {
    const formulas = tempDir({
      'night.jsonl': JSON.stringify({ conversation_id: 'F1', timestamp: '2026-11-27T12:00:00Z', role: 'agent', agent_id: 'A1', text: '=HYPERLINK("x") Hello' }) + '\n',
      'team.yaml': 'extends: en\nname: team\nrules:\n  - id: no-formulas\n    kind: forbidden-phrase\n    patterns: ["=HYPERLINK"]\n',
    });
    const sheet = rows((await run(['review', 'sample', join(formulas, 'night.jsonl'), '-r', join(formulas, 'team.yaml')])).stdout);
    expect(sheet.find((r) => r.ruleId === 'no-formulas')?.match).toBe("'=HYPERLINK");
    const en = rows((await run(['review', 'sample', join(formulas, 'night.jsonl'), '-p', 'en'])).stdout);
    expect(en[0]?.rules).toBe('en');
    const xlsx = await run(['review', 'sample', join(formulas, 'night.jsonl'), '-o', join(formulas, 'review.xlsx')]);
    expect(xlsx.code).toBe(2);
    expect(xlsx.stderr).toMatch(/written as CSV for now/);
  });

  it('writes a sheet with -o and refuses a bad --per-rule', async () => {
    const out = join(dir, 'review.csv');
    expect((await sample(3, ['-o', out])).code).toBe(0);
    expect(rows(readFileSync(out, 'utf8')).length).toBeGreaterThan(0);
    const bad = await sample(3, ['--per-rule', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--per-rule must be a whole number/);
  });
});

describe('chatlint review score', () => {
  it('reads verdicts leniently and computes per-rule precision with a Wilson interval, worst first', async () => {
    expect([parseVerdict('Y'), parseVerdict('tp'), parseVerdict('✓'), parseVerdict('对'), parseVerdict('是')]).toEqual([true, true, true, true, true]);
    expect([parseVerdict('no'), parseVerdict('FP'), parseVerdict('✗'), parseVerdict('错'), parseVerdict('否'), parseVerdict('0')]).toEqual([false, false, false, false, false, false]);
    expect(parseVerdict(' ')).toBeNull();
    expect(parseVerdict('maybe')).toBeUndefined();
    const [low, high] = wilsonInterval(27, 40);
    expect(low).toBeCloseTo(0.5202, 3);
    expect(high).toBeCloseTo(0.7993, 3);

    const dir = tempDir({
      'review.csv':
        'ruleId,verdict,note\r\n' +
        [...Array(27).fill('a,y'), ...Array(13).fill('a,n'), ...Array(9).fill('b,tp'), 'b,fp', 'b,', 'b,maybe'].join('\r\n') +
        '\r\n',
    });
    const result = await run(['review', 'score', join(dir, 'review.csv')]);
    expect(result.code).toBe(2);
    const lines = result.stdout.split('\n');
    expect(lines[1]).toMatch(/^a\s+40\s+27\s+13\s+0\.68\s+\[0\.52, 0\.80\]\s+0$/);
    expect(lines[2]).toMatch(/^b\s+10\s+9\s+1\s+0\.90\s+\[0\.60, 0\.98\]\s+1$/);
    expect(result.stderr).toMatch(/review\.csv:53: unknown verdict "maybe"/);
  });

  it('writes reviewed findings as examples in a file extending the sampled rules; rules test passes once the rule is fixed', async () => {
    const dir = tempDir({
      'night.jsonl': export30(),
      // The team's rule file flags every 你, also in "你们" — a false positive a reviewer will find.
      'team.yaml': 'extends: zh-CN\nname: team\nrules:\n  - id: honorific-nin\n    exceptions: {phrases: [迷你]}\n',
    });
    const night = join(dir, 'night.jsonl');
    writeFileSync(night, readFileSync(night, 'utf8') + JSON.stringify({ conversation_id: 'R99', timestamp: '2026-11-27T13:00:00Z', role: 'agent', agent_id: '1024', text: '你们的发票已开好' }) + '\n');
    const sheetPath = join(dir, 'review.csv');
    expect((await run(['review', 'sample', night, '--per-rule', '40', '--seed', '1', '-r', join(dir, 'team.yaml'), '-o', sheetPath])).code).toBe(0);
    // The reviewer: 你们 is a false positive, every other 你 a real finding; other rules left unreviewed.
    const sheet = rows(readFileSync(sheetPath, 'utf8')).map((r) => ({ ...r, verdict: r.ruleId === 'honorific-nin' ? (r.text.includes('你们') ? 'n' : 'y') : '' }));
    const header = Object.keys(sheet[0] as Row);
    const cell = (v: string) => `"${v.replace(/"/g, '""')}"`;
    writeFileSync(sheetPath, [header.join(','), ...sheet.map((r) => header.map((h) => cell(r[h] ?? '')).join(','))].join('\r\n'));

    const examples = join(dir, 'examples.yaml');
    const scored = await run(['review', 'score', sheetPath, '--examples', examples]);
    expect(scored.code).toBe(0);
    expect(scored.stdout).toMatch(/honorific-nin\s+31\s+30\s+1\s+0\.97/);
    const written = readFileSync(examples, 'utf8');
    expect(written).toMatch(/^extends: \.\/team\.yaml$/m);
    expect(written).toContain('agent 1024: 你们的发票已开好');

    // Before the fix, the reviewed false positive is a failing pass example; confirmed findings pass as fail examples.
    const before = await run(['rules', 'test', '-r', examples]);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/FAIL honorific-nin\n\s+pass example \d+ reported/);
    // The team fixes its rule file; the examples file now guards the fix.
    writeFileSync(join(dir, 'team.yaml'), 'extends: zh-CN\nname: team\n');
    const after = await run(['rules', 'test', '-r', examples]);
    expect(after.stdout).toMatch(/ok honorific-nin/);
    expect(after.code).toBe(0);
  });
});
