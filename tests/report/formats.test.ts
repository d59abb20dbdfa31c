import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { chatlint, tempDir, jsonLine as line } from '../helpers/cli.js';
import { markdownText } from '../../src/report/formatters/markdown.js';
import { serialClock, workbook, xlsx } from '../../src/report/formatters/xlsx.js';
import { wallClockDate } from '../../src/report/local-time.js';
import { replayable, type Finding, type Report, type ReportSource } from '../../src/model/report.js';

/** Shanghai is UTC+8: 02:00 UTC is 10:00 on the wall clock. */
const RULES = `name: team
timezone: Asia/Shanghai
rules:
  - id: greeting
    kind: greeting
    points: 10
    patterns: ["云客服{agentId}"]
  - id: slow
    kind: response-time
    maxSeconds: 60
    points: 5
  - id: runs
    kind: forbidden-punctuation
    severity: warning
    patterns: ["[!！]{2,}"]
  - id: tic
    kind: forbidden-phrase
    severity: info
    phrases: ["嗯嗯"]
`;
const EXPORT =
  line({ conversation_id: '0102', timestamp: '2026-11-27T02:00:00Z', role: 'customer', text: '你好' }) +
  line({ conversation_id: '0102', timestamp: '2026-11-27T02:02:00Z', role: 'agent', agent_id: '0042', agent_name: 'A|n*n', text: '在的！！嗯嗯' }) +
  line({ conversation_id: '0103', timestamp: '2026-11-27T03:00:00Z', role: 'customer', text: '在吗' }) +
  line({ conversation_id: '0103', timestamp: '2026-11-27T03:00:10Z', role: 'agent', agent_id: '7', text: '您好，云客服7为您服务' }) +
  '{"broken\n';

function workspace() {
  return tempDir({ 'chatlint.yaml': RULES, 'night.jsonl': EXPORT });
}

/** XML text as it reads back: entities, then Excel's _xHHHH_ escapes. */
const unescapeXml = (xml: string) =>
  xml
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** The parts of an xlsx a test looks at: each sheet's XML by name, and its cells' text (shared or inline strings). */
function readWorkbook(bytes: Uint8Array) {
  const files = unzipSync(bytes);
  const text = (name: string) => strFromU8(files[name] ?? new Uint8Array());
  const strings = [...text('xl/sharedStrings.xml').matchAll(/<si><t[^>]*>([^<]*)<\/t><\/si>/g)].map((m) => unescapeXml(m[1] ?? ''));
  const names = [...text('xl/workbook.xml').matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1] ?? '');
  const sheets = new Map(names.map((name, i) => [name, text(`xl/worksheets/sheet${i + 1}.xml`)]));
  const styles = text('xl/styles.xml');
  /** A cell's text: a shared string's, an inline string's, or the number as written. */
  const valueOf = (type: string, content: string) => {
    if (type === 'inlineStr') return unescapeXml(content.match(/^<is><t[^>]*>([^<]*)<\/t><\/is>$/)?.[1] ?? '');
    const raw = content.match(/^<v>([^<]*)<\/v>$/)?.[1] ?? '';
    return type === 's' ? strings[Number(raw)] : raw;
  };
  /** A cell as [type attribute, value, number format]: strings resolved (inline strings read as shared ones, type 's'), numbers as written. */
  const cell = (sheet: string, ref: string) => {
    const xml = sheets.get(sheet) ?? '';
    const match = xml.match(new RegExp(`<c r="${ref}"([^>]*)>([\\s\\S]*?)</c>`));
    if (!match) return null;
    const attributes = match[1] ?? '';
    const type = attributes.match(/ t="(\w+)"/)?.[1] ?? 'n';
    const style = Number(attributes.match(/ s="(\d+)"/)?.[1] ?? -1);
    const xf = [...(styles.match(/<cellXfs[^>]*>(.*?)<\/cellXfs>/)?.[1] ?? '').matchAll(/<xf [^>]*>/g)][style]?.[0] ?? '';
    const formatId = xf.match(/numFmtId="(\d+)"/)?.[1];
    const format = formatId ? styles.match(new RegExp(`numFmtId="${formatId}" formatCode="([^"]+)"`))?.[1] : undefined;
    return { type: type === 'inlineStr' ? 's' : type, value: valueOf(type, match[2] ?? ''), format };
  };
  const header = (sheet: string) => {
    const row = (sheets.get(sheet) ?? '').match(/<row r="1"[^>]*>(.*?)<\/row>/)?.[1] ?? '';
    return [...row.matchAll(/<c [^>]*t="(\w+)"[^>]*>(.*?)<\/c>/g)].map((m) => valueOf(m[1] ?? '', m[2] ?? ''));
  };
  /** A column's width (1-based). */
  const width = (sheet: string, column: number) => Number(sheets.get(sheet)?.match(new RegExp(`<col min="${column}" max="${column}" width="(\\d+)"`))?.[1]);
  return { names, sheets, cell, header, width };
}

