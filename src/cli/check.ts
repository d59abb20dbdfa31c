import type { Ruleset } from '../config/ruleset.js';
import { learnedPacks, type BuiltPacks } from '../config/parse.js';
import { ChatlintError, EXIT_OK, EXIT_USAGE, UsageError } from '../errors.js';
import { descriptorIdentity, discoverFiles, fileIdentity, refuseOverwrite } from '../input/discover.js';
import type { InputEvent } from '../input/events.js';
import { readFailedSpool, readFiles } from '../input/read.js';
import type { ReadOptions } from '../input/options.js';
import { spoolStdin, type Spooled } from '../input/spool.js';
import { STDIN_LABEL } from '../input/source.js';
import { makeTempFolder, removeTempFolder } from '../engine/temp-folder.js';
import { runCheck, type RunOptions, type RunResult } from '../engine/run.js';
import { enterPhase } from '../engine/progress.js';
import { reportFromStore, type PartialHead } from '../engine/aggregate.js';
import { partialFileChunks } from '../engine/partial-file.js';
import { EntryStore, entryBudgetFor } from '../engine/entry-store.js';
import { compareReports, type Comparison } from '../engine/diff.js';
import type { AgentIdentitySummary } from '../engine/identity.js';
import type { SkippedRecord } from '../model/message.js';
import type { Report, ReportSource } from '../model/report.js';
import type { Transcript } from '../model/transcript.js';
import { isBinary } from '../report/formatter.js';
import { DEFAULT_TIMELINE_BUDGET_CHARS, DEFAULT_TIMELINE_SPILL_BYTES, TranscriptKeeper, TranscriptSpill, type FormattedTimeline } from '../report/transcripts.js';
import { holdsChatExport } from '../report/output-guard.js';
import { terminalSafe } from '../report/terminal-safe.js';
import { ReportWriteError, writeReport, writeToStream, type ReportData } from '../report/write.js';
import { reportError, writeFailed, type Io } from './io.js';
import { startProgress } from './progress.js';
import { checkPieces, type PieceCheck } from '../engine/workers.js';
import { defaultJobs, inputBytes, tuneV8 } from '../engine/pieces.js';
import { readCachedRun, runKey, writeCachedRun } from './cache.js';
import { selectedConversations, settingsFrom, useColor, type CheckOptions, type CheckSettings } from './check-settings.js';
import { errorsOnly, exitCode, unusableInput } from './gates.js';

/** The worker script, always from dist (tests run the sources, but a worker needs compiled JavaScript). */
// The bundled worker (scripts/bundle.mjs): one file to load per thread instead of ~200 modules.
const CHECK_WORKER = new URL('../../dist/bundle/check-worker.js', import.meta.url);

/** What a check worker is started with: check's options as given, and its share of the memory budget. */
export interface CheckWorkerData {
  options: CheckOptions;
  memoryBudgetBytes: number;
  /** ReadOptions.labels (standard input's temporary copy). */
  labels: Array<[path: string, label: string]> | undefined;
  /** The HTML report's timelines are printed in the worker (formatTimeline), in this zone. */
  timelines?: { timezone: string } | undefined;
  /** The rule files this thread parsed and the rules it validated: the worker takes them as checked (adoptPacks). */
  packs: BuiltPacks;
}

/** A partial report as `--shard` writes it (see partial-file.ts): the engine's part, plus what the formatter needs later. */
export interface ShardHead extends PartialHead {
  context: FormatContextFromRules;
}

const MAX_SKIPS_ON_STDERR = 50;
const STDOUT_NAMES = ['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1'];

/** A skip reason with its particulars (quoted values, numbers) blanked, so "the same reason" groups alike skips. */
export function skipReasonKind(reason: string): string {
  return reason.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\d+/g, '#');
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

