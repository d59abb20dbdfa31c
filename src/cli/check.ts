import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { withInputMap } from '../config/input-section.js';
import { loadRuleset } from '../config/load.js';
import type { Ruleset } from '../config/ruleset.js';
import { loadWaivers } from '../config/waivers.js';
import { ChatlintError, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../errors.js';
import { descriptorIdentity, discoverFiles, fileIdentity, refuseOverwrite } from '../input/discover.js';
import { ENCODING_CHOICES, type EncodingChoice } from '../input/encoding.js';
import type { InputEvent } from '../input/events.js';
import { DEFAULT_MAX_LINE_BYTES } from '../input/options.js';
import { DEFAULT_MAX_MESSAGE_CHARS } from '../input/limits.js';
import { inputFormatNames, readFiles, readStdin } from '../input/read.js';
import { assertTimeZone } from '../input/time/timestamps.js';
import { runCheck, type RunOptions, type RunResult } from '../engine/run.js';
import { enterPhase } from '../engine/progress.js';
import { buildReport, type PartialReport } from '../engine/aggregate.js';
import { parseShard, type Shard } from '../model/shard.js';
import { diffReports } from '../engine/diff.js';
import { loadReportFile } from '../input/report-file.js';
import { diffCaveats, diffSummaryLine, formatDiff } from '../report/diff-format.js';
import type { AgentIdentitySummary } from '../engine/identity.js';
import { DEFAULT_MEMORY_BUDGET_BYTES } from '../engine/group.js';
import type { SkippedRecord } from '../model/message.js';
import type { Report } from '../model/report.js';
import { CSV_REPORTS, isBinary, LANGUAGES, type CsvReport, type Language } from '../report/formatter.js';
import { findFormatter, FORMAT_NAMES, formatFromExtension } from '../report/formatters/index.js';
import { TranscriptKeeper } from '../report/transcripts.js';
import { languageFromEnvironment } from '../report/i18n.js';
import { holdsChatExport } from '../report/output-guard.js';
import { terminalSafe } from '../report/terminal-text.js';
import { ReportWriteError, writeReport, writeToStream } from '../report/write.js';
import { reportError, writeFailed, type Io } from './io.js';
import { startProgress } from './progress.js';
import { checkInWorkers } from './workers.js';
import { readCachedRun, runKey, writeCachedRun } from './cache.js';

export interface CheckOptions {
  rules?: string;
  preset?: string;
  format?: string;
  output?: string;
  csvReport?: string;
  bom?: boolean;
  timezone?: string;
  encoding: string;
  inputFormat?: string;
  agents?: string;
  quiet?: boolean;
  color?: boolean;
  maxErrors?: string;
  strict?: boolean;
  lang?: string;
  maxLineBytes?: string;
  maxMessageChars?: string;
  redact?: boolean;
  allowLargeRules?: boolean;
  waivers?: string;
  failUnder?: string;
  memoryBudget?: string;
  map?: string;
  baseline?: string;
  failOnNew?: boolean;
  maxRepeatedSkips?: string;
  /** Conversation ids to report on (repeatable, or comma-separated). */
  conversation?: string[];
  /** --progress / --no-progress; unset: on a terminal, for runs over a second. */
  progress?: boolean;
  /** `k/n`: check only the conversations of shard k of n, and write a partial report for `chatlint merge`. */
  shard?: string;
  /** Worker threads, each checking the conversations of one shard; default 1. */
  jobs?: string;
  /** A folder of partial reports keyed by input contents, tool version and rules: unchanged input is not re-checked. */
  cache?: string;
}

/** A partial report as `--shard` writes it: the engine's part, plus what the formatter needs later. */
export interface ShardFile extends PartialReport {
  context: FormatContextFromRules;
}

const MAX_SKIPS_ON_STDERR = 50;
const STDOUT_NAMES = ['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1'];

export const DEFAULT_MAX_REPEATED_SKIPS = 20;

/** A skip reason with its particulars (quoted values, numbers) blanked, so "the same reason" groups alike skips. */
export function skipReasonKind(reason: string): string {
  return reason.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\d+/g, '#');
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${option} must be one of: ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

export function nonNegativeInt(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`${option} must be a whole number (got "${value}")`);
  return Number(value);
}