/** Excel's serial date (days since 1899-12-30) as the wall-clock time it shows. */
const serialToWallClock = (serial: string) => new Date(Math.round((Number(serial) - 25569) * 86400_000)).toISOString().slice(0, 19).replace('T', ' ');

describe('xlsx report', () => {
  it('has the four sheets, typed cells, ids as text, local times, frozen headers and filters', async () => {
    const dir = workspace();
    const result = await chatlint(['check', 'night.jsonl', '-o', 'report.xlsx'], { cwd: dir });
    expect(result.code).toBe(1);
    const book = readWorkbook(readFileSync(join(dir, 'report.xlsx')));
    expect(book.names).toEqual(['Agents', 'Conversations', 'Findings', 'Skipped']);

    const findings = book.header('Findings');
    expect(findings.slice(0, 3)).toEqual(['conversationId', 'localTime', 'agentId']);
    // Leading zeros survive: ids are text cells, not numbers.
    expect(book.cell('Findings', 'A2')).toMatchObject({ type: 's', value: '0102' });
    expect(book.cell('Findings', 'C2')).toMatchObject({ type: 's', value: '0042' });
    // 02:02 UTC is shown as 10:02 in Shanghai, as a real date cell with a date format.
    const time = book.cell('Findings', 'B2');
    expect(time?.type).toBe('n');
    expect(time?.format).toBe('yyyy-mm-dd hh:mm:ss');
    expect(serialToWallClock(time?.value ?? '')).toBe('2026-11-27 10:02:00');
    // seconds and messageIndex are numbers.
    const slow = [2, 3, 4, 5].map((r) => ({ rule: book.cell('Findings', `E${r}`)?.value, seconds: book.cell('Findings', `K${r}`) })).find((f) => f.rule === 'slow');
    expect(slow?.seconds).toMatchObject({ type: 'n', value: '120' });

    expect(book.cell('Agents', 'A2')?.type).toBe('s');
    expect(book.cell('Agents', 'C2')).toMatchObject({ type: 'n' });
    expect(book.cell('Agents', 'I2')?.format).toBe('0%');
    expect(book.cell('Conversations', 'A2')).toMatchObject({ type: 's', value: '0102' });
    expect(book.cell('Conversations', 'G2')?.type).toBe('b');
    expect(serialToWallClock(book.cell('Conversations', 'B2')?.value ?? '')).toBe('2026-11-27 10:00:00');
    expect(book.cell('Skipped', 'D2')?.value).toMatch(/invalid JSON/);

    for (const [name, xml] of book.sheets) {
      expect(xml, name).toContain('<pane ySplit="1" xSplit="0" topLeftCell="A2" activePane="bottomRight" state="frozen"/>');
      expect(xml, name).toMatch(/<\/sheetData><autoFilter ref="A1:[A-Z]+\d+"\/>/);
      expect(xml, name).toMatch(/<col min="1" max="1" width="\d+" customWidth="1"\/>/);
    }
    expect(book.sheets.get('Findings')).toContain('<autoFilter ref="A1:Q5"/>');
    // Widths fit the content: agentId is as wide as its header (+2), a CJK message counts two per character.
    const width = (column: number) => book.width('Findings', column);
    expect(width(3)).toBe('agentId'.length + 2);
    expect(width(8)).toBeGreaterThan(20);
    expect(width(8)).toBeLessThanOrEqual(50);
  });

  it('goes to a redirected stdout, but never to a terminal', async () => {
    const dir = workspace();
    const piped = await chatlint(['check', 'night.jsonl', '--format', 'xlsx'], { cwd: dir });
    expect((piped.stdoutBytes ?? Buffer.alloc(0)).subarray(0, 2).toString('latin1')).toBe('PK');
    expect(readWorkbook(piped.stdoutBytes ?? Buffer.alloc(0)).names).toContain('Findings');
    const tty = await chatlint(['check', 'night.jsonl', '--format', 'xlsx'], { cwd: dir, stdoutTty: true });
    expect(tty.code).toBe(2);
    expect(tty.stdout).toBe('');
    expect(tty.stderr).toContain('--format xlsx writes a binary file: give -o report.xlsx, or redirect standard output to a file');
  });
});