/** Selected ids that no conversation in the input had: a typo must not pass as a clean report. */
function assertConversationsFound(selected: ReadonlySet<string> | undefined, report: ReportSource): void {
  if (!selected) return;
  // Only the selected conversations were checked, so this set is small.
  const found = new Set(Array.from(report.conversations, (c) => c.conversationId));
  const missing = [...selected].filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new UsageError(`--conversation: no conversation ${missing.map((id) => JSON.stringify(id)).join(', ')} in the input`);
  }
}

/**
 * Reads the input and runs the engine, telling the user on stderr about skips, file errors and notes:
 * what `check` and `audit` share. Usage errors are thrown (see usageExitCode). `whileOpen` is called with the
 * run before standard input's temporary copy is removed, and may read some conversations again (ReadAgain).
 */
export async function readAndCheck(
  paths: string[],
  options: CheckOptions,
  settings: CheckSettings,
  io: Io,
  engine: Pick<RunOptions, 'onConversation' | 'entries'> & {
    whileOpen?: (run: RunResult, readAgain: ReadAgain) => Promise<void>;
    /** Timelines that take a conversation given again as replacing it: checked on every thread, printed where checked. */
    timelines?: { timezone: string; add(timeline: FormattedTimeline): void };
  } = {},
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

  const hooks = stderrHooks(options, warn, maxRepeatedSkips);
  const conversations = selectedConversations(options.conversation);
  const shard = settings.shard;
  // Files are checked piece by piece in bounded memory (worker threads take files and byte ranges of big JSON
  // Lines files) and re-read for the conversations that continue after memory ran short; standard input is
  // first copied to a private temporary file to be read the same way. Timelines that take a conversation given
  // again as replacing it (HTML), and agent signatures, are checked in this thread. A caller that needs a few
  // conversations checked once, whole (audit), reads them again in `whileOpen`, while that copy still exists.
  const spoolFolder = readsStdin ? makeTempFolder('chatlint-stdin-') : undefined;
  try {
    const spool = spoolFolder ? await spoolStdin(io.stdin, spoolFolder, options.inputFormat).catch(cannotSpool(spoolFolder)) : undefined;
    return await checkRead(spool);
  } finally {
    if (spoolFolder) removeTempFolder(spoolFolder);
  }

  async function checkRead(spool: Spooled | undefined): Promise<RunResult> {
    const spooled = spool && !spool.failure ? spool.path : undefined;
    const piecewise = !readsStdin || spooled !== undefined;
    const inputs = spooled ? [spooled, ...files] : files;
    const reading: ReadOptions = spooled ? { ...readOptions, labels: new Map([[spooled, STDIN_LABEL]]) } : readOptions;
    // Read in this thread: standard input that failed to decompress part-way (what was copied, then the failure), and the files.
    async function* events(using: ReadOptions): AsyncIterable<InputEvent> {
      if (spool?.failure) yield* readFailedSpool(spool.path, spool.failure, using, options.inputFormat);
      yield* readFiles(inputs, using, options.inputFormat);
    }
    // Tests cut small files into ranges too, and start workers for them (CHATLINT_TEST_MIN_RANGE_BYTES), and may
    // leave every piece to the workers (CHATLINT_TEST_WORKERS_ONLY).
    const minRangeBytes = io.env.CHATLINT_TEST_MIN_RANGE_BYTES ? Number(io.env.CHATLINT_TEST_MIN_RANGE_BYTES) : undefined;
    const bytes = inputBytes(inputs);
    // Workers cannot resolve signatures across the night's counts, nor hand conversations to a caller that needs
    // each once (audit, review); the HTML report's timelines are printed where they are checked.
    const oneThread = !piecewise
      ? undefined
      : settings.ruleset.input?.agentIdFrom
        ? 'agent signatures (input.agentIdFrom)'
        : engine.onConversation && !engine.timelines
          ? 'timelines'
          : undefined;
    if (oneThread && settings.jobs !== undefined && settings.jobs > 1 && !options.quiet) warn(`--jobs ${settings.jobs} is not used: ${oneThread} are checked in one thread`);
    // Timelines on more threads cost ~40 MB more peak RSS at 1 GB than the JSON report's (past 256 MB): only when asked for.
    const jobs = piecewise && !oneThread ? (settings.jobs ?? (engine.timelines ? 1 : defaultJobs(bytes, minRangeBytes))) : 1;
    // Two heaps (a worker's too) grow by half of what survived, the HTML report's timelines by three quarters:
    // each ~20–25 MB less at 1 GB, near 256 MB otherwise (docs/performance.md, round ten).
    tuneV8(bytes, jobs > 1 ? 50 : engine.timelines ? 75 : 100);
    // --cache: a run over the same bytes with the same rules and settings is read back, not re-checked.
    const cacheable = options.cache !== undefined && !readsStdin && !settings.ruleset.input?.agentIdFrom && !engine.onConversation;
    if (options.cache !== undefined && !cacheable) warn('--cache is not used when reading standard input, agent signatures (input.agentIdFrom) or timelines');
    const { mapping: _mapping, ...readSettings } = readOptions;
    const key =
      cacheable && options.cache !== undefined
        ? runKey({ rules: settings.ruleset.hash, input: settings.ruleset.input ?? null, readSettings, inputFormat: options.inputFormat ?? null, redact: Boolean(options.redact), waivers, conversations: conversations ? [...conversations] : null }, files)
        : undefined;
    const cached = key && options.cache !== undefined ? await readCachedRun(options.cache, key, entryBudgetFor(memoryBudgetBytes)) : undefined;
    const progress = startProgress(io.stderr, inputs, cached || (options.quiet && options.progress === undefined) ? false : options.progress);
    let result: RunResult;
    try {
      if (cached) {
        const { fileErrors, filesRead, seen, ...partial } = cached.head;
        result = { fileErrors, filesRead, seen, partial, report: reportFromStore(cached.entries, [partial]), entries: cached.entries };
        if (!options.quiet) warn(`--cache: input, rules and settings unchanged; report read from ${options.cache} (nothing re-checked)`);
      } else {
        const run: RunOptions = { waivers, memoryBudgetBytes, redact: Boolean(options.redact), conversations, shard, ...engine };
        if (piecewise) {
          const { timelines } = engine;
          const workerData: CheckWorkerData = {
            options,
            memoryBudgetBytes: Math.floor(memoryBudgetBytes / jobs),
            labels: reading.labels && [...reading.labels],
            timelines: timelines && { timezone: timelines.timezone },
            packs: learnedPacks(),
          };
          const pieces: PieceCheck = {
            workerUrl: CHECK_WORKER, workerData, jobs, files: inputs, readOptions: reading, forced: options.inputFormat, minRangeBytes,
            track: (e: AsyncIterable<InputEvent>) => progress.track(e),
            counted: progress.count,
            workersOnly: Boolean(io.env.CHATLINT_TEST_WORKERS_ONLY),
            ...(timelines ? { onDescribed: (described: unknown) => timelines.add(described as FormattedTimeline) } : {}),
          };
          result = await checkPieces(pieces, settings.ruleset, hooks, run);
        } else result = await runCheck(progress.track(events(reading)), settings.ruleset, hooks, run);
      }
    } finally {
      progress.stop();
    }
    if (key && options.cache !== undefined && !cached) {
      const { fileErrors, filesRead, seen, partial } = result;
      // Written from the store one entry at a time, as a shard's partial report is.
      if (!writeCachedRun(options.cache, key, { ...partial, fileErrors, filesRead, seen }, result.entries)) warn(`--cache: cannot write in ${options.cache}; the next run will check again`);
    }
    const { report, identity } = result;
    if (identity && !options.quiet) warn(describeIdentity(identity));
    if (!options.quiet) {
      for (const w of report.unusedWaivers) warn(`${w.source}: waiver matched no finding (${w.conversationId} ${w.ruleId}); prune it if it is stale`);
    }
    hooks.finish();
    assertConversationsFound(conversations, report);
    // Standard input's copy is still there: read again from it, and from the files, telling nobody (the first read told the user).
    const readAgain: ReadAgain = async (wanted, onConversation) => {
      const store = new EntryStore(entryBudgetFor(memoryBudgetBytes));
      try {
        const records = result.readAgain?.(wanted) ?? events({ ...reading, onlyConversations: wanted });
        await runCheck(records, settings.ruleset, {}, { waivers, memoryBudgetBytes, redact: Boolean(options.redact), conversations: wanted, shard, onConversation, entries: store });
      } finally {
        store.close();
      }
    };
    await engine.whileOpen?.(result, readAgain);
    return result;
  }
}

