import type { Ruleset } from '../config/ruleset.js';
import type { Conversation, ReadEvent, SkippedRecord } from '../model/message.js';
import type { ConversationSummary, Finding, InputFile, Report, Waiver } from '../model/report.js';
import type { Transcript } from '../model/transcript.js';
import type { InputEvent } from '../input/events.js';
import { TOOL } from '../model/tool.js';
import { buildReport, conversationEntry, policyOf, type PartialReport } from './aggregate.js';
import { inShard, ownsSkip, WHOLE_RUN, type Shard } from '../model/shard.js';
import { checkConversation } from './apply-rules.js';
import { ConversationCollector, type Grouped } from './group.js';
import { MemoryEntrySink } from './entry-sink.js';
import { redactFindings, redactSkip, redactText } from './redact.js';
import { replyDelays } from './reply-delays.js';
import { AgentIdentityStep, type AgentIdFrom, type AgentIdentitySummary } from './identity.js';
import { WaiverBook } from './waivers.js';
import { countRecords, enterPhase } from './progress.js';

export interface RunHooks {
  /** Called for each skipped record as it is found (the CLI prints it to stderr). */
  onSkip?(skip: SkippedRecord): void;
  onFileError?(file: string, reason: string): void;
  /** A file that was read but held no records (empty, or a header only). */
  onEmptyFile?(file: string): void;
  /** A note about a file worth telling the user (the encoding assumed for it). */
  onNote?(file: string, message: string): void;
}

export interface RunResult {
  report: Report;
  /** Files that could not be read at all. */
  fileErrors: Array<{ file: string; reason: string }>;
  /** Files that were read (whatever they held). */
  filesRead: number;
  /** What agent identity resolution did, when input.agentIdFrom is set (also in report.summary.agentIdentity). */
  identity?: AgentIdentitySummary;
  /** What this run found, for merging with other shards (the report is built from it). */
  partial: PartialReport;
  /** Records read in all shards (a shard's report counts only its own): whether the input was usable at all. */
  seen: { recordsRead: number; messages: number; skippedRecords: number };
}

export interface RunOptions {
  /** Reviewed false positives. */
  waivers?: readonly Waiver[];
  /** Estimated bytes of messages held in memory before grouping moves to disk. */
  memoryBudgetBytes?: number;
  /** Mask personal data in excerpts, matches, messages and skip reasons (see engine/redact.ts). */
  redact?: boolean;
  /** Agent ids from signatures; default the ruleset's input.agentIdFrom (rule file, then --map), null for none. */
  agentIdFrom?: AgentIdFrom | null;
  /** Only these conversation ids are grouped, checked and reported (`--conversation`); others are read and left out. */
  conversations?: ReadonlySet<string>;
  /**
   * Called with every checked conversation, its messages, reply delays, findings and score, for timelines
   * (audit, HTML). The caller decides what to keep: the engine itself holds nothing beyond one conversation.
   */
  onConversation?(transcript: Transcript): void;
  /** Check only the conversations of this shard (and keep the skips it owns, see ownsSkip). */
  shard?: Shard;
}

/** A checked conversation as a timeline shows it; texts masked under --redact like the findings. */
function transcriptOf(conversation: Conversation, findings: Finding[], summary: ConversationSummary, redact: boolean): Transcript {
  const delays = replyDelays(conversation);
  return {
    conversationId: conversation.id,
    complete: true,
    messages: conversation.messages.map((m, index) => ({
      index,
      timestamp: new Date(m.timestamp).toISOString(),
      role: m.role,
      agentId: m.agentId ?? null,
      agentName: m.agentName ?? null,
      text: redact ? redactText(m.text) : m.text,
      replySeconds: delays[index] ?? null,
    })),
    findings,
    summary,
  };
}

/**
 * An exact duplicate (same conversation, time, role, agent and text) is checked once; the copy is a skip,
 * listed in read order (file, then record) however grouping met it.
 */
const duplicateSkip =
  (redact: boolean) =>
  ({ copy, original }: Grouped['duplicates'][number]): SkippedRecord => {
    const at = original.source.line !== null ? `:${original.source.line}` : `#${original.source.record}`;
    const skip = { ...copy.source, reason: `duplicate of ${original.source.file}${at}` };
    return redact ? redactSkip(skip) : skip;
  };

/** The rules whose patterns were trusted without analysis, for the report (absent when none). */
function trustedPatterns(ruleset: Ruleset): { trustedPatterns?: string[] } {
  const trusted = ruleset.rules.filter(({ rule }) => rule.trustPatterns).map(({ rule }) => rule.id);
  return trusted.length > 0 ? { trustedPatterns: trusted } : {};
}