/** The workspace's report as JSON, and a context for calling workbook() directly. */
async function jsonReport() {
  const dir = workspace();
  await chatlint(['check', 'night.jsonl', '-o', 'r.json'], { cwd: dir });
  return JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Report;
}
const CONTEXT = { color: false, language: 'en' as const, timezone: 'UTC', csvReport: 'findings' as const, bom: false, ruleIds: [], scored: true };

/** The same report with every list a sequence read anew on each pass (as lists merged from disk are), never an array. */
function asSequences(report: Report): ReportSource {
  const sequence = <T>(items: T[]) =>
    replayable(function* () {
      yield* items;
    });
  return { ...report, findings: sequence(report.findings), skipped: sequence(report.skipped), conversations: sequence(report.conversations), waived: sequence(report.waived) };
}

/** Every part of a workbook by name, as text (zip headers hold times; the parts are what a reader sees). */
const parts = (bytes: Uint8Array) => Object.fromEntries(Object.entries(unzipSync(bytes)).map(([name, data]) => [name, strFromU8(data)]));

describe('xlsx written as a stream', () => {
  it('reads lists given as replayable sequences into the same workbook as arrays', async () => {
    const report = await jsonReport();
    expect(parts(workbook(asSequences(report), CONTEXT))).toEqual(parts(workbook(report, CONTEXT)));
    expect(parts(workbook(asSequences(report), CONTEXT, 1))).toEqual(parts(workbook(report, CONTEXT, 1)));
  });

  it('starts with a package part and has an xl/ part third, where file-type sniffers look', async () => {
    const names = Object.keys(unzipSync(workbook(await jsonReport(), CONTEXT)));
    expect(names.slice(0, 3)).toEqual(['_rels/.rels', 'xl/styles.xml', 'xl/worksheets/sheet1.xml']);
    expect(names).toContain('[Content_Types].xml');
  });

  it('yields the zip in pieces as the sheets are written', async () => {
    const report = await jsonReport();
    const finding = report.findings[0] as Finding;
    const findings = Array.from({ length: 5_000 }, (_, i) => ({ ...finding, messageIndex: i, excerpt: `${i} ${'x'.repeat(i % 97)}` }));
    const pieces = [...xlsx.format(asSequences({ ...report, findings }), CONTEXT)];
    expect(pieces.length).toBeGreaterThan(5);
    const book = readWorkbook(Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece))));
    expect(book.sheets.get('Findings')).toContain('<autoFilter ref="A1:Q5001"/>');
    expect(book.cell('Findings', 'M5001')?.value).toBe(`4999 ${'x'.repeat(4999 % 97)}`);
  });

  it('ends the findings sequence when the writer stops midway (its finally blocks run)', async () => {
    const report = await jsonReport();
    const finding = report.findings[0] as Finding;
    let reading = false;
    let ended = false;
    const findings = replayable(function* () {
      reading = true;
      try {
        for (let i = 0; i < 5_000; i++) yield { ...finding, messageIndex: i, excerpt: `${i} ${'y'.repeat(200)}` };
      } finally {
        ended = true;
      }
    });
    for (const _piece of xlsx.format({ ...report, findings }, CONTEXT)) if (reading) break;
    expect(reading).toBe(true);
    expect(ended).toBe(true);
  });

  it('keeps XML-special text, drops characters XML cannot hold, and leaves formula-like text as text', async () => {
    const report = await jsonReport();
    const finding = report.findings[0] as Finding;
    const texts = [
      'a < b && c > "d" \'e\'',
      '=SUM(A1:A2)',
      '  leading and trailing  ',
      'line\r\nbreak\ttab',
      'bell\u0007 nul\u0000 esc\u001b c1\u0085 end\uFFFF',
      'lone \uD800 surrogate, pair 😀',
      'literal _x0041_ stays',
      ']]> </t></is>',
    ];
    const findings = texts.map((message, i) => ({ ...finding, message, messageIndex: i }));
    const book = readWorkbook(workbook(asSequences({ ...report, findings }), CONTEXT));
    const xml = book.sheets.get('Findings') ?? '';
    // Nothing XML 1.0 forbids is written (C0 controls but tab and line feed, lone surrogates, U+FFFE/U+FFFF).
    expect(xml).not.toMatch(/[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDFFF]/u);
    const shown = texts.map((_, i) => book.cell('Findings', `H${i + 2}`));
    expect(shown.map((cell) => cell?.type)).toEqual(texts.map(() => 's'));
    expect(shown.map((cell) => cell?.value)).toEqual([
      'a < b && c > "d" \'e\'',
      '=SUM(A1:A2)',
      '  leading and trailing  ',
      'line\r\nbreak\ttab',
      'bell nul esc c1 end',
      'lone  surrogate, pair 😀',
      'literal _x0041_ stays',
      ']]> </t></is>',
    ]);
    // Leading and trailing spaces survive an XML reader; a formula-like text is a string cell, never a formula.
    expect(xml).toContain('<t xml:space="preserve">  leading and trailing  </t>');
    expect(xml).not.toContain('<f>');
  });

  it('cuts a cell at 32,767 characters, never through a surrogate pair', async () => {
    const report = await jsonReport();
    const finding = report.findings[0] as Finding;
    const long = 'a'.repeat(40_000);
    const split = `${'b'.repeat(32_766)}😀tail`;
    const findings = [{ ...finding, excerpt: long }, { ...finding, excerpt: split, messageIndex: 1 }];
    const book = readWorkbook(workbook({ ...report, findings }, CONTEXT));
    expect(book.cell('Findings', 'M2')?.value).toBe('a'.repeat(32_767));
    expect(book.cell('Findings', 'M3')?.value).toBe('b'.repeat(32_766));
    expect(book.width('Findings', 13)).toBe(50);
  });

  it('an empty report still has every sheet, each a header row under its filter', async () => {
    const report = await jsonReport();
    const empty: Report = { ...report, agents: [], conversations: [], findings: [], skipped: [], waived: [] };
    const book = readWorkbook(workbook(asSequences(empty), CONTEXT));
    expect(book.names).toEqual(['Agents', 'Conversations', 'Findings', 'Skipped']);
    expect(book.header('Skipped')).toEqual(['file', 'line', 'record', 'reason']);
    expect(book.sheets.get('Findings')).toContain('<autoFilter ref="A1:Q1"/>');
    expect(book.sheets.get('Skipped')).toContain('</row></sheetData><autoFilter ref="A1:D1"/>');
    expect(book.cell('Findings', 'A2')).toBeNull();
    // An empty text (a conversation no agent answered) is an empty cell, as it was.
    const unanswered = { ...(report.conversations[0] as Report['conversations'][number]), agents: [] };
    const alone = readWorkbook(workbook(asSequences({ ...empty, conversations: [unanswered] }), CONTEXT));
    expect(alone.cell('Conversations', 'A2')?.value).toBe(unanswered.conversationId);
    expect(alone.cell('Conversations', 'C2')).toBeNull();
  });

  it('keeps Chinese text and counts each character two wide', async () => {
    const dir = tempDir({
      'chatlint.yaml': RULES,
      'night.jsonl':
        line({ conversation_id: '会话0001', timestamp: '2026-11-27T02:00:00Z', role: 'customer', text: '你好' }) +
        line({ conversation_id: '会话0001', timestamp: '2026-11-27T02:05:00Z', role: 'agent', agent_id: '0042', agent_name: '云客服小王一号', text: '在的！！嗯嗯' }),
    });
    expect((await chatlint(['check', 'night.jsonl', '-o', 'r.xlsx'], { cwd: dir })).code).toBe(1);
    const book = readWorkbook(readFileSync(join(dir, 'r.xlsx')));
    expect(book.cell('Agents', 'B2')).toMatchObject({ type: 's', value: '云客服小王一号' });
    expect(book.width('Agents', 2)).toBe(7 * 2 + 2);
    expect(book.cell('Conversations', 'A2')).toMatchObject({ type: 's', value: '会话0001' });
    const messages = [2, 3, 4, 5].map((r) => book.cell('Findings', `H${r}`)?.value ?? '');
    expect(messages.some((message) => /[\u4e00-\u9fff]/.test(message))).toBe(true);
  });
});

