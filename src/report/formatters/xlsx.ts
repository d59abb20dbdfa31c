// The workbook is written as a stream: each sheet's XML is printed row by row from the report's lists (never
// materialized) into a streaming zip, and the zip's bytes go to the writer as they come. No well-kept xlsx
// library streams in a small install, so the few XML parts are written here by hand over fflate's Zip.
import { Zip, ZipDeflate } from 'fflate';
import type { ReportSource } from '../../model/report.js';
import { own } from '../../model/records.js';
import type { BinaryFormatter, FormatterContext } from '../formatter.js';
import { wallClockDate } from '../local-time.js';
import { deductedRules, ruleColumns } from './csv.js';
import { displayWidth } from '../terminal-text.js';

/** Excel refuses longer text in one cell. */
const MAX_CELL_CHARS = 32_767;
/** Rows per sheet, header included; a longer list continues on "Findings (2)". */
const MAX_SHEET_ROWS = 1_048_576;
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';
/** Rows measured for column widths: enough to see typical values, cheap at any size. */
const WIDTH_SAMPLE_ROWS = 1_000;
/** Sheet XML is handed to the compressor in pieces of about this many characters. */
const PUSH_CHARS = 1 << 18;
/** Days from Excel's epoch (1899-12-30) to the Unix epoch. */
const UNIX_EPOCH_SERIAL = 25_569;
const DAY_MS = 86_400_000;

/** How a column's cells are written: the cell type and, for percentages and dates, the number format. */
type Kind = 'text' | 'number' | 'percent' | 'date' | 'flag';
/** A column: its header, its cells' kind, and the widest it may grow to fit its content (long texts wrap into view on demand). */
type Column = { header: string; kind: Kind; maxWidth: number };
/** A cell's value as the column's kind reads it (a date is Excel's serial number); null or undefined leave the cell empty. */
type Value = string | number | boolean | null | undefined;
type Row = Value[];

const col = (header: string, kind: Kind, maxWidth = 60): Column => ({ header, kind, maxWidth });

/** Indexes into styles.xml's cellXfs (STYLES below). */
const STYLE = { bold: 1, percent: 2, date: 3 } as const;

/** At most MAX_CELL_CHARS, never ending in half a surrogate pair. */
function cut(value: string): string {
  if (value.length <= MAX_CELL_CHARS) return value;
  const high = value.charCodeAt(MAX_CELL_CHARS - 1);
  return value.slice(0, high >= 0xd800 && high <= 0xdbff ? MAX_CELL_CHARS - 1 : MAX_CELL_CHARS);
}

// What XML text cannot hold as it is: markup characters, a carriage return (parsers turn it into a line
// feed), characters XML 1.0 forbids (C0 controls but tab and line ends, lone surrogates, U+FFFE/U+FFFF),
// C1 controls (allowed, but discouraged and invisible), and "_" where Excel would read an _xHHHH_ escape.
const XML_UNSAFE = /[&<>\r\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uFFFE\uFFFF\uD800-\uDFFF]|_(?=x[0-9A-Fa-f]{4}_)/gu;
const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;', _: '_x005F_' };
const escapeChar = (char: string) => XML_ESCAPES[char] ?? '';

/** Text for XML element content: escaped, forbidden characters dropped (Excel does not open a file that has them). */
function xmlText(value: string): string {
  return value.replace(XML_UNSAFE, escapeChar);
}

