import { Command, CommanderError, Option } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_PRESET } from '../config/presets.js';
import { EXIT_USAGE } from '../errors.js';
import { TOOL } from '../model/tool.js';
import { ENCODING_CHOICES } from '../input/encoding.js';
import { inputFormatNames } from '../input/read.js';
import { CSV_REPORTS, DIFF_FORMATS, LANGUAGES } from '../report/formatter.js';
import { FORMAT_NAMES } from '../report/formatters/index.js';
import type { CheckOptions } from './check-settings.js';
import { sanitized, sanitizedText, withStreams, type Io } from './io.js';
import type { MergeOptions } from './merge.js';
import type { DiffOptions } from './diff.js';
import type { AuditOptions } from './audit.js';
import type { RulesOptions } from './rules.js';
import type { ReviewSampleOptions, ReviewScoreOptions } from './review.js';

// Each command's module is imported when that command runs: `--version`, `--help` and a small `check`
// load only what they use (start-up time is most of a small run).
/** Repeatable options (`--conversation a --conversation b`) collect into a list. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Which rules to use: the same three options wherever rules are loaded. */
function withRuleFile(command: Command): Command {
  return command
    .option('-r, --rules <file>', 'rule file (YAML or JSON); default: the nearest chatlint.yaml (or .chatlint.yaml, .yml, .json) from here up to the repository root, else the built-in zh-CN pack')
    .option('-p, --preset <name>', `built-in rule pack (default ${DEFAULT_PRESET})`)
    .option('--allow-large-rules', 'accept a rule file over 1 MiB or with more than 10,000 phrases and patterns');
}

/** How to read an export: the same options for every command that reads one. */
function withInputOptions(command: Command): Command {
  return command
    .option('--timezone <zone>', "IANA time zone for timestamps without an offset (default: the rule file's, else UTC)")
    .addOption(
      new Option('--encoding <encoding>', 'input text encoding (auto: UTF-8, UTF-16 with or without a byte-order mark, GB18030 or Big5, said on stderr)')
        .choices(ENCODING_CHOICES)
        .default('auto'),
    )
    .option('--map <file>', "YAML or JSON file naming the export's columns, role values and time format (the rule file's input: keys, at top level); overrides the rule file's")
    .addOption(new Option('--input-format <format>', 'force an input format instead of detecting it').choices(inputFormatNames()))
    .option('--agents <names>', 'comma-separated display names of agents, for exports that do not mark staff (WhatsApp)');
}

function withColorOptions(command: Command): Command {
  return command
    .option('--color', 'colours even when not writing to a terminal')
    .option('--no-color', 'no colours (NO_COLOR and FORCE_COLOR are honoured too)');
}

/** Wires the commands; all behaviour lives in the modules they call. Resolves to the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  return io.cwd === undefined ? runCommand(argv, io) : inFolder(io.cwd, () => runCommand(argv, io));
}

let folderQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs a command with the process in `cwd`. Commands keep paths as the user wrote them (reports and
 * messages show them so) and let the file system resolve them against the process's folder, so an Io
 * with its own cwd (an in-process test) moves the process there for the run and back after. Such runs
 * take turns, so two of them never see each other's folder.
 */
function inFolder<T>(cwd: string, command: () => Promise<T>): Promise<T> {
  const run = folderQueue.then(async () => {
    const before = process.cwd();
    process.chdir(resolve(cwd));
    try {
      return await command();
    } finally {
      process.chdir(before);
    }
  });
  folderQueue = run.catch(() => undefined);
  return run;
}