/**
 * The exit code of a usable run. --fail-under, when given, decides on the score alone (a nightly job
 * gates on quality, not on the mere presence of findings); else error findings past --max-errors fail.
 */
export function exitCode(report: Report, gates: Gates, note: (text: string) => void): number {
  if (gates.newFindings !== undefined && gates.newFindings > 0) {
    note(`--fail-on-new: ${gates.newFindings} finding${gates.newFindings === 1 ? ' is' : 's are'} new since the baseline`);
    return EXIT_FINDINGS;
  }
  if (gates.failUnder !== undefined) {
    const average = report.summary.averageScore;
    if (average === null || !gates.scored) {
      note('--fail-under: no rule deducts points, so every conversation scores full marks and the score cannot fail the run');
      return EXIT_OK;
    }
    if (average < gates.failUnder) {
      note(`average score ${average} is below --fail-under ${gates.failUnder}`);
      return EXIT_FINDINGS;
    }
    return EXIT_OK;
  }
  // With --fail-on-new, findings the baseline already had do not fail the run.
  if (gates.newFindings !== undefined) return EXIT_OK;
  return report.summary.bySeverity.error > gates.maxErrors ? EXIT_FINDINGS : EXIT_OK;
}

export interface Gates {
  failUnder: number | undefined;
  maxErrors: number;
  /** Whether any enabled rule deducts points or is critical. */
  scored: boolean;
  /** New findings since --baseline, when --fail-on-new is given. */
  newFindings: number | undefined;
}

/** Why a run's input cannot stand as a report (exit 2), or null when it can. */
export function unusableInput(s: RunResult['seen'], filesRead: number, fileErrors: number, strict: boolean): string | null {
  if (filesRead === 0 && fileErrors > 0) return 'no input could be read';
  // Nothing at all to check (empty files, a header only, an empty directory, stdin closed at once) is not a pass.
  if (s.recordsRead === 0) return 'no records in the input';
  if (s.messages === 0 && s.skippedRecords > 0) return 'no usable records in the input';
  if (strict && s.skippedRecords > 0) return `--strict: ${s.skippedRecords} records were skipped`;
  return null;
}

export function useColor(options: { color?: boolean }, io: Io, toTerminal: boolean): boolean {
  if (options.color === false) return false;
  if (options.color === true) return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return toTerminal && Boolean(io.stdout.isTTY);
}

/** One stderr line on agent identity, naming the accounts whose messages stay on the account's id. */
function describeIdentity(identity: AgentIdentitySummary): string {
  const { signedMessages, attributedMessages, accountMessages, unresolvedAccounts } = identity;
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  let text =
    `agent identity: ${count(signedMessages, 'message')} signed, ${attributedMessages} given to the one agent who signed in their conversation, ` +
    `${accountMessages} left on the account`;
  if (unresolvedAccounts.length > 0) {
    const shown = unresolvedAccounts.slice(0, 5).map((a) => `${terminalSafe(a.account)} (${count(a.conversations, 'conversation')}, ${count(a.messages, 'message')})`);
    const more = unresolvedAccounts.length > 5 ? `, and ${unresolvedAccounts.length - 5} more (summary.agentIdentity in the JSON report)` : '';
    text += `; ${count(unresolvedAccounts.length, 'account')} never signed in some conversations, so their messages there count under the account: ${shown.join(', ')}${more}`;
  }
  return text;
}

/**
 * A report path that is a folder, or whose folder is missing or read-only, is a usage error before any
 * input is read, not after. A FIFO or device (`-o /dev/null`) is written into as it is.
 */
function assertWritableTarget(output: string): void {
  let stats;
  try {
    stats = statSync(output);
  } catch {
    stats = undefined;
  }
  if (stats?.isDirectory()) throw new UsageError(`-o ${output}: is a folder; give a file name for the report`);
  if (stats && !stats.isFile()) return;
  const folder = dirname(resolve(output));
  try {
    if (!statSync(folder).isDirectory()) throw new UsageError(`-o ${output}: ${folder} is not a folder`);
    accessSync(folder, constants.W_OK);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`-o ${output}: ${code === 'ENOENT' ? `the folder ${folder} does not exist` : `cannot write in ${folder} (${code ?? 'error'})`}`);
  }
}

