import type { Ruleset } from '../config/ruleset.js';
import type { Conversation, Message, ReadEvent, SkippedRecord } from '../model/message.js';
import type { ConversationSummary, Finding, InputFile, ReportSource, Waiver } from '../model/report.js';
import type { Transcript } from '../model/transcript.js';
import type { InputEvent } from '../input/events.js';
import { TOOL } from '../model/tool.js';
import { conversationEntry, policyOf, reportFromStore, type ConversationEntry, type PartialHead, type PartialScoring } from './aggregate.js';
import { inShard, ownsSkip, WHOLE_RUN, type Shard } from '../model/shard.js';
import { checkConversation, isoTimestamp } from './apply-rules.js';
import { ConversationCollector, DEFAULT_MEMORY_BUDGET_BYTES, EvictingGrouper, type Grouped, type LineWindow } from './group.js';
import { EntryStore } from './entry-store.js';
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
  /** The report, its big lists read from `entries` on each pass. */
  report: ReportSource;
  /** Files that could not be read at all. */
  fileErrors: Array<{ file: string; reason: string }>;
  /** Files that were read (whatever they held). */
  filesRead: number;
  /** What agent identity resolution did, when input.agentIdFrom is set (also in report.summary.agentIdentity). */
  identity?: AgentIdentitySummary;
  /** What this run found besides its entries, for merging with other shards (partial-file.ts writes it with them). */
  partial: PartialHead;
  /** The checked conversations' entries the report reads; whoever made the run closes it (removing what went to disk). */
  entries: EntryStore;
  /** Records read in all shards (a shard's report counts only its own): whether the input was usable at all. */
  seen: { recordsRead: number; messages: number; skippedRecords: number };
  /**
   * The input's records of some of the checked conversations, read again where the run saw them (checked piece
   * by piece: only the lines where they lie; JSON Lines records of others are not parsed). Skips and notes
   * among them were counted the first time.
   */
  readAgain?: (conversations: ReadonlySet<string>) => AsyncIterable<InputEvent>;
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
   * Checked piece by piece (checkPieces, in this thread), a conversation checked early and again whole
   * (its later records were read after memory ran short, or another piece had some) is given again: the
   * later call replaces the earlier. runCheck gives each conversation once.
   */
  onConversation?(transcript: Transcript): void;
  /** Check only the conversations of this shard (and keep the skips it owns, see ownsSkip). */
  shard?: Shard;
  /** Where checked conversations' entries go (default: a store of the default budget); the caller closes it. */
  entries?: EntryStore;
}

/** What reading accounted for, apart from the conversations: the read-level half of a partial report. */
export interface ReadAccount {
  files: string[];
  readOrder: string[];
  inputs: InputFile[];
  readSkips: SkippedRecord[];
  fileErrors: Array<{ file: string; reason: string }>;
  filesRead: number;
  seen: { recordsRead: number; messages: number; skippedRecords: number };
}

