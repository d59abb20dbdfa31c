import { Chalk } from 'chalk';
import { DIFF_FIRST_KEPT, PRINTED_JSON, type DiffFindings, type ListedDiff, type PrintsJson } from '../model/diff.js';
import type { Finding } from '../model/report.js';
import { csvCell } from './formatters/csv.js';
import { terminalSafe } from './terminal-safe.js';
import { textTable } from './text-table.js';
import { DIFF_FORMATS } from './formatter.js';

export { DIFF_FORMATS };
export type DiffFormat = (typeof DIFF_FORMATS)[number];
/** What the summary line, the caveats and the CSV read of a diff: everything but its lists. */
type DiffHead = Omit<ListedDiff, 'newFindings' | 'resolvedFindings'>;

/** New findings listed one by one in the pretty diff before "… N more". */
const MAX_LISTED = DIFF_FIRST_KEPT;

const signed = (n: number | null) => (n === null ? '-' : n > 0 ? `+${n.toFixed(1)}` : n.toFixed(1));
const score = (n: number | null) => (n === null ? '-' : n.toFixed(1));

function findingLine(f: Finding): string {
  const text = terminalSafe(f.match ?? f.excerpt);
  return `  ${terminalSafe(f.conversationId)}  ${f.ruleId}  ${terminalSafe(f.agentId ?? '-')}  ${terminalSafe(f.message)}${text ? `  │ ${text}` : ''}`;
}

/** Warnings a person should read before trusting the counts. */
export function diffCaveats(diff: DiffHead): string[] {
  const caveats: string[] = [];
  if (diff.rulesChanged) {
    caveats.push(`the reports were made with different rules (${diff.baseline.ruleset.hash} → ${diff.current.ruleset.hash}); findings of changed rules may show as new or resolved`);
  }
  for (const side of [diff.baseline, diff.current]) {
    if (side.listed < side.findings) {
      caveats.push(`${side.file} lists ${side.listed} of its ${side.findings} findings (written with --quiet?); the others count as ${side === diff.baseline ? 'new' : 'resolved'}`);
    }
  }
  return caveats;
}

/** One line for stderr or a report footer: counts and the score change. */
export function diffSummaryLine(diff: DiffHead): string {
  const t = diff.totals;
  const scoreText = t.scoreBefore !== null || t.scoreAfter !== null ? `; average score ${score(t.scoreBefore)} → ${score(t.scoreAfter)} (${signed(t.scoreChange)})` : '';
  return `since ${terminalSafe(diff.baseline.file)}: ${t.new} new, ${t.resolved} resolved, ${t.unchanged} unchanged findings${scoreText}`;
}

/** For a person: the totals, per agent and per rule tables (rows that changed), then the new findings. */
function* prettyDiff(diff: ListedDiff, color: boolean): Generator<string> {
  const c = new Chalk({ level: color ? 1 : 0 });
  const lines = [c.bold(diffSummaryLine(diff).replace(/^since/, 'Since'))];
  for (const caveat of diffCaveats(diff)) lines.push(c.yellow(`Note: ${terminalSafe(caveat)}`));
  const changed = <T extends { new: number; resolved: number }>(rows: T[]) => rows.filter((r) => r.new > 0 || r.resolved > 0);
  const agents = diff.agents.filter((a) => a.new > 0 || a.resolved > 0 || (a.scoreChange !== null && a.scoreChange !== 0));
  if (agents.length > 0) {
    const rows = [['Agent', 'Name', 'New', 'Resolved', 'Unchanged', 'Score before', 'Score after', 'Change']];
    for (const a of agents) {
      rows.push([terminalSafe(a.agentId || '-'), terminalSafe(a.agentName ?? ''), String(a.new), String(a.resolved), String(a.unchanged), score(a.scoreBefore), score(a.scoreAfter), signed(a.scoreChange)]);
    }
    const rendered = textTable(rows, [false, false, true, true, true, true, true, true]);
    lines.push('', c.bold('Per agent'), `  ${c.dim(rendered[0] ?? '')}`, ...rendered.slice(1).map((r) => `  ${r}`));
  }
  const rules = changed(diff.rules);
  if (rules.length > 0) {
    const rendered = textTable([['Rule', 'New', 'Resolved', 'Unchanged'], ...rules.map((r) => [r.ruleId, String(r.new), String(r.resolved), String(r.unchanged)])], [false, true, true, true]);
    lines.push('', c.bold('Per rule'), `  ${c.dim(rendered[0] ?? '')}`, ...rendered.slice(1).map((r) => `  ${r}`));
  }
  if (diff.newFindings.count > 0) {
    lines.push('', c.bold(c.red('New findings')), ...diff.newFindings.first.slice(0, MAX_LISTED).map(findingLine));
    if (diff.newFindings.count > MAX_LISTED) lines.push(`  … ${diff.newFindings.count - MAX_LISTED} more (all are in --format json)`);
  }
  yield `${lines.join('\n')}\n`;
}

