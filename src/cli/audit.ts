import { EntryStore, entryBudgetFor } from '../engine/entry-store.js';
import type { Transcript } from '../model/transcript.js';
import { strings } from '../report/i18n.js';
import { terminalSafe } from '../report/terminal-safe.js';
import { LISTED_CONVERSATIONS, rankConversations, renderConversationList, renderTimeline, type RankedConversations, type TimelineContext } from '../report/timeline.js';
import { isScored, readAndCheck, replyLimitSeconds, usageExitCode } from './check.js';
import { settingsFrom, useColor, type CheckOptions } from './check-settings.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../errors.js';
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
 *
 * Two passes, in bounded memory: a check as `check` runs it (piece by piece, on workers) gives every
 * conversation's summary, read from its store once to rank them (only the worst few are held); then the
 * input is read again for the conversations to show only, which are checked whole into their timelines.
 */
export async function audit(paths: string[], options: AuditOptions, io: Io): Promise<number> {
  let entries: EntryStore | undefined;
  try {
    const width = widthFrom(options.width, io);
    if (width < 0) return EXIT_USAGE;
    const settings = await settingsFrom(options, io);
    const { ruleset } = settings;
    const scored = isScored(ruleset);
    let ranked: RankedConversations | undefined;
    const shown: Transcript[] = [];
    entries = new EntryStore(entryBudgetFor(settings.memoryBudgetBytes));
    const run = await readAndCheck(paths, options, settings, io, {
      entries,
      async whileOpen({ report }, readAgain) {
        if (report.summary.conversations === 0) return;
        // The asked-for conversations (the run checked only those) in report order, else the worst.
        let ids: string[];
        if (options.conversation) ids = Array.from(report.conversations, (c) => c.conversationId);
        else {
          ranked = rankConversations(report.conversations, scored, LISTED_CONVERSATIONS);
          ids = ranked.first.slice(0, 1).map((c) => c.conversationId);
        }
        const byId = new Map<string, Transcript>();
        await readAgain(new Set(ids), (transcript) => byId.set(transcript.conversationId, transcript));
        for (const id of ids) {
          const transcript = byId.get(id);
          if (!transcript) throw new UsageError(`conversation ${JSON.stringify(id)} was not found when the input was read again (did a file change during the run?)`);
          shown.push(transcript);
        }
      },
    });
    if (run.report.summary.conversations === 0) {
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
      scoring: run.report.summary.scoring,
      criticalRules: new Set(ruleset.rules.filter((r) => r.rule.enabled && r.rule.critical).map((r) => r.rule.id)),
    };
    const [worst] = shown;
    if (ranked && worst && ranked.total > 1) {
      io.stdout.write(`${renderConversationList(ranked, context)}\n`);
      io.stdout.write(`${strings(settings.language).auditingWorst.replace('{id}', terminalSafe(worst.conversationId))}\n\n`);
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
