import { printedElements, type Finding, type ReportSource } from '../../model/report.js';
import type { Formatter, FormatterContext } from '../formatter.js';
import { own } from '../../model/records.js';
import { localTime } from '../local-time.js';
import { printedFindingRows } from './csv-printed.js';

/** Cells a spreadsheet would run as a formula (also after leading spaces) get a leading apostrophe. */
// A value that already starts with apostrophes before a risky start gets one more, so reading the CSV back
// (drop one leading apostrophe where this pattern matches after it) returns every value exactly.
const FORMULA_START = /^'*\s*[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const row = (cells: Array<string | number | null | undefined>) => `${cells.map(csvCell).join(',')}\r\n`;

/** Column order is part of the contract: new columns go at the end. */
export const FINDING_COLUMNS = [
  'conversationId', 'timestamp', 'agentId', 'agentName', 'ruleId', 'kind', 'severity', 'message',
  'match', 'offset', 'seconds', 'messageIndex', 'excerpt', 'file', 'line', 'record', 'localTime',
] as const;

/** `timestamp` stays UTC for machines; `localTime` is the wall clock in the rule file's zone, for people. */
const findingCells = (f: Finding, timezone: string) => [
  f.conversationId, f.timestamp, f.agentId, f.agentName, f.ruleId, f.kind, f.severity, f.message,
  f.match, f.offset, f.seconds, f.messageIndex, f.excerpt, f.source.file, f.source.line, f.source.record, localTime(f.timestamp, timezone),
];

export const AGENT_COLUMNS = [
  'agentId', 'agentName', 'conversations', 'messages', 'findings',
  'conversationsScored', 'averageScore', 'medianScore', 'passRate', 'criticalCount',
] as const;

/** Rule ids in pack order, then any others the report mentions, for one column per rule. */
export function ruleColumns(context: FormatterContext, mentioned: Iterable<string>): string[] {
  const ids = [...context.ruleIds];
  for (const id of mentioned) if (!ids.includes(id)) ids.push(id);
  return ids;
}

function* agentsCsv(report: ReportSource, context: FormatterContext): Generator<string> {
  const ruleIds = ruleColumns(context, report.agents.flatMap((a) => Object.keys(a.byRule)));
  yield row([...AGENT_COLUMNS, ...ruleIds]);
  for (const a of report.agents) {
    yield row([
      a.agentId, a.agentName, a.conversations, a.messages, a.findings,
      a.conversationsScored, a.averageScore, a.medianScore, a.passRate, a.criticalCount,
      ...ruleIds.map((id) => own(a.byRule, id) ?? 0),
    ]);
  }
}

export const CONVERSATION_COLUMNS = [
  'conversationId', 'startedAt', 'agents', 'messages', 'findings', 'score', 'passed', 'critical', 'file', 'localStartedAt',
] as const;

/** Rules some conversation deducted for, in order of first mention (one pass over the conversations). */
export function* deductedRules(report: ReportSource): Generator<string> {
  for (const c of report.conversations) yield* Object.keys(c.deductions);
}

/** One row per conversation with its score and the points each rule deducted: the columns from a first pass, the rows from a second. */
function* conversationsCsv(report: ReportSource, context: FormatterContext): Generator<string> {
  const ruleIds = ruleColumns(context, deductedRules(report));
  yield row([...CONVERSATION_COLUMNS, ...ruleIds.map((id) => `deduction:${id}`)]);
  for (const c of report.conversations) {
    yield row([
      c.conversationId, c.startedAt, c.agents.join(' '), c.messages, c.findings, c.score, String(c.passed), String(c.critical), c.source.file,
      localTime(c.startedAt, context.timezone),
      ...ruleIds.map((id) => own(c.deductions, id) ?? 0),
    ]);
  }
}

function* findingsCsv(report: ReportSource, context: FormatterContext): Generator<string | Uint8Array> {
  yield row([...FINDING_COLUMNS]);
  const plainRow = (f: Finding) => row(findingCells(f, context.timezone));
  // Findings the store printed ahead become rows from their JSON, unparsed (see printedFindingRows).
  const printed = printedElements(report.findings);
  if (printed !== undefined) yield* printedFindingRows(printed, context.timezone, plainRow, csvCell);
  else for (const f of report.findings) yield plainRow(f);
}

/** RFC 4180 (CRLF, quoted where needed), with an optional BOM for Excel. */
export const csv: Formatter = {
  name: 'csv',
  *format(report, context) {
    if (context.bom) yield '\uFEFF';
    if (context.csvReport === 'agents') yield* agentsCsv(report, context);
    else if (context.csvReport === 'conversations') yield* conversationsCsv(report, context);
    else yield* findingsCsv(report, context);
  },
};