export const DIFF_CSV_COLUMNS = ['scope', 'id', 'name', 'new', 'resolved', 'unchanged', 'scoreBefore', 'scoreAfter', 'scoreChange'] as const;

/** One row for the totals, one per agent, one per rule (`scope` says which). */
function* csvDiff(diff: DiffHead): Generator<string> {
  const row = (cells: Array<string | number | null>) => `${cells.map(csvCell).join(',')}\r\n`;
  yield row([...DIFF_CSV_COLUMNS]);
  const t = diff.totals;
  yield row(['total', '', '', t.new, t.resolved, t.unchanged, t.scoreBefore, t.scoreAfter, t.scoreChange]);
  for (const a of diff.agents) yield row(['agent', a.agentId, a.agentName, a.new, a.resolved, a.unchanged, a.scoreBefore, a.scoreAfter, a.scoreChange]);
  for (const r of diff.rules) yield row(['rule', r.ruleId, '', r.new, r.resolved, r.unchanged, null, null, null]);
}

/**
 * The diff as `JSON.stringify(diff, null, 2)` prints it, each newline followed by `pad` (the report's `baseline`
 * field is nested once): the head stringified, the lists' elements copied as they were printed.
 */
export function* diffJson(diff: ListedDiff, pad: string): Generator<string | Uint8Array> {
  const keys = Object.keys(diff) as Array<keyof ListedDiff>;
  yield '{';
  for (const [i, key] of keys.entries()) {
    const comma = i < keys.length - 1 ? ',' : '';
    const value = diff[key];
    if (!isFindings(value)) {
      yield `\n${pad}  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}  `)}${comma}`;
      continue;
    }
    if (value.count === 0) {
      yield `\n${pad}  ${JSON.stringify(key)}: []${comma}`;
      continue;
    }
    yield `\n${pad}  ${JSON.stringify(key)}: [\n${pad}`;
    for (const piece of value.elements()) yield pad ? padded(piece, pad) : piece;
    yield `\n${pad}  ]${comma}`;
  }
  yield `\n${pad}}`;
}

function isFindings(value: unknown): value is DiffFindings {
  return typeof value === 'object' && value !== null && 'elements' in value;
}

const NEWLINE = 10;

/** Printed elements with `pad` after each newline (UTF-8 never has a newline byte inside a character). */
function padded(piece: string | Uint8Array, pad: string): string | Uint8Array {
  if (typeof piece === 'string') return piece.replace(/\n/g, `\n${pad}`);
  let newlines = 0;
  for (let at = piece.indexOf(NEWLINE); at !== -1; at = piece.indexOf(NEWLINE, at + 1)) newlines++;
  const padBytes = Buffer.from(pad);
  const out = Buffer.allocUnsafe(piece.length + newlines * padBytes.length);
  let written = 0;
  let from = 0;
  for (let at = piece.indexOf(NEWLINE); at !== -1; at = piece.indexOf(NEWLINE, at + 1)) {
    out.set(piece.subarray(from, at + 1), written);
    written += at + 1 - from;
    out.set(padBytes, written);
    written += padBytes.length;
    from = at + 1;
  }
  out.set(piece.subarray(from), written);
  return out;
}

function* jsonFile(diff: ListedDiff): Generator<string | Uint8Array> {
  yield* diffJson(diff, '');
  yield '\n';
}

/** The diff as the JSON report's `baseline` field: it prints itself, its lists copied from where they are kept. */
export function printableDiff(diff: ListedDiff): ListedDiff & PrintsJson {
  return { ...diff, [PRINTED_JSON]: (pad: string) => diffJson(diff, pad) };
}

export function formatDiff(diff: ListedDiff, format: DiffFormat, color: boolean): Iterable<string | Uint8Array> {
  if (format === 'json') return jsonFile(diff);
  if (format === 'csv') return csvDiff(diff);
  return prettyDiff(diff, color);
}
