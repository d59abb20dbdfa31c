import { chatlint, type CliOptions, type CliResult } from '../helpers/cli.js';

export const RULES = 'fixtures/hostile/rules.yaml';

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
  return parse(await chatlint(['check', ...args, '--rules', RULES, '-f', 'json'], options));
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
