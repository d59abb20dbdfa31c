import { resolve } from 'node:path';
import { loadRuleset } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import { loadWaivers } from '../config/waivers.js';
import { discoverFiles, UsageError } from '../input/discover.js';
import { ENCODINGS, type Encoding } from '../input/encoding.js';
import { DEFAULT_MAX_LINE_BYTES } from '../input/options.js';
import { inputFormatNames, readFiles, readInput, type InputEvent } from '../input/read.js';
import { openInput } from '../input/source.js';
import { assertTimeZone, TimeZoneError } from '../input/timestamps.js';
import { runCheck } from '../engine/run.js';
import { DEFAULT_MEMORY_BUDGET_BYTES } from '../engine/group.js';
import type { SkippedRecord } from '../model/message.js';
import { CSV_REPORTS, LANGUAGES, type CsvReport, type Language } from '../report/formatter.js';
import { findFormatter, FORMAT_NAMES } from '../report/formatters/index.js';
import { languageFromEnvironment } from '../report/i18n.js';
import { terminalSafe } from '../report/terminal-text.js';
import { writeFileAtomic } from '../report/write.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

export interface CheckOptions {
  rules?: string;
  preset?: string;
  format?: string;
  output?: string;
  csvReport: string;
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
  waivers?: string;
  failUnder?: string;
  memoryBudget?: string;
}

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

const MAX_SKIPS_ON_STDERR = 50;

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${option} must be one of: ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

function nonNegativeInt(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`${option} must be a whole number (got "${value}")`);
  return Number(value);
}

/** The format a report file's extension implies, so `-o report.json` needs no --format. */
function formatFromExtension(path: string): string | undefined {
  const ext = path.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  return ext === 'json' ? 'json' : ext === 'ndjson' || ext === 'jsonl' ? 'ndjson' : ext === 'csv' ? 'csv' : undefined;
}

export function useColor(options: { color?: boolean }, io: Io, toTerminal: boolean): boolean {
  if (options.color === false) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return toTerminal && Boolean(io.stdout.isTTY);
}