describe('xlsx date cells', () => {
  it('hold the wall clock wallClockDate gives, across offset changes and in zones off the hour', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Europe/London', 'UTC'];
    // Around 2026's DST changes (New York, London, Lord Howe's half hour), every 7 minutes 13.25 seconds, and a time of 1900 (local mean time).
    const starts = [Date.UTC(2026, 2, 8, 5), Date.UTC(2026, 2, 29, 0), Date.UTC(2026, 3, 4, 14), Date.UTC(2026, 9, 3, 15), Date.UTC(2026, 10, 1, 5)];
    const times = [...starts.flatMap((start) => Array.from({ length: 40 }, (_, i) => start - 2 * 3600_000 + i * 433_250)), Date.UTC(1900, 0, 1, 3, 4, 5)];
    for (const zone of zones) {
      const serial = serialClock(zone);
      for (const time of times) {
        const iso = new Date(time).toISOString();
        expect(serial(iso), `${zone} ${iso}`).toBe(wallClockDate(iso, zone).getTime() / 86_400_000 + 25_569);
      }
    }
  });
});

describe('xlsx past the row limit', () => {
  it('continues the findings on "Findings (2)", each sheet with its own header', async () => {
    const report = await jsonReport();
    const book = readWorkbook(workbook(report, CONTEXT, 3));
    expect(book.names).toEqual(['Agents', 'Conversations', 'Findings', 'Findings (2)', 'Skipped']);
    expect(book.header('Findings (2)')[0]).toBe('conversationId');
    expect(book.sheets.get('Findings')).toContain('<autoFilter ref="A1:Q4"/>');
    expect(book.sheets.get('Findings (2)')).toContain('<autoFilter ref="A1:Q2"/>');
  });

  it('from a sequence: full sheets make no empty one after them, and rows stay in order across sheets', async () => {
    const report = await jsonReport();
    expect(report.findings).toHaveLength(4);
    const exact = readWorkbook(workbook(asSequences(report), CONTEXT, 2));
    expect(exact.names).toEqual(['Agents', 'Conversations', 'Findings', 'Findings (2)', 'Skipped']);
    const single = readWorkbook(workbook(asSequences(report), CONTEXT, 1));
    expect(single.names.slice(2, -1)).toEqual(['Findings', 'Findings (2)', 'Findings (3)', 'Findings (4)']);
    expect(single.names.slice(2, -1).map((name) => single.cell(name, 'E2')?.value)).toEqual(report.findings.map((f) => f.ruleId));
    expect(single.sheets.get('Findings (4)')).toContain('<autoFilter ref="A1:Q2"/>');
  });
});

