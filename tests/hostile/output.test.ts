import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/report/formatters/csv.js';
import { redactText } from '../../src/engine/redact.js';
import { regexHazard } from '../../src/rules/regex-safety.js';
import { chatlint, HOSTILE_RULES, ROOT, tempDir } from '../helpers/cli.js';


const RISKY = ['=', '+', '-', '@', '\t', '\r'];
const LEADS = ['', ' ', '   ', '\u3000', '\u00a0', '\t', '\n'];

describe('CSV formula injection', () => {
  it.each(RISKY.flatMap((c) => LEADS.map((lead) => [JSON.stringify(lead + c), lead + c + 'SUM(A1)'])))('a cell starting %s gets a leading apostrophe', (_name, value) => {
    const cell = csvCell(value);
    const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
    expect(unquoted).toBe(`'${value}`);
  });

  it('a value that already starts with an apostrophe before a risky start gets one more (so reading back is exact)', () => {
    expect(csvCell("'=1")).toBe("''=1");
    expect(csvCell("'plain")).toBe("'plain");
    expect(csvCell('a=1')).toBe('a=1');
  });

  it('every cell of a real report (conversation id, agent, name, match, excerpt, message) is neutralised', async () => {
    const result = await chatlint(['check', 'fixtures/hostile/formula.jsonl', '--rules', HOSTILE_RULES, '-f', 'csv']);
    expect(result.code).toBe(1);
    const rows = parse(result.stdout, { relax_column_count: false }) as string[][];
    expect(rows.length).toBeGreaterThan(1);
    const cells = rows.slice(1).flat();
    for (const cell of cells) expect(cell, JSON.stringify(cell)).not.toMatch(/^\s*[=+\-@\t\r]/);
    expect(cells).toContain('\'=HYPERLINK("http://evil","x")');
    expect(cells).toContain("'@SUM(A1)");
    expect(cells).toContain("'+cmd|' /C calc'!A0");
    expect(cells.some((c) => c.startsWith("'-我晕"))).toBe(true);
  });
});