/**
 * The input read once more for a few conversations only (JSON Lines records of others are not parsed), each
 * given to `onConversation` once, checked whole: what a caller that cannot take conversations checked piece by
 * piece (audit's timeline) needs after the run.
 */
export type ReadAgain = (conversations: ReadonlySet<string>, onConversation: (transcript: Transcript) => void) => Promise<void>;

/** A failure to copy standard input (a full disk, most likely) as a usage error that says where to make room. */
const cannotSpool =
  (folder: string) =>
  (error: unknown): never => {
    const code = (error as NodeJS.ErrnoException).code;
    if (!code) throw error;
    throw new UsageError(`standard input: cannot copy it to ${folder} to read it (${code}); set TMPDIR to a folder on a disk with room for the export`);
  };

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
  let entries: EntryStore | undefined;
  let transcripts: TranscriptSpill | TranscriptKeeper | undefined;
  let comparison: Comparison | undefined;
  try {
    const settings = await settingsFrom(options, io);
    const { ruleset, timezone, formatter, csvReport, language, maxErrors, failUnder, baseline } = settings;
    // Timelines (HTML) go to disk as they are checked, like the entries; the store tells them which conversations it supersedes.
    const timelines = !isBinary(formatter) && formatter.needsTranscripts ? keptTimelines(isScored(ruleset), timezone, settings.memoryBudgetBytes, io.env) : undefined;
    transcripts = timelines;
    // Checked conversations past a share of the memory budget go to disk until the report is written.
    entries = timelines instanceof TranscriptSpill ? timelines.storeFor(entryBudgetFor(settings.memoryBudgetBytes)) : new EntryStore(entryBudgetFor(settings.memoryBudgetBytes));
    const run = await readAndCheck(paths, options, settings, io, {
      onConversation: timelines && ((t) => timelines.add(t)),
      entries,
      // Timelines on disk are printed where their conversations are checked, on every thread.
      ...(timelines instanceof TranscriptSpill ? { timelines: { timezone, add: (t: FormattedTimeline) => timelines.addFormatted(t) } } : {}),
    });
    // A run read from --cache has a store of its own.
    entries = run.entries;
    const { report, fileErrors, filesRead, partial, seen } = run;
    if (settings.shard) {
      const unusable = unusableInput(seen, filesRead, fileErrors.length, Boolean(options.strict));
      return await writeShard({ ...partial, context: formatContext(ruleset, timezone) }, run.entries, run.report.summary.conversations, unusable, options, io);
    }

    const toTerminal = !options.output;
    // --quiet shows errors only, in every format (ESLint's meaning); the summary still counts everything.
    // A comparison reads both reports' findings a conversation at a time; what changed waits on disk.
    comparison =
      baseline && options.baseline ? await compareReports({ ...baseline.head, findings: baseline.findings }, report, { baseline: options.baseline, current: options.output ?? '(this run)' }) : undefined;
    const since = comparison?.diff;
    // The diff's wording (and the table widths it needs) is loaded only with --baseline.
    const diffText = since ? await import('../report/diff-format.js') : undefined;
    // The JSON report carries the comparison as `baseline` (a field older readers ignore).
    const compared: ReportSource = since && diffText ? Object.assign({}, report, { baseline: diffText.printableDiff(since) }) : report;
    const shown = options.quiet ? errorsOnly(compared) : compared;
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
    const output = async () => formatter.format(shown, context);
    const toStdout = async () => {
      await writeToStream(io.stdout, await output());
      if (since && diffText && formatter.name === 'pretty') for (const piece of diffText.formatDiff(since, 'pretty', context.color)) await writeToStream(io.stdout, `\n${piece}`);
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
    if (since && diffText && !options.quiet && (options.output || formatter.name !== 'pretty')) {
      warn(diffText.diffSummaryLine(since));
      for (const caveat of diffText.diffCaveats(since)) warn(caveat);
    }
    return exitCode(report, { failUnder, maxErrors, scored: context.scored, newFindings: options.failOnNew ? since?.totals.new : undefined }, options.quiet ? () => undefined : warn);
  } catch (error) {
    if (error instanceof ReportWriteError) return writeFailed(error, options.output, io);
    return usageExitCode(error, io);
  } finally {
    // The report is written (or could not be): what went to disk for it is removed.
    entries?.close();
    if (transcripts instanceof TranscriptSpill) transcripts.close();
    comparison?.close();
  }
}

