import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { loadRuleset } from '../config/load.js';
import { BUILTIN_RULES_DIR, listPresets, resolveRuleFile } from '../config/presets.js';
import { FindingSampler, parseVerdict, precisionByRule, type ReviewRow } from '../engine/review.js';
import { testRule } from '../engine/rule-tests.js';
import { runCheck } from '../engine/run.js';
import { ChatlintError, EXIT_OK, EXIT_USAGE, UsageError } from '../errors.js';
import { discoverFiles } from '../input/discover.js';
import { readFiles } from '../input/read.js';
import { csvCell } from '../report/formatters/csv.js';
import { terminalSafe } from '../report/terminal-safe.js';
import { writeReport } from '../report/write.js';
import { settingsFrom } from './check-settings.js';
import { reportError, type Io } from './io.js';

export interface ReviewSampleOptions {
  rules?: string;
  preset?: string;
  map?: string;
  timezone?: string;
  encoding: string;
  inputFormat?: string;
  agents?: string;
  perRule: string;
  seed: string;
  before: string;
  after: string;
  output?: string;
  bom?: boolean;
  quiet?: boolean;
  allowLargeRules?: boolean;
}

/** Columns of a review sheet; `verdict` and `note` are for the reviewer, `rules` tells `review score` which pack to extend. */
export const REVIEW_COLUMNS = [
  'sample', 'ruleId', 'kind', 'severity', 'conversationId', 'messageIndex', 'agentId', 'agentName', 'match', 'message',
  'before', 'text', 'after', 'verdict', 'note', 'file', 'line', 'rules', 'seed',
] as const;

function wholeNumber(value: string, option: string, min = 0): number {
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`${option} must be a whole number${min > 0 ? ` of at least ${min}` : ''} (got "${value}")`);
  return Number(value);
}

/** What `extends:` should name to reach the rule file a run used: a preset name, or the file's absolute path. */
function packReference(options: { rules?: string | undefined; preset?: string | undefined }): string {
  const file = resolveRuleFile(options);
  const name = basename(file).replace(/\.ya?ml$/, '');
  return dirname(file) === resolve(BUILTIN_RULES_DIR) && listPresets().includes(name) ? name : file;
}

function reviewCsv(rows: readonly ReviewRow[], pack: string, seed: number, bom: boolean): string {
  const line = (cells: Array<string | number | null>) => `${cells.map(csvCell).join(',')}\r\n`;
  let text = (bom ? '\uFEFF' : '') + line([...REVIEW_COLUMNS]);
  rows.forEach((r, i) => {
    text += line([
      i + 1, r.ruleId, r.kind, r.severity, r.conversationId, r.messageIndex, r.agentId, r.agentName, r.match, r.message,
      r.before.join('\n'), r.text, r.after.join('\n'), '', '', r.file, r.line, pack, seed,
    ]);
  });
  return text;
}

/** Expected errors (usage, configuration, input) become clear messages and exit 2; anything else is a bug and is thrown. */
function failed(error: unknown, io: Io): number {
  if (error instanceof ChatlintError) return reportError(error, io, terminalSafe);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'ENOENT' || code === 'EISDIR' || code === 'EROFS' || code === 'ENOSPC') {
    io.stderr.write(`chatlint: ${terminalSafe((error as Error).message)}\n`);
    return EXIT_USAGE;
  }
  throw error;
}

/** `chatlint review sample`: a reproducible random sample of findings per rule, with context, for a reviewer. */
export async function reviewSample(paths: string[], options: ReviewSampleOptions, io: Io): Promise<number> {
  const warn = (text: string) => io.stderr.write(`chatlint: ${text}\n`);
  try {
    if (paths.length === 0) throw new UsageError('review sample: give the exports to sample (files, directories or glob patterns)');
    const perRule = wholeNumber(options.perRule, '--per-rule', 1);
    const seed = wholeNumber(options.seed, '--seed');
    const before = wholeNumber(options.before, '--before');
    const after = wholeNumber(options.after, '--after');
    if (options.output?.toLowerCase().endsWith('.xlsx')) {
      throw new UsageError(`-o ${options.output}: review sheets are written as CSV for now (give a .csv path; Excel opens it, use --bom)`);
    }
    // Only the rule, input and memory settings are used: no report format, so none of its options.
    const { ruleset, readOptions, memoryBudgetBytes } = await settingsFrom({ ...options, bom: undefined, format: 'json', output: options.output }, io);
    const pack = packReference(options);
    const files = await discoverFiles(paths, options.output);
    const sampler = new FindingSampler({ perRule, seed, before, after });
    const { report, entries } = await runCheck(
      readFiles(files, readOptions, options.inputFormat),
      ruleset,
      { onFileError: (file, reason) => warn(`${terminalSafe(file)}: ${terminalSafe(reason)}`) },
      { memoryBudgetBytes, onConversation: (transcript) => sampler.add(transcript) },
    );
    // The sampler kept what it needs: only the summary is read, and what went to disk is removed.
    entries.close();
    if (report.summary.messages === 0) throw new UsageError('review sample: no messages in the input');
    const rows = sampler.rows(ruleset.rules.map((r) => r.rule.id));
    const text = reviewCsv(rows, pack, seed, Boolean(options.bom));
    if (options.output) await writeReport(options.output, text);
    else io.stdout.write(text);
    if (!options.quiet) {
      const totals = sampler.totals();
      const perRuleText = [...totals].map(([id, n]) => `${id} ${Math.min(n, perRule)}/${n}`).join(', ');
      warn(`${options.output ? `wrote ${options.output}: ` : ''}${rows.length} findings sampled (seed ${seed}) from ${report.summary.findings}: ${perRuleText || 'no findings'}`);
    }
    return EXIT_OK;
  } catch (error) {
    return failed(error, io);
  }
}