async function runCommand(argv: string[], given: Io): Promise<number> {
  let exitCode = 0;
  // Everything printed for a person goes through one sanitising step; check's report (stdout) is
  // exact (JSON, CSV) or already made safe by the pretty formatter, which adds its own colours.
  // Each made on first use, as the process's own are (processIo).
  const io = withStreams(given, { stdout: () => sanitized(given.stdout), stderr: () => sanitizedText(given.stderr) });
  const reportIo = withStreams(given, { stderr: () => io.stderr });
  const program = new Command()
    .name('chatlint')
    .description('Check customer-service chat logs against a service standard and report violations per agent.')
    .version(TOOL.version)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });

  const checkCommand = program
    .command('check')
    .description('check chat exports (files, directories, glob patterns, or - for standard input)')
    .argument('[paths...]', 'files, directories (searched for .jsonl .ndjson .json .csv .tsv, .txt .html transcripts a product format recognises, their .gz/.zst forms, and .zip archives) or glob patterns');
  withInputOptions(withRuleFile(checkCommand))
    .addOption(new Option('-f, --format <format>', 'report format (default pretty, or from the -o extension)').choices(FORMAT_NAMES))
    .option('-o, --output <file>', 'write the report to a file (complete or absent: written to a temporary file, then renamed)')
    .addOption(new Option('--csv-report <kind>', 'CSV rows: one per finding (default), agent or conversation; csv only').choices(CSV_REPORTS))
    .option('--bom', 'start CSV output with a UTF-8 byte-order mark (for Excel); csv only')
    .addOption(new Option('--lang <language>', 'language of the reports for people: pretty and html (default from LANG)').choices(LANGUAGES))
    .option('--max-errors <n>', 'exit 0 while there are at most n error findings')
    .option('--fail-under <score>', "decide the exit code on the score alone: 1 when the run's average conversation score (0-100) is below this")
    .option('--baseline <report>', "compare with an earlier JSON report: new, resolved and unchanged findings (pretty: a section at the end; json: a baseline field)")
    .option('--fail-on-new', 'with --baseline: exit 1 when any finding is new, whatever the baseline already had')
    .option('--waivers <file>', 'reviewed false positives (CSV or YAML: conversationId, ruleId, messageIndex, reason, reviewer, date)')
    .option('--max-line-bytes <size>', 'skip (and report) any input line longer than this (bytes, or with a unit: 512KB, 4MB)')
    .option('--max-message-chars <n>', 'skip (and report) any message whose text is longer than this many characters (default 100000)')
    .option('--redact', 'mask e-mail addresses, phone numbers, Chinese ID numbers and bank card numbers in excerpts, matches and messages')
    .option('--max-repeated-skips <n>', 'on stderr, list at most n skips with the same reason per file, then one line with the count (default 20; the JSON report keeps them all)')
    .option('--strict', 'exit 2 when any record had to be skipped')
    .option('--memory-budget <size>', 'estimated memory for messages held while grouping (MB, or with a unit: 512MB, 2GB); past it the least recently active conversations are checked early (default 16, shared by the workers)')
    .option('--jobs <n>', 'threads that read and check files (and parts of big JSON Lines files) side by side: this one and N-1 workers (default: one per core for inputs of 192 MB or more, else 1; 1 runs everything in one thread); the report is the same for any number')
    .option('--cache <dir>', 'keep partial reports in dir, keyed by the input files\' contents, tool version, rules and settings: a re-run over unchanged input checks nothing')
    .option('--shard <k/n>', 'check only the conversations of shard k of n (by a hash of the conversation id) and write a partial report for `chatlint merge`')
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .option('--no-progress', 'never show the progress bar (default: on a terminal, for runs over a second)')
    .option('--print-config', 'print the effective rules (after extends) as YAML and exit; reads no input')
    .option('-q, --quiet', 'report error findings only (warnings and info hidden in every format) and no notes on stderr')
    .option('--conversation <id>', 'report only this conversation (repeatable, or comma-separated ids)', collect);
  withColorOptions(checkCommand).action(async (paths: string[], options: CheckOptions & { printConfig?: boolean }) => {
    exitCode = options.printConfig ? (await import('./rules.js')).printConfig(options, io) : await (await import('./check.js')).check(paths, options, reportIo);
  });

  const mergeCommand = program
    .command('merge')
    .description('join the partial reports of check --shard k/n into the report one run would have written')
    .argument('<parts...>', 'the partial reports, one per shard (part*.json)')
    .addOption(new Option('-f, --format <format>', 'report format (default pretty, or from the -o extension)').choices(FORMAT_NAMES))
    .option('-o, --output <file>', 'write the report to a file (complete or absent)')
    .addOption(new Option('--csv-report <kind>', 'CSV rows: one per finding, agent or conversation').choices(CSV_REPORTS).default('findings'))
    .option('--bom', 'start CSV output with a UTF-8 byte-order mark (for Excel)')
    .addOption(new Option('--lang <language>', 'language of the pretty report (default from LANG)').choices(LANGUAGES))
    .option('--max-errors <n>', 'exit 0 while there are at most n error findings')
    .option('--fail-under <score>', "exit 1 when the run's average conversation score is below this")
    .option('-q, --quiet', 'report error findings only (warnings and info hidden in every format) and no notes on stderr');
  withColorOptions(mergeCommand).action(async (parts: string[], options: MergeOptions) => {
    exitCode = await (await import('./merge.js')).merge(parts, options, io);
  });

  const auditCommand = program
    .command('audit')
    .description("one conversation as a timeline (times in the rule file's zone): every message, reply delays, findings under their message, the score; without --conversation, the conversations worst first, then the worst")
    .argument('<paths...>', 'an export (file, directory, glob pattern, or - for standard input)')
    .option('--conversation <id>', 'the conversation to show (repeatable, or comma-separated ids)', collect);
  withInputOptions(withRuleFile(auditCommand))
    .addOption(new Option('--lang <language>', 'language of the labels (default from LANG)').choices(LANGUAGES))
    .option('--width <columns>', 'wrap to this many columns (default: the terminal width, else 100)')
    .option('--waivers <file>', 'reviewed false positives')
    .option('--redact', 'mask e-mail addresses, phone numbers, Chinese ID numbers and bank card numbers')
    .option('--memory-budget <size>', 'as for check: estimated memory for messages held while grouping (default 16)')
    .option('--jobs <n>', 'as for check: threads that read and check the input, this one and N-1 workers (the conversations shown are then read again in this one)')
    .option('-q, --quiet', 'print errors only');
  withColorOptions(auditCommand).action(async (paths: string[], options: AuditOptions) => {
    exitCode = await (await import('./audit.js')).audit(paths, options, reportIo);
  });

  const rules = program
    .command('rules')
    .description('list the effective rules: id, kind, severity, points, description')
    .option('-r, --rules <file>', 'rule file (YAML or JSON)')
    .option('-p, --preset <name>', 'built-in rule pack')
    .option('--explain <id>', "print one rule's full options and exactly what it checks")
    .option('--allow-large-rules', 'accept a rule file over 1 MiB or with more than 10,000 phrases and patterns')
    .action(async (options: RulesOptions) => {
      exitCode = (await import('./rules.js')).listRules(options, io);
    });
  rules
    .command('test')
    .description("run every rule's pass/fail examples; exit 1 when a rule misbehaves")
    .option('-r, --rules <file>', 'rule file (YAML or JSON)')
    .option('-p, --preset <name>', 'built-in rule pack')
    .option('--allow-large-rules', 'accept a rule file over 1 MiB or with more than 10,000 phrases and patterns')
    .action(async (options: RulesOptions, command: Command) => {
      // `--rules` may be parsed by the parent `rules` command (both define it), so merge the two.
      exitCode = (await import('./rules.js')).testRules({ ...command.parent?.opts<RulesOptions>(), ...options }, io);
    });

  const review = program.command('review').description('measure rule precision on your own data: sample findings for a reviewer, then score the verdicts');
  const reviewSampleCommand = review
    .command('sample')
    .description('a reproducible random sample of findings per rule, with conversation context and empty verdict/note columns (CSV)')
    .argument('<paths...>', 'exports to check (files, directories or glob patterns)')
    .option('--per-rule <n>', 'findings sampled per rule', '40')
    .option('--seed <n>', 'seed of the sample: the same seed and findings give the same sample on any machine', '1')
    .option('--before <n>', 'messages of context before the flagged one', '2')
    .option('--after <n>', 'messages of context after the flagged one', '1')
    .option('-o, --output <file>', 'write the sheet to a file (.csv) instead of standard output')
    .option('--bom', 'start the CSV with a UTF-8 byte-order mark (for Excel)')
    .option('-q, --quiet', 'print errors only');
  withInputOptions(withRuleFile(reviewSampleCommand)).action(async (paths: string[], options: ReviewSampleOptions) => {
    exitCode = await (await import('./review.js')).reviewSample(paths, options, reportIo);
  });
  review
    .command('score')
    .description('per-rule precision with a 95% Wilson interval from a reviewed sheet, worst rules first')
    .argument('<sheet>', 'the CSV from review sample, with verdicts filled in (y/n, tp/fp, 1/0, ✓/✗, 对/错, 是/否)')
    .option('--examples <file>', 'write the reviewed findings as rule examples (false positives as pass, confirmed as fail) in a rule file extending the sampled pack')
    .action(async (sheet: string, options: ReviewScoreOptions) => {
      exitCode = await (await import('./review.js')).reviewScore(sheet, options, io);
    });

  program
    .command('diff')
    .description('compare two JSON reports (e.g. last night and tonight): findings new, resolved and unchanged per agent and rule, score change')
    .argument('<baseline>', 'the earlier report (check --format json)')
    .argument('<current>', 'the later report')
    .addOption(new Option('-f, --format <format>', 'pretty (default, or from the -o extension), json or csv').choices(DIFF_FORMATS))
    .option('-o, --output <file>', 'write the diff to a file (complete or absent)')
    .option('--fail-on-new', 'exit 1 when any finding is new (something got worse); otherwise the diff exits 0')
    .option('--color', 'colours even when not writing to a terminal')
    .option('--no-color', 'no colours')
    .action(async (baseline: string, current: string, options: DiffOptions) => {
      exitCode = await (await import('./diff.js')).diff(baseline, current, options, reportIo);
    });

  program
    .command('schema')
    .description('print the JSON Schema for rule files (for editors), or the rules reference with --markdown')
    .option('--markdown', 'print the rules reference (docs/rules.md) instead')
    .action(async (options: { markdown?: boolean }) => {
      given.stdout.write(options.markdown ? (await import('../config/reference.js')).rulesReference() : `${JSON.stringify((await import('../config/json-schema.js')).ruleFileJsonSchema(), null, 2)}\n`);
    });

  program
    .command('init')
    .description('write a commented starter chatlint.yaml that extends a built-in pack')
    .addOption(new Option('-p, --preset <name>', 'pack to extend').default('zh-CN'))
    .option('-o, --output <file>', 'file to write', 'chatlint.yaml')
    .option('--force', 'replace an existing file')
    .action(async (options: { preset: string; output: string; force?: boolean }) => {
      exitCode = await (await import('./init.js')).init(options, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are not failures; everything else commander rejects is a usage error.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    throw error;
  }
  return exitCode;
}