/** Every option of `chatlint check` validated and resolved, before any input is read (usage errors come first). */
export function settingsFrom(options: CheckOptions, io: Io) {
  const ruleFile = loadRuleset({ rules: options.rules, preset: options.preset, allowLarge: Boolean(options.allowLargeRules) });
  const timezone = options.timezone ?? ruleFile.timezone ?? 'UTC';
  assertTimeZone(timezone);
  const encoding: EncodingChoice = oneOf(options.encoding, ENCODING_CHOICES, '--encoding');
  const ruleset = options.map ? withInputMap(ruleFile, options.map) : ruleFile;
  const input = ruleset.input;
  const formatName = options.format ?? (options.output ? formatFromExtension(options.output) : undefined) ?? 'pretty';
  const formatter = findFormatter(formatName);
  if (!formatter) throw new UsageError(`--format must be one of: ${FORMAT_NAMES.join(', ')} (got "${formatName}")`);
  const csvReport: CsvReport = oneOf(options.csvReport ?? 'findings', CSV_REPORTS, '--csv-report');
  // An option of another format would be silently ignored: say so instead.
  if (options.csvReport !== undefined && formatter.name !== 'csv') {
    throw new UsageError(`--csv-report only applies to --format csv (the format here is ${formatter.name})`);
  }
  // xlsx is accepted too: its text is always Unicode, so a script moving from csv to xlsx keeps working.
  if (options.bom && formatter.name !== 'csv' && formatter.name !== 'xlsx') {
    throw new UsageError(`--bom only applies to --format csv or xlsx (the format here is ${formatter.name})`);
  }
  if (isBinary(formatter) && !options.output && io.stdout.isTTY) {
    throw new UsageError(`--format ${formatter.name} writes a binary file: give -o report.${formatter.name}, or redirect standard output to a file`);
  }
  const language: Language = options.lang ? oneOf(options.lang, LANGUAGES, '--lang') : languageFromEnvironment(io.env);
  if (options.inputFormat) oneOf(options.inputFormat, inputFormatNames(), '--input-format');
  const maxErrors = nonNegativeInt(options.maxErrors, '--max-errors', 0);
  const failUnder = options.failUnder === undefined ? undefined : Number(options.failUnder);
  if (failUnder !== undefined && !(options.failUnder?.trim() !== '' && Number.isFinite(failUnder) && failUnder >= 0 && failUnder <= 100)) {
    throw new UsageError(`--fail-under must be a score from 0 to 100, such as 80 (got "${options.failUnder}")`);
  }
  const waivers = options.waivers ? loadWaivers(options.waivers) : [];
  if (options.failOnNew && !options.baseline) throw new UsageError('--fail-on-new needs --baseline <last-night.json> (or compare two reports with chatlint diff)');
  const baseline = options.baseline ? loadReportFile(options.baseline) : undefined;
  const readOptions = {
    timezone,
    encoding,
    maxLineBytes: nonNegativeInt(options.maxLineBytes, '--max-line-bytes', DEFAULT_MAX_LINE_BYTES),
    maxMessageChars: nonNegativeInt(options.maxMessageChars, '--max-message-chars', DEFAULT_MAX_MESSAGE_CHARS),
    agents: [...new Set([...(options.agents ?? '').split(',').map((a) => a.trim()).filter(Boolean), ...(input?.agents ?? [])])],
    mapping: ruleset.mapping,
  };
  if (options.output) assertWritableTarget(options.output);
  const memoryBudgetBytes = nonNegativeInt(options.memoryBudget, '--memory-budget', DEFAULT_MEMORY_BUDGET_BYTES / 2 ** 20) * 2 ** 20;
  const maxRepeatedSkips = nonNegativeInt(options.maxRepeatedSkips, '--max-repeated-skips', DEFAULT_MAX_REPEATED_SKIPS);
  let shard: Shard | undefined;
  if (options.shard !== undefined) {
    shard = parseShard(options.shard);
    if (!shard) throw new UsageError(`--shard must be k/n with 1 <= k <= n, such as 2/8 (got "${options.shard}")`);
  }
  const jobs = options.jobs === undefined ? undefined : nonNegativeInt(options.jobs, '--jobs', 1);
  if (jobs === 0) throw new UsageError('--jobs must be at least 1');
  return {
    ruleset, timezone, formatter, csvReport, language, maxErrors, failUnder, waivers, readOptions: { ...readOptions, shard }, memoryBudgetBytes, maxRepeatedSkips, baseline, shard, jobs,
  };
}

