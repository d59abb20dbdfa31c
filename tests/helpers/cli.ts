import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterEach, beforeEach } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readCase } from '../../scripts/expected-cases.mjs';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/chatlint.js');

/** One record of a JSON Lines export. */
export const jsonLine = (record: object): string => `${JSON.stringify(record)}\n`;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Standard output as bytes (binary formats such as xlsx); in-process runs only. */
  stdoutBytes?: Buffer;
}

export interface CliOptions {
  /** Folder the command runs in; default the repository root. */
  cwd?: string;
  /** Standard input; default empty (closed at once, as a pipe with nothing in it). */
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Standard input is a terminal (in-process only: `chatlint check` with no path then refuses to wait). */
  tty?: boolean;
  /** Standard output is a terminal (in-process only: a binary format is then refused). */
  stdoutTty?: boolean;
  /** Standard error is a terminal (in-process only: where a progress bar may be drawn). */
  stderrTty?: boolean;
}

/** What every run sees: no colour unless asked, the C locale, and regex verdicts kept in memory (nothing written outside the repository). */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: '', FORCE_COLOR: '0', LANG: 'C', CHATLINT_CACHE_DIR: '', ...extra };
}

/** A stream that keeps what is written to it, as the bytes a pipe would carry. */
function capture(): Writable & { text(): string; bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      done();
    },
  });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8'), bytes: () => Buffer.concat(chunks) });
}

/** The output an expected file (fixtures/**\/*.expected, path from the repository root) holds for its command. */
export function expectedOutput(file: string): string {
  return readCase(ROOT, file).output;
}

/**
 * Runs the CLI in this process through main(argv, io), the same code path as bin/chatlint.js without a
 * Node start-up per case. Streams, environment, folder and standard input are the run's own (see Io).
 */
export async function chatlint(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const stdout = Object.assign(capture(), { isTTY: options.stdoutTty });
  const stderr = Object.assign(capture(), { isTTY: options.stderrTty });
  const bytes = options.input === undefined ? [] : [Buffer.from(options.input)];
  const stdin = Object.assign(Readable.from(bytes), { isTTY: options.tty });
  const code = await main(args, { stdout, stderr, stdin, env: environment(options.env), cwd: options.cwd ?? ROOT });
  return { code, stdout: stdout.text(), stderr: stderr.text(), stdoutBytes: stdout.bytes() };
}

/**
 * Runs the built CLI as a separate process (npm test builds first). Only for what a real process is the
 * point of: the exit code of the binary, signals, pipes, resource limits.
 */
export function spawnChatlint(args: string[], options: Omit<CliOptions, 'tty'> = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    env: environment(options.env),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Folders made by tempDir are removed when the test file that made them finishes (tests/setup.ts).
const made: string[] = [];
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh temporary folder with the given files in it, removed after the test file. */
export function tempDir(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatlint-test-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/**
 * Each test of the file runs with TMPDIR set to a fresh folder (restored after), so it sees only the
 * temporary folders its own runs left; returns the current one.
 */
export function scratchTmpdirEachTest(): () => string {
  let scratch = '';
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env['TMPDIR'];
    scratch = tempDir();
    process.env['TMPDIR'] = scratch;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
  });
  return () => scratch;
}

// ---------------------------------------------------------------------------------------------------------
// `check -f json` with the JSON report parsed

/** The rule file the hostile-input tests check with. */
export const HOSTILE_RULES = 'fixtures/hostile/rules.yaml';

export interface Outcome extends CliResult {
  /** The JSON report (when the run printed one). */
  report: {
    summary: { files: number; conversations: number; messages: number; findings: number; skippedRecords: number; recordsRead: number };
    findings: Array<{ ruleId: string; conversationId: string; messageIndex: number; match: string | null; excerpt: string; message: string; seconds: number | null; timestamp: string; agentId: string | null; source: { file: string; line: number | null; record: number } }>;
    skipped: Array<{ file: string; line: number | null; record: number; reason: string }>;
  };
  /** stderr without the `chatlint: ` prefix, one entry per line. */
  errors: string[];
}

function parse(result: CliResult): Outcome {
  let report: Outcome['report'];
  try {
    report = JSON.parse(result.stdout) as Outcome['report'];
  } catch {
    report = { summary: { files: 0, conversations: 0, messages: 0, findings: 0, skippedRecords: 0, recordsRead: 0 }, findings: [], skipped: [] };
  }
  const errors = result.stderr.split('\n').filter(Boolean).map((l) => l.replace(/^chatlint: /, ''));
  return { ...result, report, errors };
}

/** Runs `chatlint check <args> --rules fixtures/hostile/rules.yaml -f json` (in this process) and parses what it printed. */
export async function check(args: string[], options: CliOptions = {}): Promise<Outcome> {
  return parse(await chatlint(['check', ...args, '--rules', HOSTILE_RULES, '-f', 'json'], options));
}

/** Findings as `ruleId@conversation[messageIndex]`, in report order. */
export const found = (outcome: Outcome) => outcome.report.findings.map((f) => `${f.ruleId}@${f.conversationId}[${f.messageIndex}]`);

/** Skips as `line reason` (or `#record reason`). */
export const skips = (outcome: Outcome) => outcome.report.skipped.map((s) => `${s.line !== null ? s.line : `#${s.record}`} ${s.reason}`);

/** read = checked + skipped, the invariant every run keeps. */
export function accountedFor(outcome: Outcome): boolean {
  const s = outcome.report.summary;
  return s.recordsRead === s.messages + s.skippedRecords;
}
