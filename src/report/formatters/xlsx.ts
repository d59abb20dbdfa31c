// The writer (and its zip library) loads only when an xlsx report is written: start-up stays small.
import type writeXlsxFile from 'write-excel-file/node';
import type { Cell, Feature, Row, Sheet } from 'write-excel-file/node';
/** The Node build's file content type (not exported by name). */
type FileContent = Parameters<typeof writeXlsxFile>[1] extends { features?: Array<Feature<infer C>> } | undefined ? C : never;
import { materialize, type Report } from '../../model/report.js';
import type { BinaryFormatter, FormatterContext } from '../formatter.js';
import { wallClockDate } from '../local-time.js';
import { ruleColumns } from './csv.js';
import { displayWidth } from '../terminal-text.js';

/** Excel refuses longer text in one cell. */
const MAX_CELL_CHARS = 32_767;
/** Rows per sheet, header included; a longer list continues on "Findings (2)". */
const MAX_SHEET_ROWS = 1_048_576;
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/** A column: its header, and the widest it may grow to fit its content (long texts wrap into view on demand). */
type Column = { header: string; maxWidth: number };
/** Rows measured for column widths: enough to see typical values, cheap at any size. */
const WIDTH_SAMPLE_ROWS = 1_000;

const text = (value: string | null | undefined): Cell =>
  value === null || value === undefined ? null : { type: String, value: value.length > MAX_CELL_CHARS ? value.slice(0, MAX_CELL_CHARS) : value };
const number = (value: number | null | undefined): Cell => (value === null || value === undefined ? null : { type: Number, value });
const percent = (value: number | null): Cell => (value === null ? null : { type: Number, value, format: '0%' });
const flag = (value: boolean): Cell => ({ type: Boolean, value });
const localDate = (iso: string, context: FormatterContext): Cell => ({ type: Date, value: wallClockDate(iso, context.timezone), format: DATE_FORMAT });

/** How wide a cell's value shows, in character widths (CJK counts two). */
function shownWidth(cell: Cell): number {
  if (cell === null || cell === undefined || typeof cell !== 'object' || !('value' in cell)) return 0;
  const value = cell.value;
  if (value instanceof Date) return DATE_FORMAT.length;
  return typeof value === 'string' ? displayWidth(value) : String(value).length;
}

function sheet(name: string, columns: Column[], rows: Row[]): Sheet<FileContent> {
  const header: Row = columns.map((c) => ({ type: String, value: c.header, fontWeight: 'bold' }));
  const sample = rows.slice(0, WIDTH_SAMPLE_ROWS);
  const widths = columns.map((c, i) => Math.min(c.maxWidth, Math.max(c.header.length, ...sample.map((row) => shownWidth(row[i]))) + 2));
  return { data: [header, ...rows], sheet: name, columns: widths.map((width) => ({ width })), stickyRowsCount: 1 };
}

const col = (header: string, maxWidth = 60): Column => ({ header, maxWidth });

function agentsSheet(report: Report, context: FormatterContext): Sheet<FileContent> {
  const ruleIds = ruleColumns(context, report.agents.flatMap((a) => Object.keys(a.byRule)));
  const columns = [
    col('agentId'), col('agentName'), col('conversations'), col('messages'), col('findings'), col('conversationsScored'),
    col('averageScore'), col('medianScore'), col('passRate'), col('criticalCount'), ...ruleIds.map((id) => col(id)),
  ];
  const rows = report.agents.map((a): Row => [
    text(a.agentId), text(a.agentName), number(a.conversations), number(a.messages), number(a.findings), number(a.conversationsScored),
    number(a.averageScore), number(a.medianScore), percent(a.passRate), number(a.criticalCount), ...ruleIds.map((id) => number(a.byRule[id] ?? 0)),
  ]);
  return sheet('Agents', columns, rows);
}