export interface ReviewScoreOptions {
  examples?: string;
}

interface ReviewedRow {
  line: number;
  ruleId: string;
  verdict: boolean | null;
  lines: string[];
  pack: string;
}

/** A cell as written, without the apostrophe the CSV writer put before a formula-like start. */
const unguard = (value: string) => (/^'+\s*[=+\-@\t\r]/.test(value) ? value.slice(1) : value);
const splitLines = (cell: string) => cell.split(/\r?\n/).filter((l) => l.trim() !== '');

function readReviewSheet(file: string): { rows: ReviewedRow[]; unknown: Array<{ line: number; problem: string }> } {
  const text = readFileSync(file, 'utf8');
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (error) {
    throw new UsageError(`${file}: not valid CSV: ${(error as Error).message}`);
  }
  const [header, ...body] = records;
  const names = (header?.record ?? []).map((h) => h.trim());
  const column = (name: string) => names.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  for (const required of ['ruleId', 'verdict']) {
    if (column(required) === -1) throw new UsageError(`${file}:1: no "${required}" column (a sheet written by chatlint review sample has ${REVIEW_COLUMNS.join(', ')})`);
  }
  const at = (record: string[], name: string) => {
    const i = column(name);
    return i === -1 ? '' : unguard(record[i] ?? '');
  };
  const rows: ReviewedRow[] = [];
  const unknown: Array<{ line: number; problem: string }> = [];
  for (const { record, info } of body) {
    // info.lines is where the record ends; a record's first line is what a reviewer looks for.
    const line = info.lines - (record.join(',').match(/\n/g)?.length ?? 0);
    const ruleId = at(record, 'ruleId').trim();
    const verdict = parseVerdict(at(record, 'verdict'));
    if (ruleId === '' || verdict === undefined) {
      unknown.push({ line, problem: ruleId === '' ? 'no ruleId' : `unknown verdict "${at(record, 'verdict')}" (use y/n, yes/no, tp/fp, true/false, 1/0, ✓/✗, 对/错, 是/否; empty = not reviewed)` });
      continue;
    }
    const lines = [...splitLines(at(record, 'before')), ...splitLines(at(record, 'text')), ...splitLines(at(record, 'after'))];
    rows.push({ line, ruleId, verdict, lines, pack: at(record, 'rules').trim() });
  }
  return { rows, unknown };
}

const percent = (x: number) => x.toFixed(2);

/** The `extends:` value for a file written at `out`: a preset name as is, a path relative to the new file. */
function extendsValue(pack: string, out: string): string {
  if (listPresets().includes(pack) || !isAbsolute(pack)) return pack;
  const path = relative(dirname(resolve(out)), pack);
  return path.startsWith('.') ? path : `./${path}`;
}

/** Writes reviewed findings as examples of their rules, in a file that extends the pack the sample used. */
async function writeExamples(rows: readonly ReviewedRow[], out: string, io: Io): Promise<void> {
  const packs = [...new Set(rows.map((r) => r.pack).filter((p) => p !== ''))];
  if (packs.length !== 1) {
    throw new UsageError(
      packs.length === 0
        ? '--examples: the sheet has no "rules" column naming the pack it was sampled with'
        : `--examples: the sheet mixes rows sampled with different rule files (${packs.join(', ')}); score them separately`,
    );
  }
  const pack = packs[0] as string;
  const ruleset = loadRuleset(listPresets().includes(pack) ? { preset: pack } : { rules: pack });
  const compiledById = new Map(ruleset.rules.map((r) => [r.rule.id, r]));
  // An example must show what was reviewed: a confirmed finding must fire on its context lines, a false
  // positive must fire there too (until the rule is fixed). Context cut too short (a copy-paste whose first
  // copy is further back) would make an example that guards nothing, so it is left out and counted.
  const firesOn = (ruleId: string, lines: string[]) => {
    const compiled = compiledById.get(ruleId);
    if (!compiled) return false;
    return testRule({ ...compiled, rule: { ...compiled.rule, examples: { pass: [], fail: [lines] } } }).failures.length === 0;
  };
  const additions = new Map<string, { pass: string[][]; fail: string[][] }>();
  let leftOut = 0;
  for (const row of rows) {
    if (row.verdict === null || row.lines.length === 0) continue;
    if (!compiledById.has(row.ruleId)) {
      io.stderr.write(`chatlint: line ${row.line}: rule "${terminalSafe(row.ruleId)}" is not in ${terminalSafe(pack)}; left out of the examples\n`);
      continue;
    }
    if (!firesOn(row.ruleId, row.lines)) {
      leftOut++;
      continue;
    }
    let entry = additions.get(row.ruleId);
    if (!entry) additions.set(row.ruleId, (entry = { pass: [], fail: [] }));
    // A reviewed false positive must stop firing (pass); a confirmed finding must keep firing (fail).
    (row.verdict ? entry.fail : entry.pass).push(row.lines);
  }
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const merge = (existing: string[][], added: string[][]) => {
    const all = [...existing];
    for (const lines of added) if (!all.some((e) => same(e, lines))) all.push(lines);
    return all;
  };
  const rules = ruleset.rules
    .filter((r) => additions.has(r.rule.id))
    .map(({ rule }) => {
      const added = additions.get(rule.id) as { pass: string[][]; fail: string[][] };
      return { id: rule.id, examples: { pass: merge(rule.examples?.pass ?? [], added.pass), fail: merge(rule.examples?.fail ?? [], added.fail) } };
    });
  const passCount = [...additions.values()].reduce((n, a) => n + a.pass.length, 0);
  const failCount = [...additions.values()].reduce((n, a) => n + a.fail.length, 0);
  const header =
    `# Reviewed findings as rule examples (chatlint review score). Reviewed false positives are pass examples:\n` +
    `# \`chatlint rules test -r ${basename(out)}\` fails on them until the rule is fixed, then guards the fix.\n` +
    `# Confirmed findings are fail examples, so the fix does not lose them.\n`;
  const { stringify } = await import('yaml');
  await writeReport(out, header + stringify({ extends: extendsValue(pack, out), rules }, { lineWidth: 0 }));
  io.stderr.write(`chatlint: wrote ${out}: ${passCount} pass examples (reviewed false positives), ${failCount} fail examples (confirmed findings)\n`);
  if (leftOut > 0) {
    io.stderr.write(`chatlint: ${leftOut} reviewed findings left out: the rule does not fire on their context lines alone (sample with a larger --before to keep them)\n`);
  }
}

/** `chatlint review score`: per-rule precision with a 95 % Wilson interval from a reviewed sheet, worst rules first. */
export async function reviewScore(file: string, options: ReviewScoreOptions, io: Io): Promise<number> {
  try {
    const { rows, unknown } = readReviewSheet(file);
    const results = precisionByRule(rows);
    const width = Math.max(4, ...results.map((r) => r.ruleId.length));
    io.stdout.write(`${'rule'.padEnd(width)}  reviewed  true  false  precision  95% interval  unreviewed\n`);
    for (const r of results) {
      const reviewed = r.truePositives + r.falsePositives;
      const precision = r.precision === null ? '-' : percent(r.precision);
      const interval = reviewed === 0 ? '-' : `[${percent(r.interval[0])}, ${percent(r.interval[1])}]`;
      io.stdout.write(
        `${terminalSafe(r.ruleId).padEnd(width)}  ${String(reviewed).padStart(8)}  ${String(r.truePositives).padStart(4)}  ${String(r.falsePositives).padStart(5)}  ${precision.padStart(9)}  ${interval.padStart(12)}  ${String(r.unreviewed).padStart(10)}\n`,
      );
    }
    const reviewed = rows.filter((r) => r.verdict !== null);
    const tp = reviewed.filter((r) => r.verdict).length;
    io.stdout.write(`\n${reviewed.length} reviewed, ${tp} true, ${reviewed.length - tp} false positives${reviewed.length ? ` (overall precision ${percent(tp / reviewed.length)})` : ''}\n`);
    for (const u of unknown) {
      io.stderr.write(`chatlint: ${terminalSafe(file)}:${u.line}: ${terminalSafe(u.problem)}\n`);
    }
    if (options.examples) await writeExamples(rows, options.examples, io);
    return unknown.length > 0 ? EXIT_USAGE : EXIT_OK;
  } catch (error) {
    return failed(error, io);
  }
}