/** Column letters (A, Z, AA, …) of a 1-based column number. */
function columnLetters(count: number): string {
  let letters = '';
  for (let n = count; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

const textCell = (ref: string, text: string, style = '') =>
  `<c r="${ref}"${style} t="inlineStr"><is><t${/^\s|\s$/.test(text) ? ' xml:space="preserve"' : ''}>${xmlText(text)}</t></is></c>`;
const valueCell = (ref: string, value: number | string, attributes = '') => `<c r="${ref}"${attributes}><v>${value}</v></c>`;

function cellXml(kind: Kind, ref: string, value: Value): string {
  // An empty text is an empty cell (a conversation with no agent), not a cell holding "".
  if (value === null || value === undefined || value === '') return '';
  if (kind === 'text') return textCell(ref, cut(String(value)));
  if (kind === 'flag') return valueCell(ref, value ? 1 : 0, ' t="b"');
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  if (kind === 'percent') return valueCell(ref, value, ` s="${STYLE.percent}"`);
  if (kind === 'date') return valueCell(ref, value, ` s="${STYLE.date}"`);
  return valueCell(ref, value);
}

/** How wide a cell's value shows, in character widths (CJK counts two). */
function shownWidth(kind: Kind, value: Value): number {
  if (value === null || value === undefined) return 0;
  if (kind === 'date') return DATE_FORMAT.length;
  return typeof value === 'string' ? displayWidth(cut(value)) : String(value).length;
}

/** A sequence read one item at a time, with one item of look-ahead so a sheet can tell whether rows remain for the next. */
function lookahead<T>(items: Iterable<T>) {
  const iterator = items[Symbol.iterator]();
  let head = iterator.next();
  return {
    get done() {
      return head.done === true;
    },
    take(): T {
      const value = head.value as T;
      head = iterator.next();
      return value;
    },
    /** Lets the sequence end early (its generators' finally blocks run), as a for-of left midway does. */
    close() {
      if (head.done !== true) iterator.return?.();
    },
  };
}
type Rows = ReturnType<typeof lookahead<Row>>;

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const SHEET_HEAD = `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">`;

/**
 * One sheet's XML, a row at a time: up to `limit` rows from `rows`. Column widths come from the first rows,
 * which are held until the <cols> before them can be written; the autofilter follows sheetData (as the
 * schema orders it), when the row count is known.
 */
function* sheetXml(columns: Column[], rows: Rows, limit: number, first: boolean): Generator<string> {
  const letters = columns.map((_, i) => columnLetters(i + 1));
  const rowXml = (row: Row, number: number) => {
    let xml = `<row r="${number}">`;
    for (let i = 0; i < columns.length; i++) xml += cellXml((columns[i] as Column).kind, `${letters[i]}${number}`, row[i]);
    return `${xml}</row>`;
  };
  const sample: Row[] = [];
  while (sample.length < Math.min(limit, WIDTH_SAMPLE_ROWS) && !rows.done) sample.push(rows.take());
  const widths = columns.map((c, i) => Math.min(c.maxWidth, Math.max(c.header.length, ...sample.map((row) => shownWidth(c.kind, row[i]))) + 2));
  yield SHEET_HEAD +
    `<sheetViews><sheetView tabSelected="${first ? 1 : 0}" workbookViewId="0"><pane ySplit="1" xSplit="0" topLeftCell="A2" activePane="bottomRight" state="frozen"/></sheetView></sheetViews>` +
    `<cols>${widths.map((width, i) => `<col min="${i + 1}" max="${i + 1}" width="${width}" customWidth="1"/>`).join('')}</cols>` +
    `<sheetData><row r="1">${columns.map((c, i) => textCell(`${letters[i]}1`, c.header, ` s="${STYLE.bold}"`)).join('')}</row>`;
  let count = 1;
  for (const row of sample) yield rowXml(row, ++count);
  sample.length = 0;
  while (count - 1 < limit && !rows.done) yield rowXml(rows.take(), ++count);
  yield `</sheetData><autoFilter ref="A1:${letters.at(-1) ?? 'A'}${count}"/></worksheet>`;
}

/** A sheet holding all of `items`; the sequence is read only when the sheet is written. */
function* wholeSheetXml(columns: Column[], items: Iterable<Row>, first: boolean): Generator<string> {
  const rows = lookahead(items);
  try {
    yield* sheetXml(columns, rows, Infinity, first);
  } finally {
    rows.close();
  }
}

/** A sheet of the workbook: its tab name and its XML. */
type SheetPart = { name: string; xml: Iterable<string> };

function agentsSheet(report: ReportSource, context: FormatterContext): SheetPart {
  const ruleIds = ruleColumns(context, report.agents.flatMap((a) => Object.keys(a.byRule)));
  const columns = [
    col('agentId', 'text'), col('agentName', 'text'), col('conversations', 'number'), col('messages', 'number'), col('findings', 'number'),
    col('conversationsScored', 'number'), col('averageScore', 'number'), col('medianScore', 'number'), col('passRate', 'percent'),
    col('criticalCount', 'number'), ...ruleIds.map((id) => col(id, 'number')),
  ];
  const rows = report.agents.map((a): Row => [
    a.agentId, a.agentName, a.conversations, a.messages, a.findings, a.conversationsScored,
    a.averageScore, a.medianScore, a.passRate, a.criticalCount, ...ruleIds.map((id) => own(a.byRule, id) ?? 0),
  ]);
  return { name: 'Agents', xml: wholeSheetXml(columns, rows, true) };
}

/** Minutes whose zone offset is remembered, at most (a night's times fall in a few thousand). */
const MAX_CACHED_MINUTES = 100_000;

/**
 * Excel's serial number of the wall-clock time an ISO time shows in `timezone` (date cells have no zone).
 * Formatting a time in a zone is slow, so the zone's offset is found once per UTC minute, where it is the
 * same at the minute's start and end (a zone changes its offset at most once a minute): the time plus that
 * offset is the same number wallClockDate gives.
 */
export function serialClock(timezone: string): (iso: string) => number {
  const offsets = new Map<number, number>();
  const wallClock = (iso: string) => wallClockDate(iso, timezone).getTime();
  const offsetAt = (ms: number) => wallClock(new Date(ms).toISOString()) - ms;
  return (iso) => {
    const ms = Date.parse(iso);
    if (!Number.isFinite(ms)) return wallClock(iso) / DAY_MS + UNIX_EPOCH_SERIAL;
    const minute = Math.floor(ms / 60_000);
    let offset = offsets.get(minute);
    if (offset === undefined) {
      offset = offsetAt(minute * 60_000);
      if (offset !== offsetAt(minute * 60_000 + 59_000)) return wallClock(iso) / DAY_MS + UNIX_EPOCH_SERIAL;
      if (offsets.size >= MAX_CACHED_MINUTES) offsets.clear();
      offsets.set(minute, offset);
    }
    return (ms + offset) / DAY_MS + UNIX_EPOCH_SERIAL;
  };
}

function* conversationRows(report: ReportSource, context: FormatterContext, ruleIds: string[]): Generator<Row> {
  const serial = serialClock(context.timezone);
  for (const c of report.conversations) {
    yield [
      c.conversationId, serial(c.startedAt), c.agents.join(' '), c.messages, c.findings, c.score,
      c.passed, c.critical, c.source.file, ...ruleIds.map((id) => own(c.deductions, id) ?? 0),
    ];
  }
}

/** The deduction columns come from a first pass over the conversations, the rows from a second. */
function conversationsSheet(report: ReportSource, context: FormatterContext): SheetPart {
  const ruleIds = ruleColumns(context, deductedRules(report));
  const columns = [
    col('conversationId', 'text'), col('startedAt', 'date'), col('agents', 'text'), col('messages', 'number'), col('findings', 'number'),
    col('score', 'number'), col('passed', 'flag'), col('critical', 'flag'), col('file', 'text', 40), ...ruleIds.map((id) => col(`deduction:${id}`, 'number')),
  ];
  return { name: 'Conversations', xml: wholeSheetXml(columns, conversationRows(report, context, ruleIds), false) };
}

const FINDING_COLUMNS = [
  col('conversationId', 'text'), col('localTime', 'date'), col('agentId', 'text'), col('agentName', 'text'), col('ruleId', 'text'),
  col('kind', 'text'), col('severity', 'text'), col('message', 'text', 50), col('match', 'text'), col('offset', 'number'),
  col('seconds', 'number'), col('messageIndex', 'number'), col('excerpt', 'text', 50), col('file', 'text', 40), col('line', 'number'),
  col('record', 'number'), col('timestamp', 'text'),
];

function* findingRows(report: ReportSource, context: FormatterContext): Generator<Row> {
  const serial = serialClock(context.timezone);
  for (const f of report.findings) {
    yield [
      f.conversationId, serial(f.timestamp), f.agentId, f.agentName, f.ruleId, f.kind, f.severity, f.message, f.match,
      f.offset, f.seconds, f.messageIndex, f.excerpt, f.source.file, f.source.line, f.source.record, f.timestamp,
    ];
  }
}

/** "Findings", then "Findings (2)" … each with up to `perSheet` rows; always at least the first. */
function* findingsSheets(report: ReportSource, context: FormatterContext, perSheet: number): Generator<SheetPart> {
  const rows = lookahead(findingRows(report, context));
  try {
    for (let n = 1; n === 1 || !rows.done; n++) {
      yield { name: n === 1 ? 'Findings' : `Findings (${n})`, xml: sheetXml(FINDING_COLUMNS, rows, perSheet, false) };
    }
  } finally {
    rows.close();
  }
}

function skippedSheet(report: ReportSource): SheetPart {
  const columns = [col('file', 'text', 40), col('line', 'number'), col('record', 'number'), col('reason', 'text')];
  const rows = (function* () {
    for (const s of report.skipped) yield [s.file, s.line, s.record, s.reason];
  })();
  return { name: 'Skipped', xml: wholeSheetXml(columns, rows, false) };
}

const PACKAGE_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

/** Fonts: regular and bold; formats: percent (100) and date-time (101); cellXfs: plain, bold, percent, date. */
const STYLES =
  `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
  `<numFmts count="2"><numFmt numFmtId="100" formatCode="0%"/><numFmt numFmtId="101" formatCode="${DATE_FORMAT}"/></numFmts>` +
  '<fonts count="2"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>' +
  '<font><b/><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="100" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="101" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';

const attribute = (value: string) => xmlText(value).replace(/"/g, '&quot;');

/** The package parts that list the sheets, written after them, when the Findings sheets are counted. */
function workbookParts(names: string[]): Array<[string, string]> {
  const sheetPath = (i: number) => `worksheets/sheet${i + 1}.xml`;
  return [
    ['xl/workbook.xml', `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><workbookPr/><bookViews><workbookView/></bookViews><sheets>` +
      names.map((name, i) => `<sheet name="${attribute(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') + '</sheets></workbook>'],
    ['xl/_rels/workbook.xml.rels', `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL_NS}">` +
      names.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="${sheetPath(i)}"/>`).join('') +
      `<Relationship Id="rId${names.length + 1}" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`],
    ['[Content_Types].xml', `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      `<Override PartName="/xl/workbook.xml" ContentType="${CONTENT_TYPE}.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="${CONTENT_TYPE}.styles+xml"/>` +
      names.map((_, i) => `<Override PartName="/xl/${sheetPath(i)}" ContentType="${CONTENT_TYPE}.worksheet+xml"/>`).join('') + '</Types>'],
  ];
}