describe('-o picks the format from the extension', () => {
  it.each([
    ['report.json', (t: string) => expect(JSON.parse(t).schemaVersion).toBe(1)],
    ['report.ndjson', (t: string) => expect(JSON.parse(t.trim().split('\n').at(-1) ?? '').type).toBe('summary')],
    ['report.csv', (t: string) => expect(t.startsWith('conversationId,timestamp,')).toBe(true)],
    ['report.md', (t: string) => expect(t.startsWith('# chatlint report')).toBe(true)],
    ['REPORT.XLSX', (t: string) => expect(t.startsWith('PK')).toBe(true)],
  ])('%s', async (name, check) => {
    const dir = workspace();
    expect((await chatlint(['check', 'night.jsonl', '-o', name], { cwd: dir })).code).toBe(1);
    check(readFileSync(join(dir, name), 'latin1'));
  });

  it('--format wins over the extension; an unknown extension means pretty', async () => {
    const dir = workspace();
    await chatlint(['check', 'night.jsonl', '-o', 'report.json', '--format', 'csv'], { cwd: dir });
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toMatch(/^conversationId,/);
    await chatlint(['check', 'night.jsonl', '-o', 'report.txt'], { cwd: dir });
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toContain('Totals:');
  });
});

describe('an option of another format is an error, not ignored', () => {
  it.each([
    [['--csv-report', 'agents'], '--csv-report only applies to --format csv (the format here is pretty)'],
    [['--csv-report', 'agents', '-o', 'r.json'], '--csv-report only applies to --format csv (the format here is json)'],
    [['--bom', '--format', 'json'], '--bom only applies to --format csv or xlsx (the format here is json)'],
    [['--bom', '--format', 'markdown'], '--bom only applies to --format csv or xlsx (the format here is markdown)'],
  ])('%j', async (args, message) => {
    const result = await chatlint(['check', 'night.jsonl', ...args], { cwd: workspace() });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`chatlint: ${message}\n`);
  });

  it('--csv-report and --bom with csv, --bom with xlsx are fine', async () => {
    const dir = workspace();
    expect((await chatlint(['check', 'night.jsonl', '--format', 'csv', '--csv-report', 'agents', '--bom'], { cwd: dir })).code).toBe(1);
    expect((await chatlint(['check', 'night.jsonl', '-o', 'r.csv', '--csv-report', 'conversations'], { cwd: dir })).code).toBe(1);
    expect((await chatlint(['check', 'night.jsonl', '-o', 'r.xlsx', '--bom'], { cwd: dir })).code).toBe(1);
  });
});

