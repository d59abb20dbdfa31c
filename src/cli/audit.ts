import { EntryStore, entryBudgetFor } from '../engine/entry-store.js';
import { materialize } from '../model/report.js';
import type { Transcript } from '../model/transcript.js';
import { strings } from '../report/i18n.js';
import { terminalSafe } from '../report/terminal-safe.js';
import { renderConversationList, renderTimeline, worstFirst, type TimelineContext } from '../report/timeline.js';
import { isScored, readAndCheck, replyLimitSeconds, usageExitCode } from './check.js';
import { settingsFrom, useColor, type CheckOptions } from './check-settings.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../errors.js';
import type { Io } from './io.js';

export interface AuditOptions extends Omit<CheckOptions, 'format' | 'output' | 'csvReport' | 'bom'> {
  /** Columns to wrap to (default: the terminal's, else 100). */
  width?: string;
}

const DEFAULT_WIDTH = 100;

function widthFrom(option: string | undefined, io: Io): number {
  if (option !== undefined) {
    if (!/^\d+$/.test(option) || Number(option) < 20) {
      io.stderr.write(`chatlint: --width must be a whole number of columns, at least 20 (got "${option}")\n`);
      return -1;
    }
    return Number(option);
  }
  const columns = (io.stdout as { columns?: number }).columns;
  return io.stdout.isTTY && columns && columns >= 20 ? columns : DEFAULT_WIDTH;
}

/**
 * `chatlint audit <file> [--conversation <id>]`: a conversation as a timeline for a team lead. Without
 * --conversation, a file with several conversations lists them worst first, then shows the worst.
 * Exit codes as check: 1 when a shown conversation has an error finding.
 */
export async function audit(paths: string[], options: AuditOptions, io: Io): Promise<number> {
  let entries: EntryStore | undefined;
  try {
    const width = widthFrom(options.width, io);
    if (width < 0) return EXIT_USAGE;
    const settings = await settingsFrom(options, io);
    const { ruleset } = settings;
    const scored = isScored(ruleset);
    const order = worstFirst(scored);
    const chosen = new Set(options.conversation ?? []);
    const shown: Transcript[] = [];
    let worst: Transcript | undefined;
    // Only the conversations to show are kept: the asked-for ones, else the worst seen so far.
    entries = new EntryStore(entryBudgetFor(settings.memoryBudgetBytes));
    const run = await readAndCheck(paths, { ...options, csvReport: 'findings' }, settings, io, {
      onConversation(transcript) {
        if (chosen.size > 0) shown.push(transcript);
        else if (!worst || order(transcript.summary, worst.summary) < 0) worst = transcript;
      },
      entries,
      // The worst so far cannot be taken back: each conversation is checked once.
      eachConversationOnce: true,
    });
    // A timeline is for people: the report is read into memory.
    const report = materialize(run.report);
    if (report.conversations.length === 0) {
      io.stderr.write('chatlint: no conversations in the input\n');
      return EXIT_USAGE;
    }
    const context: TimelineContext = {
      color: useColor(options, io, true),
      language: settings.language,
      timezone: settings.timezone,
      width,
      replyLimitSeconds: replyLimitSeconds(ruleset),
      scored,
      scoring: report.summary.scoring,
      criticalRules: new Set(ruleset.rules.filter((r) => r.rule.enabled && r.rule.critical).map((r) => r.rule.id)),
    };
    if (chosen.size === 0 && worst) {
      if (report.conversations.length > 1) {
        io.stdout.write(`${renderConversationList(report.conversations, context)}\n`);
        io.stdout.write(`${strings(settings.language).auditingWorst.replace('{id}', terminalSafe(worst.conversationId))}\n\n`);
      }
      shown.push(worst);
    }
    shown.forEach((transcript, i) => io.stdout.write(`${i > 0 ? '\n' : ''}${renderTimeline(transcript, context)}`));
    return shown.some((t) => t.findings.some((f) => f.severity === 'error')) ? EXIT_FINDINGS : EXIT_OK;
  } catch (error) {
    return usageExitCode(error, io);
  } finally {
    // What went to disk for the report is removed, however the run ended.
    entries?.close();
  }
}