/**
 * The HTML report's timelines, on disk. Tests make the budgets small (CHATLINT_TEST_TIMELINE_*) to exercise
 * trimming and spilling, and compare with the timelines held in memory (CHATLINT_TEST_TIMELINES_IN_MEMORY).
 */
function keptTimelines(scored: boolean, timezone: string, memoryBudgetBytes: number, env: NodeJS.ProcessEnv): TranscriptSpill | TranscriptKeeper {
  const chars = env.CHATLINT_TEST_TIMELINE_BUDGET_CHARS ? Number(env.CHATLINT_TEST_TIMELINE_BUDGET_CHARS) : DEFAULT_TIMELINE_BUDGET_CHARS;
  if (env.CHATLINT_TEST_TIMELINES_IN_MEMORY) return new TranscriptKeeper(scored, chars);
  // At least 256 KB a run, whatever the budget: a run is two files, and tens of thousands of them cost more than they save.
  const bytes = env.CHATLINT_TEST_TIMELINE_SPILL_BYTES ? Number(env.CHATLINT_TEST_TIMELINE_SPILL_BYTES) : Math.max(256 * 1024, Math.min(DEFAULT_TIMELINE_SPILL_BYTES, entryBudgetFor(memoryBudgetBytes)));
  return new TranscriptSpill(scored, timezone, chars, bytes);
}