describe('CSV local times', () => {
  it('findings carry localTime (rule file zone) after the fixed columns, beside the UTC timestamp', async () => {
    const result = await chatlint(['check', 'night.jsonl', '--format', 'csv'], { cwd: workspace() });
    const [header, first] = result.stdout.split('\r\n').map((row) => row.split(','));
    expect(header?.at(-1)).toBe('localTime');
    expect(first?.[1]).toBe('2026-11-27T02:02:00.000Z');
    expect(first?.at(-1)).toBe('2026-11-27 10:02:00');
  });

  it('--timezone overrides the rule file; conversations carry localStartedAt', async () => {
    const result = await chatlint(['check', 'night.jsonl', '--format', 'csv', '--csv-report', 'conversations', '--timezone', 'Europe/London'], { cwd: workspace() });
    const [header, first] = result.stdout.split('\r\n').map((row) => row.split(','));
    expect(header?.slice(8, 11)).toEqual(['file', 'localStartedAt', 'deduction:greeting']);
    expect(first?.[9]).toBe('2026-11-27 02:00:00');
  });
});

describe('ndjson', () => {
  it('one typed record per line: findings, skipped, then one summary', async () => {
    const result = await chatlint(['check', 'night.jsonl', '--format', 'ndjson'], { cwd: workspace() });
    const records = result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.type)).toEqual(['finding', 'finding', 'finding', 'finding', 'skipped', 'summary']);
    expect(records[0]).toMatchObject({ type: 'finding', conversationId: '0102', ruleId: expect.any(String) });
    expect(records[4]).toMatchObject({ type: 'skipped', line: 5, reason: expect.stringContaining('invalid JSON') });
    expect(records[5]).toMatchObject({ type: 'summary', schemaVersion: 1, ruleset: { name: 'team', file: 'chatlint.yaml' }, summary: { findings: 4, skippedRecords: 1 } });
  });

  it('a clean run is just the summary line', async () => {
    const dir = tempDir({ 'chatlint.yaml': RULES, 'ok.jsonl': EXPORT.split('\n').slice(2, 4).join('\n') });
    const result = await chatlint(['check', 'ok.jsonl', '--format', 'ndjson'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).type)).toEqual(['summary']);
  });
});

describe('markdown', () => {
  it('summary, agents worst first, top rules and worst conversations, with the rule file named', async () => {
    const result = await chatlint(['check', 'night.jsonl', '--format', 'markdown'], { cwd: workspace() });
    const md = result.stdout;
    expect(md).toContain('Rule file: team (chatlint.yaml)');
    expect(md).toContain('| Findings | 4 |');
    expect(md).toMatch(/## Per agent\n\n\| Agent \| Name \|.*\n\| --- \| --- \| ---: /);
    // The worst agent first, and its name escaped so the table keeps its columns.
    expect(md).toContain('| 0042 | A\\|n\\*n |');
    expect(md.indexOf('| 0042 |')).toBeLessThan(md.indexOf('| 7 |'));
    expect(md).toMatch(/## Top rules\n\n\| Rule \| Findings \|/);
    expect(md).toMatch(/## Worst conversations\n\n\| Conversation \| Score \| Findings \| Agent \| File \|\n.*\n\| 0102 \| 85 \| 4 \| 0042 \| night\.jsonl \|/);
  });

  it('in Chinese with --lang zh-CN, and --quiet leaves info and warnings out of the tables', async () => {
    const zh = await chatlint(['check', 'night.jsonl', '--format', 'markdown', '--lang', 'zh-CN'], { cwd: workspace() });
    expect(zh.stdout).toContain('## 按客服统计');
    const quiet = await chatlint(['check', 'night.jsonl', '--format', 'markdown', '--quiet'], { cwd: workspace() });
    expect(quiet.stdout).not.toContain('| runs |');
    expect(quiet.stdout).not.toContain('| tic |');
  });

  it.each([
    ['a|b', 'a\\|b'],
    ['*bold* _em_', '\\*bold\\* \\_em\\_'],
    ['[link](http://x)', '\\[link\\](http://x)'],
    ['<script>', '\\<script\\>'],
    ['`code`', '\\`code\\`'],
    ['two\nlines', 'two lines'],
    ['&amp;', '\\&amp;'],
    ['back\\slash', 'back\\\\slash'],
  ])('escapes %j', (raw, escaped) => {
    expect(markdownText(raw)).toBe(escaped);
  });
});