/** The sheets in order, each made when the one before is written: one list read at a time, never held. */
function* sheets(report: ReportSource, context: FormatterContext, findingsPerSheet: number): Generator<SheetPart> {
  yield agentsSheet(report, context);
  yield conversationsSheet(report, context);
  yield* findingsSheets(report, context, findingsPerSheet);
  yield skippedSheet(report);
}

/** The package's relationship to its workbook; it names no sheet, so it can go first. */
const PACKAGE_RELS = `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

/**
 * Every part of the workbook in zip order: the package's relationships and styles, the sheets as their rows
 * are read, then the parts naming the sheets. Readers take the parts from the zip's directory in any order;
 * type sniffers (`file`) want a package part first and an xl/ part third, which this order gives.
 */
function* parts(report: ReportSource, context: FormatterContext, findingsPerSheet: number): Generator<[string, Iterable<string>]> {
  yield ['_rels/.rels', [PACKAGE_RELS]];
  yield ['xl/styles.xml', [STYLES]];
  const names: string[] = [];
  for (const sheet of sheets(report, context, findingsPerSheet)) {
    names.push(sheet.name);
    yield [`xl/worksheets/sheet${names.length}.xml`, sheet.xml];
  }
  for (const [path, xml] of workbookParts(names)) yield [path, [xml]];
}

/** Sizes and offsets a zip without its 64-bit extension can hold (fflate writes none). */
const ZIP32_LIMIT = 0xffff_ffff;

/** A workbook past what a zip without 64-bit sizes holds: reported as a file too large, never written corrupt. */
function tooLarge(): Error {
  return Object.assign(new Error('the workbook is past 4 GB, more than a zip without 64-bit sizes holds; use -f csv'), { code: 'EFBIG' });
}

/** The parts deflated into one zip, its bytes yielded as the compressor gives them. */
function* zipped(entries: Iterable<[string, Iterable<string>]>): Generator<Uint8Array> {
  const out: Uint8Array[] = [];
  let written = 0;
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    written += chunk.length;
    out.push(chunk);
  });
  for (const [path, pieces] of entries) {
    const file = new ZipDeflate(path, { level: 6 });
    zip.add(file);
    let raw = 0;
    let pending: string[] = [];
    let size = 0;
    const push = (final: boolean) => {
      const bytes = Buffer.from(pending.join(''), 'utf8');
      raw += bytes.length;
      if (raw > ZIP32_LIMIT || written > ZIP32_LIMIT) throw tooLarge();
      file.push(bytes, final);
      pending = [];
      size = 0;
    };
    for (const piece of pieces) {
      pending.push(piece);
      size += piece.length;
      if (size < PUSH_CHARS) continue;
      push(false);
      yield* out.splice(0);
    }
    push(true);
    yield* out.splice(0);
  }
  zip.end();
  if (written > ZIP32_LIMIT) throw tooLarge();
  yield* out.splice(0);
}

/**
 * The workbook's bytes in pieces; `findingsPerSheet` is Excel's row limit less the header, smaller only in
 * tests. The report's lists are read as they are written (conversations twice: rule columns, then rows).
 */
export function workbookChunks(report: ReportSource, context: FormatterContext, findingsPerSheet = MAX_SHEET_ROWS - 1): Iterable<Uint8Array> {
  return zipped(parts(report, context, findingsPerSheet));
}

/** The whole workbook as one byte array, for small reports and tests. */
export function workbook(report: ReportSource, context: FormatterContext, findingsPerSheet = MAX_SHEET_ROWS - 1): Uint8Array {
  return Buffer.concat([...workbookChunks(report, context, findingsPerSheet)]);
}

/** A workbook for spreadsheet users: typed cells, local times, ids kept as text, frozen headers, filters. */
export const xlsx: BinaryFormatter = {
  name: 'xlsx',
  binary: true,
  format: workbookChunks,
};