function conversationsSheet(report: Report, context: FormatterContext): Sheet<FileContent> {
  const ruleIds = ruleColumns(context, report.conversations.flatMap((c) => Object.keys(c.deductions)));
  const columns = [
    col('conversationId'), col('startedAt'), col('agents'), col('messages'), col('findings'), col('score'),
    col('passed'), col('critical'), col('file', 40), ...ruleIds.map((id) => col(`deduction:${id}`)),
  ];
  const rows = report.conversations.map((c): Row => [
    text(c.conversationId), localDate(c.startedAt, context), text(c.agents.join(' ')), number(c.messages), number(c.findings), number(c.score),
    flag(c.passed), flag(c.critical), text(c.source.file), ...ruleIds.map((id) => number(c.deductions[id] ?? 0)),
  ]);
  return sheet('Conversations', columns, rows);
}

function findingsSheets(report: Report, context: FormatterContext, perSheet: number): Array<Sheet<FileContent>> {
  const columns = [
    col('conversationId'), col('localTime'), col('agentId'), col('agentName'), col('ruleId'), col('kind'),
    col('severity'), col('message', 50), col('match'), col('offset'), col('seconds'), col('messageIndex'), col('excerpt', 50),
    col('file', 40), col('line'), col('record'), col('timestamp'),
  ];
  const rows = report.findings.map((f): Row => [
    text(f.conversationId), localDate(f.timestamp, context), text(f.agentId), text(f.agentName), text(f.ruleId), text(f.kind),
    text(f.severity), text(f.message), text(f.match), number(f.offset), number(f.seconds), number(f.messageIndex), text(f.excerpt),
    text(f.source.file), number(f.source.line), number(f.source.record), text(f.timestamp),
  ]);
  const sheets: Array<Sheet<FileContent>> = [];
  for (let start = 0; start === 0 || start < rows.length; start += perSheet) {
    sheets.push(sheet(start === 0 ? 'Findings' : `Findings (${start / perSheet + 1})`, columns, rows.slice(start, start + perSheet)));
  }
  return sheets;
}

function skippedSheet(report: Report): Sheet<FileContent> {
  const rows = report.skipped.map((s): Row => [text(s.file), number(s.line), number(s.record), text(s.reason)]);
  return sheet('Skipped', [col('file', 40), col('line'), col('record'), col('reason')], rows);
}

/** The last column's letters (A, Z, AA, …) for an autofilter range. */
function columnLetters(count: number): string {
  let letters = '';
  for (let n = count; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** write-excel-file has no autofilter option; its feature hook adds one over each sheet's header and rows. */
function autoFilter(sheets: Array<Sheet<FileContent>>): Feature<FileContent> {
  return {
    files: {
      transform: {
        'xl/worksheets/sheet{id}.xml': {
          transform(xml, _options, { sheetIndex }) {
            const data = sheets[sheetIndex]?.data ?? [];
            const ref = `A1:${columnLetters(data[0]?.length ?? 1)}${Math.max(data.length, 1)}`;
            // autoFilter follows sheetData in the worksheet schema (CT_Worksheet order).
            return xml.replace('</sheetData>', `</sheetData><autoFilter ref="${ref}"/>`);
          },
        },
      },
    },
  };
}

/** A workbook for spreadsheet users: typed cells, local times, ids kept as text, frozen headers, filters. */
export const xlsx: BinaryFormatter = {
  name: 'xlsx',
  binary: true,
  async render(report, context) {
    return workbook(materialize(report), context);
  },
};

/** The workbook's bytes; `findingsPerSheet` is Excel's row limit less the header, smaller only in tests. */
export async function workbook(report: Report, context: FormatterContext, findingsPerSheet = MAX_SHEET_ROWS - 1): Promise<Uint8Array> {
  const sheets = [agentsSheet(report, context), conversationsSheet(report, context), ...findingsSheets(report, context, findingsPerSheet), skippedSheet(report)];
  const { default: writeXlsx } = await import('write-excel-file/node');
  return new Uint8Array(await writeXlsx(sheets, { features: [autoFilter(sheets)] }).toBuffer());
}