/**
 * A shard's output: its partial report, to -o or stdout, for `chatlint merge`. Findings decide at the
 * merge, so a shard exits 0, or 2 when its input is unusable (then -o is left as it was).
 */
async function writeShard(head: ShardHead, entries: EntryStore, conversations: number, unusable: string | null, options: CheckOptions, io: Io): Promise<number> {
  const warn = (text: string) => io.stderr.write(`chatlint: ${text}\n`);
  if (unusable) {
    warn(unusable);
    if (options.output) warn(`partial report not written; ${options.output} is left as it was`);
    return EXIT_USAGE;
  }
  // Written as the entries are read back from the store: a shard never holds its findings.
  const text = partialFileChunks(head, entries);
  if (options.output) {
    await writeReport(options.output, text);
    if (!options.quiet) warn(`wrote ${options.output}: shard ${head.shard.index}/${head.shard.count}, ${conversations} conversations`);
  } else await writeToStream(io.stdout, text);
  return EXIT_OK;
}

/**
 * Writes a report to its -o file (complete or absent; a FIFO or device written into as it is) and says
 * so, with the run's counts. /dev/stdout may be a socket (a parent process's pipe), which cannot be
 * opened by name: it is written to the stream.
 */
export async function writeReportFile(output: string, content: ReportData, report: Pick<Report, 'summary'>, note: (text: string) => void, io: Io): Promise<void> {
  if (STDOUT_NAMES.includes(output)) await writeToStream(io.stdout, content);
  else await writeReport(output, content);
  const s = report.summary;
  note(`wrote ${output}: ${s.conversations} conversations, ${s.messages} messages, ${s.findings} findings, ${s.skippedRecords} skipped records`);
}