/** The middle of the pipeline: input events in, conversations grouped and checked, report out. */
export async function runCheck(
  events: AsyncIterable<InputEvent>,
  ruleset: Ruleset,
  hooks: RunHooks = {},
  options: RunOptions = {},
): Promise<RunResult> {
  const shard = options.shard ?? WHOLE_RUN;
  const scoring = {
    ...ruleset.scoring,
    rules: ruleset.rules.map(({ rule }): PartialReport['scoring']['rules'][number] => [rule.id, { points: rule.points, maxPoints: rule.maxPoints, critical: rule.critical }]),
  };
  const policy = policyOf(scoring);
  const files: string[] = [];
  const readOrder: string[] = [];
  const readSkips: SkippedRecord[] = [];
  // Each input as reading met it, with the records and skips this run accounts for.
  const inputs = new Map<string, InputFile>();
  const input = (file: string): InputFile => {
    let known = inputs.get(file);
    if (!known) inputs.set(file, (known = { path: file, format: null, encoding: null, records: 0, skipped: 0 }));
    return known;
  };
  const countSkip = (skip: SkippedRecord) => {
    const counted = input(skip.file);
    counted.records++;
    counted.skipped++;
  };
  const sink = new MemoryEntrySink();
  const seen = { recordsRead: 0, messages: 0, skippedRecords: 0 };
  const book = new WaiverBook(options.waivers ?? []);
  const collector = new ConversationCollector(options.memoryBudgetBytes);
  const addSkip = (given: SkippedRecord) => {
    const skip = options.redact ? redactSkip(given) : given;
    readSkips.push(skip);
    countSkip(given);
    hooks.onSkip?.(skip);
  };
  // Records since the last 'file' event, to tell the user about files that held none.
  let current: { file: string; records: number } | undefined;
  const endFile = () => {
    if (current && current.records === 0) hooks.onEmptyFile?.(current.file);
    current = undefined;
  };
  const fileErrors: RunResult['fileErrors'] = [];
  let filesRead = 0;
  const agentIdFrom = options.agentIdFrom === undefined ? ruleset.input?.agentIdFrom : options.agentIdFrom;
  const identity = agentIdFrom ? new AgentIdentityStep(agentIdFrom) : undefined;
  // Every shard reads every record; each keeps the conversations that hash to it and the skips it owns.
  const addRecord = (event: ReadEvent) => {
    if (current) current.records++;
    seen.recordsRead++;
    countRecords(1);
    if (event.type === 'message') {
      seen.messages++;
      const id = event.message.conversationId;
      if (inShard(id, shard) && (!options.conversations || options.conversations.has(id))) collector.add(event.message);
    } else if (event.type === 'skip') {
      seen.skippedRecords++;
      if (event.shardOwned || ownsSkip(event.skip, shard)) addSkip(event.skip);
    } else seen.messages++; // another shard's record, most likely a message
  };
  await enterPhase('reading');
  let spilling = false;
  for await (const event of events) {
    if (!spilling && collector.spilled) {
      spilling = true;
      await enterPhase('spilling');
    }
    switch (event.type) {
      case 'message':
      case 'skip':
      case 'elsewhere':
        addRecord(event);
        break;
      case 'batch':
        for (const record of event.events) addRecord(record);
        break;
      case 'file':
        endFile();
        current = { file: event.file, records: 0 };
        filesRead++;
        if (!files.includes(event.file)) files.push(event.file);
        if (!readOrder.includes(event.file)) readOrder.push(event.file);
        Object.assign(input(event.file), { format: input(event.file).format ?? event.format, encoding: input(event.file).encoding ?? event.encoding });
        break;
      case 'file-error': {
        // A file that failed after it started (a CSV without a header) is an error, not an empty file.
        if (current?.file === event.file) current = undefined;
        endFile();
        const reason = options.redact ? redactSkip({ file: event.file, line: null, record: 0, reason: event.reason }).reason : event.reason;
        fileErrors.push({ file: event.file, reason });
        const skip = { file: event.file, line: null, record: 0, reason: `file not read: ${reason}` };
        seen.recordsRead++;
        seen.skippedRecords++;
        if (!readOrder.includes(event.file)) readOrder.push(event.file);
        input(event.file);
        if (ownsSkip(skip, shard)) {
          readSkips.push(skip);
          countSkip(skip);
        }
        hooks.onFileError?.(event.file, reason);
        break;
      }
      case 'note':
        hooks.onNote?.(event.file, event.message);
        break;
    }
  }
  endFile();
  if (!spilling && collector.spilled) await enterPhase('spilling');
  await enterPhase('grouping');
  for (const { conversation: grouped, duplicates } of collector.drain()) {
    const conversation = identity ? identity.apply(grouped) : grouped;
    const { kept, waived } = book.apply(checkConversation(ruleset.rules, conversation));
    if (options.redact) {
      redactFindings(conversation, kept);
      redactFindings(conversation, waived);
    }
    const entry = conversationEntry(conversation, kept, waived, policy, duplicates.map(duplicateSkip(Boolean(options.redact))));
    sink.add(entry);
    options.onConversation?.(transcriptOf(conversation, kept, entry.summary, Boolean(options.redact)));
  }
  const partial: PartialReport = {
    chatlintPartial: 1,
    tool: TOOL,
    ruleset: { name: ruleset.name, hash: ruleset.hash, file: ruleset.file, ...trustedPatterns(ruleset) },
    scoring,
    shard,
    files,
    inputs: [...inputs.values()],
    readOrder,
    readSkips,
    conversations: sink.entries(),
    waivers: [...(options.waivers ?? [])],
  };
  const report = buildReport([partial]);
  // Duplicates are known once their conversation is grouped: they reach stderr after the read skips, in report order.
  const duplicateSkips = report.skipped.slice(readSkips.length);
  for (const skip of duplicateSkips) hooks.onSkip?.(skip);
  // A duplicate was read as a message and counts as a skip.
  seen.messages -= duplicateSkips.length;
  seen.skippedRecords += duplicateSkips.length;
  if (!identity) return { report, fileErrors, filesRead, partial, seen };
  return { report: identity.annotate(report), fileErrors, filesRead, identity: identity.summary(), partial, seen };
}
