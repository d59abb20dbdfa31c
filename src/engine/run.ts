import type { Ruleset } from '../config/load.js';
import type { SkippedRecord } from '../model/message.js';
import type { Report, Waiver } from '../model/report.js';
import type { InputEvent } from '../input/read.js';
import { ReportBuilder } from './aggregate.js';
import { checkConversation } from './check.js';
import { ConversationCollector } from './group.js';
import { WaiverBook } from './waivers.js';

export interface RunHooks {
  /** Called for each skipped record as it is found (the CLI prints it to stderr). */
  onSkip?(skip: SkippedRecord): void;
  onFileError?(file: string, reason: string): void;
}

export interface RunResult {
  report: Report;
  /** Files that could not be read at all. */
  fileErrors: Array<{ file: string; reason: string }>;
  /** Files that were read (whatever they held). */
  filesRead: number;
}

export const TOOL = { name: 'chatlint', version: '0.1.0' };

export interface RunOptions {
  /** Reviewed false positives. */
  waivers?: readonly Waiver[];
  /** Estimated bytes of messages held in memory before grouping moves to disk. */
  memoryBudgetBytes?: number;
}

/** The middle of the pipeline: input events in, conversations grouped and checked, report out. */
export async function runCheck(
  events: AsyncIterable<InputEvent>,
  ruleset: Ruleset,
  hooks: RunHooks = {},
  options: RunOptions = {},
): Promise<RunResult> {
  const scoringRules = new Map(ruleset.rules.map(({ rule }) => [rule.id, rule]));
  const builder = new ReportBuilder(TOOL, { name: ruleset.name, hash: ruleset.hash }, { ...ruleset.scoring, rules: scoringRules });
  const book = new WaiverBook(options.waivers ?? []);
  const collector = new ConversationCollector(options.memoryBudgetBytes);
  const fileErrors: RunResult['fileErrors'] = [];
  let filesRead = 0;
  for await (const event of events) {
    switch (event.type) {
      case 'message':
        collector.add(event.message);
        break;
      case 'skip':
        builder.addSkip(event.skip);
        hooks.onSkip?.(event.skip);
        break;
      case 'file':
        filesRead++;
        builder.addFile(event.file);
        break;
      case 'file-error': {
        fileErrors.push({ file: event.file, reason: event.reason });
        const skip = { file: event.file, line: null, record: 0, reason: `file not read: ${event.reason}` };
        builder.addSkip(skip);
        hooks.onFileError?.(event.file, event.reason);
        break;
      }
    }
  }
  for (const conversation of collector.drain()) {
    const { kept, waived } = book.apply(checkConversation(ruleset.rules, conversation));
    builder.addConversation(conversation, kept, waived);
  }
  return { report: builder.build(book.unused()), fileErrors, filesRead };
}
