import { reportFromStore } from '../engine/aggregate.js';
import { EntryStore } from '../engine/entry-store.js';
import { NotPartialFile, readPartialFile, readPartialHead } from '../engine/partial-file.js';
import { ChatlintError, EXIT_USAGE, UsageError } from '../errors.js';
import { CSV_REPORTS, isBinary, LANGUAGES, type CsvReport, type Language } from '../report/formatter.js';
import { FORMAT_NAMES, formatFromExtension, loadFormatter } from '../report/formatters/index.js';
import { languageFromEnvironment } from '../report/i18n.js';
import { terminalSafe } from '../report/terminal-safe.js';
import { ReportWriteError, writeToStream } from '../report/write.js';
import { writeReportFile, type ShardHead } from './check.js';
import { nonNegativeInt, oneOf, useColor } from './check-settings.js';
import { errorsOnly, exitCode, unusableInput } from './gates.js';
import { reportError, writeFailed, type Io } from './io.js';

export interface MergeOptions {
  format?: string;
  output?: string;
  csvReport?: string;
  bom?: boolean;
  lang?: string;
  maxErrors?: string;
  failUnder?: string;
  quiet?: boolean;
  color?: boolean;
}

/** A shard file's head read back (see partial-file.ts), or the reason it is not one. */
async function readShardHead(path: string): Promise<ShardHead> {
  let part: Partial<ShardHead>;
  try {
    part = (await readPartialHead(path)) as Partial<ShardHead>;
  } catch (error) {
    throw notShard(path, error);
  }
  if (part.chatlintPartial !== 1 || !part.shard || !part.context) {
    throw new UsageError(`${path}: not a partial report (write one with chatlint check --shard k/n)`);
  }
  return part as ShardHead;
}

function notShard(path: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code) return new UsageError(`${path}: cannot read it (${code})`);
  if (error instanceof NotPartialFile) return new UsageError(`${path}: ${error.message}: it is not a file written by chatlint check --shard`);
  throw error;
}

/** The shards of one run, each once and all of them, in shard order; a usage error naming what is wrong. */
async function completeShards(paths: string[]): Promise<Array<{ path: string; head: ShardHead }>> {
  if (paths.length === 0) throw new UsageError('merge: give the partial reports written by chatlint check --shard k/n');
  const parts: Array<{ path: string; head: ShardHead }> = [];
  for (const path of paths) parts.push({ path, head: await readShardHead(path) });
  const first = parts[0] as (typeof parts)[number];
  const count = first.head.shard.count;
  const byIndex = new Map<number, string>();
  for (const { path, head: part } of parts) {
    if (part.tool.version !== first.head.tool.version) throw new UsageError(`${path}: written by chatlint ${part.tool.version}, ${first.path} by ${first.head.tool.version}`);
    if (part.ruleset.hash !== first.head.ruleset.hash) throw new UsageError(`${path}: checked with other rules (ruleset ${part.ruleset.hash}) than ${first.path} (${first.head.ruleset.hash})`);
    if (part.shard.count !== count) throw new UsageError(`${path}: is shard ${part.shard.index}/${part.shard.count}, ${first.path} is one of ${count}`);
    const other = byIndex.get(part.shard.index);
    if (other) throw new UsageError(`${path} and ${other} are both shard ${part.shard.index}/${count}`);
    byIndex.set(part.shard.index, path);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !byIndex.has(k));
  if (missing.length > 0) throw new UsageError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} missing: a merged report needs every shard`);
  return parts.sort((a, b) => a.head.shard.index - b.head.shard.index);
}

/** Every shard's conversations into the store (past its budget, on disk), and each shard's head with its waivers. */
async function readShards(parts: Array<{ path: string; head: ShardHead }>, store: EntryStore): Promise<ShardHead[]> {
  const heads: ShardHead[] = [];
  for (const { path } of parts) {
    let whole: Partial<ShardHead>;
    try {
      whole = (await readPartialFile(path, (entry) => store.add(entry))) as Partial<ShardHead>;
    } catch (error) {
      throw notShard(path, error);
    }
    if (!Array.isArray(whole.waivers)) throw new UsageError(`${path}: not a partial report (write one with chatlint check --shard k/n)`);
    heads.push(whole as ShardHead);
  }
  return heads;
}

/**
 * `chatlint merge part*.json`: joins the partial reports of `check --shard k/n` (every shard 1..n, once, of
 * the same rules and tool version) into the report one run over everything would have written.
 */
export async function merge(paths: string[], options: MergeOptions, io: Io): Promise<number> {
  const warn = (text: string) => io.stderr.write(`chatlint: ${text}\n`);
  let store: EntryStore | undefined;
  try {
    const formatName = options.format ?? (options.output ? formatFromExtension(options.output) : undefined) ?? 'pretty';
    const formatter = await loadFormatter(formatName);
    if (!formatter) throw new UsageError(`--format must be one of: ${FORMAT_NAMES.join(', ')} (got "${formatName}")`);
    if (isBinary(formatter) && !options.output && io.stdout.isTTY) throw new UsageError(`--format ${formatter.name} writes a binary file: give -o report.${formatter.name}`);
    const csvReport: CsvReport = oneOf(options.csvReport ?? 'findings', CSV_REPORTS, '--csv-report');
    const language: Language = options.lang ? oneOf(options.lang, LANGUAGES, '--lang') : languageFromEnvironment(io.env);
    const failUnder = options.failUnder === undefined ? undefined : Number(options.failUnder);
    if (failUnder !== undefined && !(Number.isFinite(failUnder) && failUnder >= 0 && failUnder <= 100)) {
      throw new UsageError(`--fail-under must be a score from 0 to 100, such as 80 (got "${options.failUnder}")`);
    }
    const maxErrors = nonNegativeInt(options.maxErrors, '--max-errors', 0);
    const parts = await completeShards(paths);
    // The shards' conversations are read one at a time into a store (past its budget, on disk) and the report is
    // written from it, so merging a big night holds no more than checking it did.
    store = new EntryStore();
    const heads = await readShards(parts, store);
    const report = reportFromStore(store, heads);
    // --quiet shows errors only, as in check; the summary still counts everything.
    const shown = options.quiet ? errorsOnly(report) : report;
    const context = { color: formatter.name === 'pretty' && useColor(options, io, !options.output), language, csvReport, bom: Boolean(options.bom), ...(heads[0] as ShardHead).context };
    const output = async () => formatter.format(shown, context);
    const unusable = unusableInput(report.summary, report.summary.files, 0, false);
    if (unusable) {
      warn(unusable);
      return EXIT_USAGE;
    }
    if (options.output) await writeReportFile(options.output, await output(), report, options.quiet ? () => undefined : warn, io);
    else await writeToStream(io.stdout, await output());
    return exitCode(report, { failUnder, maxErrors, scored: context.scored, newFindings: undefined }, options.quiet ? () => undefined : warn);
  } catch (error) {
    if (error instanceof ChatlintError) return reportError(error, io, terminalSafe);
    if (error instanceof ReportWriteError) return writeFailed(error, options.output, io);
    throw error;
  } finally {
    // What went to disk for the report is removed, however the merge ended.
    store?.close();
  }
}