/** A checked conversation as a timeline shows it; texts masked under --redact like the findings. */
function transcriptOf(conversation: Conversation, findings: Finding[], summary: ConversationSummary, redact: boolean): Transcript {
  const delays = replyDelays(conversation);
  return {
    conversationId: conversation.id,
    complete: true,
    messages: conversation.messages.map((m, index) => ({
      index,
      timestamp: isoTimestamp(m.timestamp),
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

/** The skips of a conversation without duplicates (most), shared: nobody adds to an entry's list. */
const NO_SKIPS: SkippedRecord[] = [];
Object.freeze(NO_SKIPS);

/** The rules whose patterns were trusted without analysis, for the report (absent when none). */
function trustedPatterns(ruleset: Ruleset): { trustedPatterns?: string[] } {
  const trusted = ruleset.rules.filter(({ rule }) => rule.trustPatterns).map(({ rule }) => rule.id);
  return trusted.length > 0 ? { trustedPatterns: trusted } : {};
}

/** Scoring as a partial report carries it, from the ruleset. */
export function scoringOf(ruleset: Ruleset): PartialScoring {
  return {
    ...ruleset.scoring,
    rules: ruleset.rules.map(({ rule }): PartialScoring['rules'][number] => [rule.id, { points: rule.points, maxPoints: rule.maxPoints, critical: rule.critical }]),
  };
}

/**
 * Takes input events one at a time and keeps the read-level accounts (files, inputs, read skips, file
 * errors), handing every message this run keeps (its shard, the selected conversations) to `onMessage`.
 */
export class Reading {
  readonly files: string[] = [];
  readonly readOrder: string[] = [];
  readonly readSkips: SkippedRecord[] = [];
  readonly fileErrors: ReadAccount['fileErrors'] = [];
  readonly seen = { recordsRead: 0, messages: 0, skippedRecords: 0 };
  filesRead = 0;
  // Each input as reading met it, with the records and skips reading accounts for.
  private readonly inputs = new Map<string, InputFile>();
  // Records since the last 'file' event, to tell the user about files that held none.
  private current: { file: string; records: number } | undefined;
  private readonly shard: Shard;

  constructor(
    private readonly hooks: RunHooks,
    private readonly options: Pick<RunOptions, 'shard' | 'conversations' | 'redact'>,
    private readonly onMessage: (message: Message) => void,
  ) {
    this.shard = options.shard ?? WHOLE_RUN;
  }

  private input(file: string): InputFile {
    let known = this.inputs.get(file);
    if (!known) this.inputs.set(file, (known = { path: file, format: null, encoding: null, records: 0, skipped: 0 }));
    return known;
  }

  private countSkip(skip: SkippedRecord): void {
    const counted = this.input(skip.file);
    counted.records++;
    counted.skipped++;
  }

  private endFile(): void {
    if (this.current && this.current.records === 0) this.hooks.onEmptyFile?.(this.current.file);
    this.current = undefined;
  }

  // Every shard reads every record; each keeps the conversations that hash to it and the skips it owns.
  private record(event: ReadEvent): void {
    if (this.current) this.current.records++;
    this.seen.recordsRead++;
    if (event.type === 'message') {
      this.seen.messages++;
      const id = event.message.conversationId;
      if (inShard(id, this.shard) && (!this.options.conversations || this.options.conversations.has(id))) this.onMessage(event.message);
    } else if (event.type === 'skip') {
      this.seen.skippedRecords++;
      if (event.shardOwned || ownsSkip(event.skip, this.shard)) {
        const skip = this.options.redact ? redactSkip(event.skip) : event.skip;
        this.readSkips.push(skip);
        this.countSkip(event.skip);
        this.hooks.onSkip?.(skip);
      }
    } else this.seen.messages++; // another shard's record, most likely a message
  }

  take(event: InputEvent): void {
    switch (event.type) {
      case 'message':
      case 'skip':
      case 'elsewhere':
        countRecords(1);
        this.record(event);
        break;
      case 'batch':
        countRecords(event.events.length);
        for (const record of event.events) this.record(record);
        break;
      case 'file': {
        this.endFile();
        this.current = { file: event.file, records: 0 };
        this.filesRead++;
        if (!this.files.includes(event.file)) this.files.push(event.file);
        if (!this.readOrder.includes(event.file)) this.readOrder.push(event.file);
        const input = this.input(event.file);
        Object.assign(input, { format: input.format ?? event.format, encoding: input.encoding ?? event.encoding });
        break;
      }
      case 'file-error': {
        // A file that failed after it started (a CSV without a header) is an error, not an empty file.
        if (this.current?.file === event.file) this.current = undefined;
        this.endFile();
        const reason = this.options.redact ? redactSkip({ file: event.file, line: null, record: 0, reason: event.reason }).reason : event.reason;
        this.fileErrors.push({ file: event.file, reason });
        const skip = { file: event.file, line: null, record: 0, reason: `file not read: ${reason}` };
        this.seen.recordsRead++;
        this.seen.skippedRecords++;
        if (!this.readOrder.includes(event.file)) this.readOrder.push(event.file);
        this.input(event.file);
        if (ownsSkip(skip, this.shard)) {
          this.readSkips.push(skip);
          this.countSkip(skip);
        }
        this.hooks.onFileError?.(event.file, reason);
        break;
      }
      case 'note':
        this.hooks.onNote?.(event.file, event.message);
        break;
    }
  }

  /** The end of the input: the accounts as they stand. */
  finish(): ReadAccount {
    this.endFile();
    const { files, readOrder, readSkips, fileErrors, filesRead, seen } = this;
    return { files, readOrder, inputs: [...this.inputs.values()], readSkips, fileErrors, filesRead, seen };
  }
}

/** Agent identity from signatures, when the options (else the rule file) ask for it. */
export function identityStep(ruleset: Ruleset, options: RunOptions): AgentIdentityStep | undefined {
  const agentIdFrom = options.agentIdFrom === undefined ? ruleset.input?.agentIdFrom : options.agentIdFrom;
  return agentIdFrom ? new AgentIdentityStep(agentIdFrom) : undefined;
}

/** Checks grouped conversations: identity (when given), rules, waivers, redaction, the entry; tells onConversation. */
export function conversationChecker(ruleset: Ruleset, options: RunOptions, identity?: AgentIdentityStep): (grouped: Grouped) => ConversationEntry {
  const policy = policyOf(scoringOf(ruleset));
  const book = new WaiverBook(options.waivers ?? []);
  const redact = Boolean(options.redact);
  const toSkip = duplicateSkip(redact);
  return ({ conversation: grouped, duplicates, file }) => {
    const conversation = identity ? identity.apply(grouped) : grouped;
    const { kept, waived } = book.apply(checkConversation(ruleset.rules, conversation));
    if (redact) {
      redactFindings(conversation, kept);
      redactFindings(conversation, waived);
    }
    const entry = conversationEntry(conversation, kept, waived, policy, duplicates.length === 0 ? NO_SKIPS : duplicates.map(toSkip), file);
    options.onConversation?.(transcriptOf(conversation, kept, entry.summary, redact));
    return entry;
  };
}

/**
 * Reads events, grouping conversations in bounded memory (see EvictingGrouper): each grouped conversation
 * goes to `onGrouped` (with the lines its records lie between) as memory runs short or at the end, each reopened one to `onReopen`. Returns the read
 * accounts and the reopened conversations with the lines their records lie between, which the caller
 * re-checks whole.
 */
export async function groupEvicting(
  events: AsyncIterable<InputEvent>,
  hooks: RunHooks,
  options: RunOptions,
  onGrouped: (grouped: Grouped, window: LineWindow) => void,
  onReopen: (conversationId: string) => void,
): Promise<{ account: ReadAccount; reopened: Map<string, LineWindow> }> {
  const grouper = new EvictingGrouper(options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES, onGrouped, onReopen);
  const reading = new Reading(hooks, options, (message) => grouper.add(message));
  for await (const event of events) reading.take(event);
  const account = reading.finish();
  grouper.finish();
  return { account, reopened: grouper.reopened };
}

/**
 * Groups every message of `events` that belongs to `wanted` (all when undefined): in memory up to the
 * budget, past it through the disk spill. Each grouped conversation goes to `onGrouped`.
 */
export async function groupWhole(
  events: AsyncIterable<InputEvent>,
  memoryBudgetBytes: number | undefined,
  onGrouped: (grouped: Grouped) => void,
  taking: (add: (message: Message) => void) => (event: InputEvent) => void,
): Promise<void> {
  const collector = new ConversationCollector(memoryBudgetBytes);
  const take = taking((message) => collector.add(message));
  let spilling = false;
  for await (const event of events) {
    if (!spilling && collector.spilled) {
      spilling = true;
      await enterPhase('spilling');
    }
    take(event);
  }
  if (!spilling && collector.spilled) await enterPhase('spilling');
  await enterPhase('grouping');
  for (const grouped of collector.drain()) onGrouped(grouped);
}

/** The messages of the wanted conversations among re-read events (the rest, and skips, were counted the first time). */
export function messagesOf(wanted: ReadonlySet<string>): (add: (message: Message) => void) => (event: InputEvent) => void {
  return (add) => {
    const one = (event: ReadEvent) => {
      if (event.type === 'message' && wanted.has(event.message.conversationId)) add(event.message);
    };
    return (event) => {
      if (event.type === 'batch') for (const record of event.events) one(record);
      else if (event.type === 'message') one(event);
    };
  };
}

/**
 * The middle of the pipeline: input events in, conversations grouped and checked, report out. Every message
 * is held (past the budget, on disk) until the input ends, so each conversation is checked once: the way
 * for input that cannot be read again (standard input cut short) and for a few conversations read again to be
 * checked whole (audit's timelines). Files otherwise go through checkPieces (engine/workers.ts), which checks
 * conversations as memory runs short.
 */
export async function runCheck(
  events: AsyncIterable<InputEvent>,
  ruleset: Ruleset,
  hooks: RunHooks = {},
  options: RunOptions = {},
): Promise<RunResult> {
  const sink = options.entries ?? new EntryStore();
  const identity = identityStep(ruleset, options);
  const check = conversationChecker(ruleset, options, identity);
  await enterPhase('reading');
  let reading: Reading | undefined;
  await groupWhole(events, options.memoryBudgetBytes, (grouped) => sink.add(check(grouped)), (add) => {
    const taking = new Reading(hooks, options, add);
    reading = taking;
    return (event) => taking.take(event);
  });
  const account = (reading as Reading | undefined)?.finish() ?? new Reading(hooks, options, () => undefined).finish();
  return finishRun(ruleset, options, hooks, account, sink, identity);
}

/** The report and result of a run from its read accounts and the entries that count. */
export function finishRun(
  ruleset: Ruleset,
  options: RunOptions,
  hooks: RunHooks,
  account: ReadAccount,
  entries: EntryStore,
  identity?: AgentIdentityStep,
): RunResult {
  const { files, readOrder, inputs, readSkips, fileErrors, filesRead, seen } = account;
  const partial: PartialHead = {
    chatlintPartial: 1,
    tool: TOOL,
    ruleset: { name: ruleset.name, hash: ruleset.hash, file: ruleset.file, ...trustedPatterns(ruleset) },
    scoring: scoringOf(ruleset),
    shard: options.shard ?? WHOLE_RUN,
    files,
    inputs,
    readOrder,
    readSkips,
    waivers: [...(options.waivers ?? [])],
  };
  const report = reportFromStore(entries, [partial]);
  // Duplicates are known once their conversation is grouped: they reach stderr after the read skips, in report order.
  const duplicateSkips = report.skipped.slice(readSkips.length);
  for (const skip of duplicateSkips) hooks.onSkip?.(skip);
  // A duplicate was read as a message and counts as a skip.
  seen.messages -= duplicateSkips.length;
  seen.skippedRecords += duplicateSkips.length;
  if (!identity) return { report, fileErrors, filesRead, partial, entries, seen };
  return { report: identity.annotate(report), fileErrors, filesRead, identity: identity.summary(), partial, entries, seen };
}
