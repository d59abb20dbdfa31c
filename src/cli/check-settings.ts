/** The options of `chatlint check` (shared by audit, review sample and the workers), validated and resolved before any input is read. */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { withInputMap } from '../config/input-section.js';
import { loadRuleset } from '../config/load.js';
import { loadWaivers } from '../config/waivers.js';
import { UsageError } from '../errors.js';
import { ENCODING_CHOICES, type EncodingChoice } from '../input/encoding.js';
import { DEFAULT_MAX_LINE_BYTES } from '../input/options.js';
import { DEFAULT_MAX_MESSAGE_CHARS } from '../input/limits.js';
import { inputFormatNames } from '../input/read.js';
import { parseShard, type Shard } from '../model/shard.js';
import { openReportFile } from '../input/report-file.js';
import { DEFAULT_MEMORY_BUDGET_BYTES } from '../engine/group.js';
import { CSV_REPORTS, isBinary, LANGUAGES, type CsvReport, type Language } from '../report/formatter.js';
import { FORMAT_NAMES, formatFromExtension, loadFormatter } from '../report/formatters/index.js';
import { languageFromEnvironment } from '../report/i18n.js';
import { type Io } from './io.js';
import { assertKnownZone } from '../config/parse.js';

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

export const DEFAULT_MAX_REPEATED_SKIPS = 20;

export function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${option} must be one of: ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

export function nonNegativeInt(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`${option} must be a whole number (got "${value}")`);
  return Number(value);
}

const SIZE_UNITS: Record<string, number> = { b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/**
 * A size such as `512`, `256MB`, `1.5g` or `64KiB` in bytes; a bare number is in `unit`. Units are
 * binary (k = 1024 bytes), as people mean them for memory and line lengths.
 */
export function sizeInBytes(value: string | undefined, option: string, fallbackBytes: number, unit: 'b' | 'm'): number {
  if (value === undefined) return fallbackBytes;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(?:i?b)?|(b))?\s*$/i.exec(value);
  if (!match) throw new UsageError(`${option} must be a size such as ${unit === 'm' ? '256, 256MB or 2GB' : '1048576, 512KB or 1MB'} (got "${value}")`);
  const scale = SIZE_UNITS[(match[2] ?? match[3] ?? unit).toLowerCase()] ?? 1;
  return Math.floor(Number(match[1]) * scale);
}

export function useColor(options: { color?: boolean }, io: Io, toTerminal: boolean): boolean {
  if (options.color === false) return false;
  if (options.color === true) return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return toTerminal && Boolean(io.stdout.isTTY);
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
export async function settingsFrom(options: CheckOptions, io: Io) {
  const ruleFile = loadRuleset({ rules: options.rules, preset: options.preset, allowLarge: Boolean(options.allowLargeRules) });
  const timezone = options.timezone ?? ruleFile.timezone ?? 'UTC';
  assertKnownZone(timezone);
  const encoding: EncodingChoice = oneOf(options.encoding, ENCODING_CHOICES, '--encoding');
  const ruleset = options.map ? withInputMap(ruleFile, options.map) : ruleFile;
  const input = ruleset.input;
  const formatName = options.format ?? (options.output ? formatFromExtension(options.output) : undefined) ?? 'pretty';
  const formatter = await loadFormatter(formatName);
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
  // The baseline's head is read and checked now (a bad file stops the run before it reads anything); its findings on each pass of the comparison.
  const baseline = options.baseline ? await openReportFile(options.baseline) : undefined;
  const readOptions = {
    timezone,
    encoding,
    maxLineBytes: sizeInBytes(options.maxLineBytes, '--max-line-bytes', DEFAULT_MAX_LINE_BYTES, 'b'),
    maxMessageChars: nonNegativeInt(options.maxMessageChars, '--max-message-chars', DEFAULT_MAX_MESSAGE_CHARS),
    agents: [...new Set([...(options.agents ?? '').split(',').map((a) => a.trim()).filter(Boolean), ...(input?.agents ?? [])])],
    mapping: ruleset.mapping,
  };
  if (options.output) assertWritableTarget(options.output);
  const memoryBudgetBytes = sizeInBytes(options.memoryBudget, '--memory-budget', DEFAULT_MEMORY_BUDGET_BYTES, 'm');
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

/** `--conversation a,b --conversation c` as a set of ids, or undefined when not given. */
export function selectedConversations(values: string[] | undefined): Set<string> | undefined {
  if (!values || values.length === 0) return undefined;
  const ids = values.flatMap((v) => v.split(',')).map((id) => id.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError('--conversation needs a conversation id');
  return new Set(ids);
}

export type CheckSettings = Awaited<ReturnType<typeof settingsFrom>>;