/** `chatlint check`: read, check, report. Returns the exit code; never throws for bad input or configuration. */
export async function check(paths: string[], options: CheckOptions, io: Io): Promise<number> {
  const warn = (text: string) => io.stderr.write(`chatlint: ${text}\n`);
  try {
    const ruleset = loadRuleset({ rules: options.rules, preset: options.preset });
    const timezone = options.timezone ?? ruleset.timezone ?? 'UTC';
    assertTimeZone(timezone);
    const encoding: Encoding = oneOf(options.encoding, ENCODINGS, '--encoding');
    const formatName = options.format ?? (options.output ? formatFromExtension(options.output) : undefined) ?? 'pretty';
    const formatter = findFormatter(formatName);
    if (!formatter) throw new UsageError(`--format must be one of: ${FORMAT_NAMES.join(', ')} (got "${formatName}")`);
    const csvReport: CsvReport = oneOf(options.csvReport, CSV_REPORTS, '--csv-report');
    const language: Language = options.lang ? oneOf(options.lang, LANGUAGES, '--lang') : languageFromEnvironment(io.env);
    if (options.inputFormat) oneOf(options.inputFormat, inputFormatNames(), '--input-format');
    const maxErrors = nonNegativeInt(options.maxErrors, '--max-errors', 0);
    const failUnder = options.failUnder === undefined ? undefined : Number(options.failUnder);
    if (failUnder !== undefined && !(Number.isFinite(failUnder) && failUnder >= 0)) {
      throw new UsageError(`--fail-under must be a score such as 80 (got "${options.failUnder}")`);
    }
    const waivers = options.waivers ? loadWaivers(options.waivers) : [];
    const readOptions = {
      timezone,
      encoding,
      maxLineBytes: nonNegativeInt(options.maxLineBytes, '--max-line-bytes', DEFAULT_MAX_LINE_BYTES),
      agents: (options.agents ?? '').split(',').map((a) => a.trim()).filter(Boolean),
    };

    const readsStdin = paths.length === 0 || paths.includes('-');
    if (paths.length === 0 && io.stdin.isTTY) {
      throw new UsageError('no input: give files, directories or glob patterns, or pipe an export into standard input');
    }
    const filePaths = paths.filter((p) => p !== '-');
    if (options.output && filePaths.some((p) => resolve(p) === resolve(options.output as string))) {
      throw new UsageError(`${options.output}: refusing to write the report over an input file`);
    }
    // A report written inside a folder being checked must not be read back as input on the next run.
    const files = await discoverFiles(filePaths, options.output ? [options.output] : []);

    async function* events(): AsyncIterable<InputEvent> {
      if (readsStdin) yield* readInput(await openInput('<stdin>', io.stdin), readOptions, options.inputFormat);
      yield* readFiles(files, readOptions, options.inputFormat);
    }

    let skipsSeen = 0;
    const hooks = {
      onSkip(skip: SkippedRecord) {
        if (!options.quiet && skipsSeen++ < MAX_SKIPS_ON_STDERR) {
          warn(`${terminalSafe(skip.file)}${skip.line !== null ? `:${skip.line}` : `#${skip.record}`}: skipped: ${terminalSafe(skip.reason)}`);
        }
      },
      onFileError(file: string, reason: string) {
        warn(`${terminalSafe(file)}: ${terminalSafe(reason)}`);
      },
    };
    const memoryBudgetBytes = nonNegativeInt(options.memoryBudget, '--memory-budget', DEFAULT_MEMORY_BUDGET_BYTES / 2 ** 20) * 2 ** 20;
    const { report, fileErrors, filesRead } = await runCheck(events(), ruleset, hooks, { waivers, memoryBudgetBytes });
    if (!options.quiet) {
      for (const w of report.unusedWaivers) warn(`${w.source}: waiver matched no finding (${w.conversationId} ${w.ruleId}); prune it if it is stale`);
    }
    if (skipsSeen > MAX_SKIPS_ON_STDERR) warn(`… ${skipsSeen - MAX_SKIPS_ON_STDERR} more skipped records (all are listed in the report)`);

    const toTerminal = !options.output;
    const text = formatter.format(report, {
      color: formatter.name === 'pretty' && useColor(options, io, toTerminal),
      language,
      timezone,
      csvReport,
      bom: Boolean(options.bom),
      ruleIds: ruleset.rules.filter((r) => r.rule.enabled).map((r) => r.rule.id),
      scored: ruleset.rules.some((r) => r.rule.enabled && (r.rule.points || r.rule.critical)),
    });
    if (options.output) {
      writeFileAtomic(options.output, text);
      if (!options.quiet) {
        const s = report.summary;
        warn(`wrote ${options.output}: ${s.conversations} conversations, ${s.messages} messages, ${s.findings} findings, ${s.skippedRecords} skipped records`);
      }
    } else {
      io.stdout.write(text);
    }

    if (filesRead === 0 && fileErrors.length > 0) return EXIT_USAGE;
    if (report.summary.messages === 0 && report.summary.skippedRecords > 0) {
      warn('no usable records in the input');
      return EXIT_USAGE;
    }
    if (options.strict && report.summary.skippedRecords > 0) {
      warn(`--strict: ${report.summary.skippedRecords} records were skipped`);
      return EXIT_USAGE;
    }
    const average = report.summary.averageScore;
    if (failUnder !== undefined && average !== null && average < failUnder) {
      if (!options.quiet) warn(`average score ${average} is below --fail-under ${failUnder}`);
      return EXIT_FINDINGS;
    }
    return report.summary.bySeverity.error > maxErrors ? EXIT_FINDINGS : EXIT_OK;
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) warn(problem);
      return EXIT_USAGE;
    }
    if (error instanceof UsageError || error instanceof TimeZoneError) {
      warn(error.message);
      return EXIT_USAGE;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOENT' || code === 'EISDIR' || code === 'EROFS' || code === 'ENOSPC') {
      warn(`${(error as Error).message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