/** What the formatter needs from the rules (written into shard files, so `merge` formats alike). */
export interface FormatContextFromRules {
  timezone: string;
  ruleIds: string[];
  scored: boolean;
  replyLimitSeconds: number | null;
  criticalRuleIds: string[];
}

export function formatContext(ruleset: Ruleset, timezone: string): FormatContextFromRules {
  return {
    timezone,
    ruleIds: ruleset.rules.filter((r) => r.rule.enabled).map((r) => r.rule.id),
    scored: isScored(ruleset),
    replyLimitSeconds: replyLimitSeconds(ruleset),
    criticalRuleIds: ruleset.rules.filter((r) => r.rule.enabled && r.rule.critical).map((r) => r.rule.id),
  };
}

/**
 * Skips, unreadable files, notes and empty files as stderr lines: the first MAX_SKIPS_ON_STDERR skips, at
 * most `maxRepeatedSkips` of one kind per file; `finish` sums up what was left out.
 */
function stderrHooks(options: CheckOptions, warn: (text: string) => void, maxRepeatedSkips: number) {
  let skipsSeen = 0;
  // Per file and kind of reason: how many skips were seen, so a reason repeated past the limit is summed up, not listed.
  const repeats = new Map<string, { file: string; reason: string; count: number }>();
  return {
    onSkip(skip: SkippedRecord) {
      if (options.quiet) return;
      const key = `${skip.file}\0${skipReasonKind(skip.reason)}`;
      const seen = repeats.get(key) ?? { file: skip.file, reason: skip.reason, count: 0 };
      repeats.set(key, { ...seen, count: seen.count + 1 });
      if (seen.count >= maxRepeatedSkips) return;
      if (skipsSeen++ < MAX_SKIPS_ON_STDERR) {
        warn(`${terminalSafe(skip.file)}${skip.line !== null ? `:${skip.line}` : `#${skip.record}`}: skipped: ${terminalSafe(skip.reason)}`);
      }
    },
    onFileError(file: string, reason: string) {
      warn(`${terminalSafe(file)}: ${terminalSafe(reason)}`);
    },
    onNote(file: string, message: string) {
      if (!options.quiet) warn(`${terminalSafe(file)}: ${terminalSafe(message)}`);
    },
    onEmptyFile(file: string) {
      if (!options.quiet) warn(`${terminalSafe(file)}: no records (an empty file, or a header only)`);
    },
    finish() {
      for (const { file, reason, count } of repeats.values()) {
        if (count > maxRepeatedSkips) {
          warn(`${terminalSafe(file)}: ${count - maxRepeatedSkips} more skipped records like "${terminalSafe(reason)}" not listed (${count} in all; all are in the JSON report)`);
        }
      }
      if (skipsSeen > MAX_SKIPS_ON_STDERR) warn(`… ${skipsSeen - MAX_SKIPS_ON_STDERR} more skipped records (all are listed in the report)`);
    },
  };
}

/**
 * One shard of a check, as a worker thread runs it: the same settings and files as the main thread, only the
 * conversations of `shard`. Warnings go through `warn` (the main thread prints them).
 */
export async function checkShard(files: string[], options: CheckOptions, shard: Shard, memoryBudgetBytes: number, warn: (text: string) => void): Promise<Omit<RunResult, 'report'>> {
  const io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
  const { ruleset, waivers, readOptions, maxRepeatedSkips } = settingsFrom(options, io);
  const { report: _report, ...rest } = await runCheck(readFiles(files, { ...readOptions, shard }, options.inputFormat), ruleset, stderrHooks(options, warn, maxRepeatedSkips), {
    waivers,
    memoryBudgetBytes,
    redact: Boolean(options.redact),
    conversations: selectedConversations(options.conversation),
    shard,
  });
  return rest;
}

/** Whether any rule deducts points or is critical (else scores say nothing and are not shown). */
export function isScored(ruleset: Ruleset): boolean {
  return ruleset.rules.some((r) => r.rule.enabled && (r.rule.points || r.rule.critical));
}

/** The first enabled response-time rule's limit, against which reply delays are coloured. */
export function replyLimitSeconds(ruleset: Ruleset): number | null {
  for (const { rule, kind } of ruleset.rules) {
    const limit: unknown = (rule as { maxSeconds?: unknown }).maxSeconds;
    if (rule.enabled && kind.kind === 'response-time' && typeof limit === 'number') return limit;
  }
  return null;
}

/** `--conversation a,b --conversation c` as a set of ids, or undefined when not given. */
export function selectedConversations(values: string[] | undefined): Set<string> | undefined {
  if (!values || values.length === 0) return undefined;
  const ids = values.flatMap((v) => v.split(',')).map((id) => id.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError('--conversation needs a conversation id');
  return new Set(ids);
}

/** Selected ids that no conversation in the input had: a typo must not pass as a clean report. */
function assertConversationsFound(selected: ReadonlySet<string> | undefined, report: Report): void {
  if (!selected) return;
  const found = new Set(report.conversations.map((c) => c.conversationId));
  const missing = [...selected].filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new UsageError(`--conversation: no conversation ${missing.map((id) => JSON.stringify(id)).join(', ')} in the input`);
  }
}

export type CheckSettings = ReturnType<typeof settingsFrom>;

/**
 * Reads the input and runs the engine, telling the user on stderr about skips, file errors and notes:
 * what `check` and `audit` share. Usage errors are thrown (see usageExitCode).
 */
export async function readAndCheck(
  paths: string[],
  options: CheckOptions,
  settings: CheckSettings,
  io: Io,
  engine: Pick<RunOptions, 'onConversation'> = {},
): Promise<RunResult> {
  const warn = (text: string) => io.stderr.write(`chatlint: ${text}\n`);
  const { waivers, readOptions, memoryBudgetBytes, maxRepeatedSkips } = settings;
  await enterPhase('starting');
  const readsStdin = paths.length === 0 || paths.includes('-');
  if (paths.length === 0 && io.stdin.isTTY) {
    throw new UsageError('no input: give files, directories or glob patterns, or pipe an export into standard input');
  }
  const filePaths = paths.filter((p) => p !== '-');
  // -o is compared by identity with every input found (see discoverFiles), and with a file redirected to stdin.
  const files = await discoverFiles(filePaths, options.output);
  if (options.output && readsStdin && io.stdinFd !== undefined) {
    const outputIdentity = fileIdentity(options.output);
    if (outputIdentity !== undefined && descriptorIdentity(io.stdinFd) === outputIdentity) throw refuseOverwrite(options.output, 'standard input (redirected from it)');
  }
  // Second guard, for files outside the inputs: an -o path that holds a chat export is never overwritten.
  if (options.output && holdsChatExport(options.output)) {
    throw new UsageError(`${options.output}: holds a chat export, not a chatlint report; refusing to write the report over it (choose another -o path)`);
  }

  async function* events(): AsyncIterable<InputEvent> {
    if (readsStdin) yield* readStdin(io.stdin, readOptions, options.inputFormat);
    yield* readFiles(files, readOptions, options.inputFormat);
  }

  const hooks = stderrHooks(options, warn, maxRepeatedSkips);
  const conversations = selectedConversations(options.conversation);
  const shard = settings.shard;
  // Worker threads split the conversations by hash (as shards do) and their partial reports merge into the
  // same report. One thread for stdin, signatures (identity spans conversations), --shard and timelines.
  const canSplit = !readsStdin && !settings.ruleset.input?.agentIdFrom && !shard && !engine.onConversation;
  const jobs = canSplit ? (settings.jobs ?? 1) : 1;
  // --cache: a run over the same bytes with the same rules and settings is read back, not re-checked.
  const cacheable = options.cache !== undefined && !readsStdin && !settings.ruleset.input?.agentIdFrom && !engine.onConversation;
  if (options.cache !== undefined && !cacheable) warn('--cache is not used when reading standard input, agent signatures (input.agentIdFrom) or timelines');
  const { mapping: _mapping, ...readSettings } = readOptions;
  const key =
    cacheable && options.cache !== undefined
      ? runKey({ rules: settings.ruleset.hash, input: settings.ruleset.input ?? null, readSettings, inputFormat: options.inputFormat ?? null, redact: Boolean(options.redact), waivers, conversations: conversations ? [...conversations] : null }, files)
      : undefined;
  const cached = key && options.cache !== undefined ? readCachedRun(options.cache, key) : undefined;
  // The bar counts what this thread reads: worker threads read on their own, so it stays off for them.
  const progress = startProgress(io.stderr, files, jobs > 1 || cached || (options.quiet && options.progress === undefined) ? false : options.progress);
  let result: RunResult;
  let parts: PartialReport[];
  try {
    if (cached) {
      parts = cached.parts;
      result = { ...cached, partial: cached.parts[0] as PartialReport, report: buildReport(cached.parts) };
      if (!options.quiet) warn(`--cache: input, rules and settings unchanged; report read from ${options.cache} (nothing re-checked)`);
    } else if (jobs > 1) {
      const shards = await checkInWorkers(files, options, jobs, Math.floor(memoryBudgetBytes / jobs), warn);
      parts = shards.map((p) => p.partial);
      const report = buildReport(parts);
      // Each worker counted its own messages and skips; the merged report has the run's.
      result = { ...(shards[0] as (typeof shards)[number]), report, seen: report.summary };
    } else {
      result = await runCheck(progress.track(events()), settings.ruleset, hooks, { waivers, memoryBudgetBytes, redact: Boolean(options.redact), conversations, shard, ...engine });
      parts = [result.partial];
    }
  } finally {
    progress.stop();
  }
  if (key && options.cache !== undefined && !cached) {
    const { fileErrors, filesRead, seen } = result;
    if (!writeCachedRun(options.cache, key, { parts, fileErrors, filesRead, seen })) warn(`--cache: cannot write in ${options.cache}; the next run will check again`);
  }
  const { report, identity } = result;
  if (identity && !options.quiet) warn(describeIdentity(identity));
  if (!options.quiet) {
    for (const w of report.unusedWaivers) warn(`${w.source}: waiver matched no finding (${w.conversationId} ${w.ruleId}); prune it if it is stale`);
  }
  hooks.finish();
  assertConversationsFound(conversations, report);
  return result;
}

/** The exit code for an expected error (written to stderr), or for an unreadable path; rethrows a bug. */
export function usageExitCode(error: unknown, io: Io): number {
  // Rule files and paths are input too: what they quote is made safe for the terminal.
  if (error instanceof ChatlintError) return reportError(error, io, terminalSafe);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'ENOENT' || code === 'EISDIR' || code === 'EROFS' || code === 'ENOSPC') {
    io.stderr.write(`chatlint: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
  throw error;
}

/** `chatlint check`: read, check, report. Returns the exit code; never throws for bad input or configuration. */
export async function check(paths: string[], options: CheckOptions, io: Io): Promise<number> {
  const warn = (text: string) => io.stderr.write(`chatlint: ${text}\n`);
  try {
    const settings = settingsFrom(options, io);
    const { ruleset, timezone, formatter, csvReport, language, maxErrors, failUnder, baseline } = settings;
    const transcripts = !isBinary(formatter) && formatter.needsTranscripts ? new TranscriptKeeper(isScored(ruleset)) : undefined;
    const { report, fileErrors, filesRead, partial, seen } = await readAndCheck(paths, options, settings, io, {
      onConversation: transcripts && ((t) => transcripts.add(t)),
    });
    if (settings.shard) return writeShard({ ...partial, context: formatContext(ruleset, timezone) }, unusableInput(seen, filesRead, fileErrors.length, Boolean(options.strict)), options, io);

    const toTerminal = !options.output;
    // --quiet shows errors only, in every format (ESLint's meaning); the summary still counts everything.
    const since = baseline && options.baseline ? diffReports(baseline, report, { baseline: options.baseline, current: options.output ?? '(this run)' }) : undefined;
    // The JSON report carries the comparison as `baseline` (a field older readers ignore).
    const compared: Report = since ? Object.assign({}, report, { baseline: since }) : report;
    const shown = options.quiet ? { ...compared, findings: report.findings.filter((f) => f.severity === 'error') } : compared;
    const context = {
      color: formatter.name === 'pretty' && useColor(options, io, toTerminal),
      language,
      timezone,
      csvReport,
      bom: Boolean(options.bom),
      ruleIds: ruleset.rules.filter((r) => r.rule.enabled).map((r) => r.rule.id),
      scored: isScored(ruleset),
      replyLimitSeconds: replyLimitSeconds(ruleset),
      criticalRuleIds: ruleset.rules.filter((r) => r.rule.enabled && r.rule.critical).map((r) => r.rule.id),
      transcripts,
    };
    const output = async () => (isBinary(formatter) ? formatter.render(shown, context) : formatter.format(shown, context));
    const toStdout = async () => {
      await writeToStream(io.stdout, await output());
      if (since && formatter.name === 'pretty') for (const piece of formatDiff(since, 'pretty', context.color)) await writeToStream(io.stdout, `\n${piece}`);
    };
    const unusable = unusableInput(report.summary, filesRead, fileErrors.length, Boolean(options.strict));
    if (unusable) {
      warn(unusable);
      // Unusable input never replaces the last good report (nightly jobs keep yesterday's file).
      if (options.output) warn(`report not written; ${options.output} is left as it was`);
      else await toStdout();
      return EXIT_USAGE;
    }
    if (options.output) await writeReportFile(options.output, await output(), report, options.quiet ? () => undefined : warn, io);
    else await toStdout();
    if (since && !options.quiet && (options.output || formatter.name !== 'pretty')) {
      warn(diffSummaryLine(since));
      for (const caveat of diffCaveats(since)) warn(caveat);
    }
    return exitCode(report, { failUnder, maxErrors, scored: context.scored, newFindings: options.failOnNew ? since?.totals.new : undefined }, options.quiet ? () => undefined : warn);
  } catch (error) {
    if (error instanceof ReportWriteError) return writeFailed(error, options.output, io);
    return usageExitCode(error, io);
  }
}

/**
 * A shard's output: its partial report, to -o or stdout, for `chatlint merge`. Findings decide at the
 * merge, so a shard exits 0, or 2 when its input is unusable (then -o is left as it was).
 */
async function writeShard(file: ShardFile, unusable: string | null, options: CheckOptions, io: Io): Promise<number> {
  const warn = (text: string) => io.stderr.write(`chatlint: ${text}\n`);
  if (unusable) {
    warn(unusable);
    if (options.output) warn(`partial report not written; ${options.output} is left as it was`);
    return EXIT_USAGE;
  }
  const text = `${JSON.stringify(file)}\n`;
  if (options.output) {
    await writeReport(options.output, text);
    if (!options.quiet) warn(`wrote ${options.output}: shard ${file.shard.index}/${file.shard.count}, ${file.conversations.length} conversations`);
  } else await writeToStream(io.stdout, text);
  return EXIT_OK;
}

/**
 * Writes a report to its -o file (complete or absent; a FIFO or device written into as it is) and says
 * so, with the run's counts. /dev/stdout may be a socket (a parent process's pipe), which cannot be
 * opened by name: it is written to the stream.
 */
export async function writeReportFile(output: string, content: string | Uint8Array | Iterable<string>, report: Report, note: (text: string) => void, io: Io): Promise<void> {
  if (STDOUT_NAMES.includes(output)) await writeToStream(io.stdout, content);
  else await writeReport(output, content);
  const s = report.summary;
  note(`wrote ${output}: ${s.conversations} conversations, ${s.messages} messages, ${s.findings} findings, ${s.skippedRecords} skipped records`);
}