describe('terminal output', () => {
  const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('message text cannot move the cursor, clear or retitle the screen, or reorder text', async () => {
    const result = await chatlint(['check', 'fixtures/hostile/escapes.jsonl', '--rules', HOSTILE_RULES]);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(CONTROL);
    expect(result.stderr).not.toMatch(CONTROL);
    // The escapes (clear screen, colour, OSC title, C1 CSI, right-to-left override, NUL, backspace) are gone.
    expect(result.stdout).toContain('│ [我晕]！！end');
    expect(result.stderr).toContain('escapes.jsonl:3: skipped: unknown role "\\u001b[31mred"');
  });

  it('with colour on, the only escapes are the colours chatlint itself writes', async () => {
    const result = await chatlint(['check', 'fixtures/hostile/escapes.jsonl', '--rules', HOSTILE_RULES], { env: { FORCE_COLOR: '1' } });
    const withoutOwnColours = result.stdout.replace(/\u001b\[\d+(?:;\d+)*m/g, '');
    expect(withoutOwnColours).not.toMatch(CONTROL);
  });
});

describe('--redact', () => {
  const RAW = ['13812345678', 'zhang.san@example.com', '11010519491231002X', '6222 0212 3456 7894', '+44 20 7946 0958'];

  it.each(['json', 'ndjson', 'csv', 'pretty'])('masks every kind in the %s report, and leaves look-alikes that fail their check', async (format) => {
    const result = await chatlint(['check', 'fixtures/hostile/pii.jsonl', '--rules', HOSTILE_RULES, '-f', format, '--redact']);
    expect(result.code).toBe(1);
    for (const raw of RAW) expect(result.stdout).not.toContain(raw);
    expect(result.stdout).toContain('***********');
    expect(result.stdout).toContain('*****.***@*******.***');
    // A 16-digit number failing the Luhn check is not a card number.
    expect(result.stdout).toContain('6222021234567890');
  });

  it('is off by default', async () => {
    const result = await chatlint(['check', 'fixtures/hostile/pii.jsonl', '--rules', HOSTILE_RULES, '-f', 'json']);
    expect(result.stdout).toContain('13812345678');
  });

  it('masks the match and the rendered message too, keeping offsets true', async () => {
    const dir = tempDir({
      'r.yaml': 'rules:\n  - id: phone\n    kind: forbidden-phrase\n    patterns: ["1[3-9][0-9]{9}"]\n    message: "Phone number {match} in chat"\n',
    });
    const result = await chatlint(['check', join(ROOT, 'fixtures/hostile/pii.jsonl'), '--rules', 'r.yaml', '-f', 'json', '--redact'], { cwd: dir });
    const report = JSON.parse(result.stdout) as { findings: Array<{ match: string; offset: number; message: string; excerpt: string }> };
    // The third match lies in an 18-digit number whose check character is wrong: not an ID number, so not masked.
    expect(report.findings.map((f) => [f.match, f.offset, f.message])).toEqual([
      ['***********', 8, 'Phone number *********** in chat'],
      ['***********', 57, 'Phone number *********** in chat'],
      // (In the rendered message the same 11 digits stand alone and look like a mobile number: masked there.)
      ['19491231002', 36, 'Phone number *********** in chat'],
    ]);
    expect(report.findings[0]?.excerpt).not.toMatch(/\d{6}/);
  });

  it('masks skip reasons that quote the input', async () => {
    const input = '{"conversation_id":"c1","timestamp":"13812345678 yesterday","role":"customer","text":"x"}\n';
    const result = await chatlint(['check', '-', '--rules', join(ROOT, HOSTILE_RULES), '-f', 'json', '--redact'], { input });
    expect(result.stderr).toContain('unparseable timestamp "*********** yesterday"');
    expect(result.stdout).not.toContain('13812345678');
  });

  it('recognises each kind as documented', () => {
    expect(redactText('电话 138-1234-5678 / +86 138 1234 5678 / 0086 13812345678')).toBe('电话 ***-****-**** / +** *** **** **** / **** ***********');
    expect(redactText('mail a.b+c@mail.example.co.uk.')).toBe('mail *.*+*@****.*******.**.**.');
    expect(redactText('ID 11010519491231002x, not 110105194912310021')).toBe('ID ******************, not 110105194912310021');
    expect(redactText('card 4111-1111-1111-1111 and 4111111111111112')).toBe('card ****-****-****-**** and 4111111111111112');
    expect(redactText('call +1 (415) 555-0100 or 001 415 555 0100, not +12 3')).toBe('call +* (***) ***-**** or *** *** *** ****, not +12 3');
    expect(redactText('订单号 2026112712345')).toBe('订单号 2026112712345');
  });

  it('its own patterns pass the rule-pattern safety check', () => {
    for (const source of [
      '(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])',
      '(?<![0-9])\\d(?:[ -]?\\d){12,18}(?![0-9])',
      '(?<![0-9])(?:(?:\\+|00)86[ -]?)?1[3-9]\\d(?:[ -]?\\d{4}){2}(?![0-9])',
      '(?<![0-9A-Za-z+])(?:\\+|00)[1-9](?:[ ().-]{0,2}\\d){6,16}(?![0-9])',
    ]) {
      expect(regexHazard(source, 'gu'), source).toBeNull();
    }
  });
});

describe('report files', () => {
  const CLEAN = '{"conversation_id":"c1","timestamp":"2026-11-27 10:00:00","role":"customer","text":"在吗"}\n';

  it('-o never writes over a chat export, even one found inside a folder being checked', async () => {
    const dir = tempDir({ 'a.jsonl': CLEAN, 'b.jsonl': CLEAN.replace('c1', 'c2') });
    const result = await chatlint(['check', '.', '--rules', join(ROOT, HOSTILE_RULES), '-o', 'b.jsonl'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('chatlint: -o b.jsonl: is the same file as the input ./b.jsonl; refusing to write the report over an input file (choose another -o path)\n');
    expect(readFileSync(join(dir, 'b.jsonl'), 'utf8')).toBe(CLEAN.replace('c1', 'c2'));
  });

  it('a report replacing another keeps its permissions (a private report stays private)', async () => {
    const dir = tempDir({ 'a.jsonl': CLEAN, 'report.json': '{}' });
    chmodSync(join(dir, 'report.json'), 0o600);
    expect((await chatlint(['check', 'a.jsonl', '--rules', join(ROOT, HOSTILE_RULES), '-o', 'report.json'], { cwd: dir })).code).toBe(0);
    expect(statSync(join(dir, 'report.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).schemaVersion).toBe(1);
  });

  it('-o into a folder that does not exist: exit 2, nothing written', async () => {
    const dir = tempDir({ 'a.jsonl': CLEAN });
    const result = await chatlint(['check', 'a.jsonl', '--rules', join(ROOT, HOSTILE_RULES), '-o', 'missing/report.json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`chatlint: -o missing/report.json: the folder ${join(dir, 'missing')} does not exist\n`);
    expect(readdirSync(dir)).toEqual(['a.jsonl']);
  });

  it('a run with nothing to check exits 2 and leaves the previous report as it was, and no temporary file', async () => {
    const dir = tempDir({ 'report.json': 'previous' });
    writeFileSync(join(dir, 'a.jsonl'), '');
    const run = await chatlint(['check', 'a.jsonl', '--rules', join(ROOT, HOSTILE_RULES), '-o', 'report.json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('chatlint: report not written; report.json is left as it was');
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('previous');
    expect(readdirSync(dir).sort()).toEqual(['a.jsonl', 'report.json']);
  });

  it('--strict with a skipped record exits 2 and does not replace the previous report', async () => {
    const dir = tempDir({ 'report.json': 'previous', 'a.jsonl': `${JSON.stringify({ conversation_id: 'c', timestamp: '2026-11-27 10:00:00', role: 'customer', text: 'q' })}\nnot json\n` });
    expect((await chatlint(['check', 'a.jsonl', '--rules', join(ROOT, HOSTILE_RULES), '-o', 'report.json', '--strict'], { cwd: dir })).code).toBe(2);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('previous');
    expect((await chatlint(['check', 'a.jsonl', '--rules', join(ROOT, HOSTILE_RULES), '-o', 'report.json'], { cwd: dir })).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).summary.skippedRecords).toBe(1);
  });
});
