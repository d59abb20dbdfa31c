import { z } from 'zod';
import { once } from './once.js';

/** Bumped when a field is renamed or removed; adding fields keeps it. */
export const SCHEMA_VERSION = 1;

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export const severitySchema = once(() => z.enum(SEVERITIES));
export type Severity = z.infer<ReturnType<typeof severitySchema>>;

/**
 * The report's schemas, built on first use: they check reports read back (merge, diff, --baseline) and
 * give the report's types, while a check writes its report from the engine's own values. Building them as
 * the command line started was 3% of a one-transcript check's instructions.
 */
export const reportSchemas = once(() => {
  const source = z.object({
    file: z.string(),
    /** 1-based line in the file, or null for formats without lines (JSON). */
    line: z.number().int().nullable(),
    /** 1-based record number within the file. */
    record: z.number().int(),
  });

  const finding = z.object({
    ruleId: z.string(),
    kind: z.string(),
    severity: severitySchema(),
    agentId: z.string().nullable(),
    agentName: z.string().nullable(),
    conversationId: z.string(),
    /** 0-based position of the message in the conversation, in time order. */
    messageIndex: z.number().int(),
    /** ISO 8601 UTC time of that message. */
    timestamp: z.string(),
    /** The rule's message with placeholders filled in. */
    message: z.string(),
    /** The matched text, when the rule matched text. */
    match: z.string().nullable(),
    /** Offset of the match in the message text (UTF-16 units), when the rule matched text. */
    offset: z.number().int().nullable(),
    /** The measured delay in seconds, for timing rules. */
    seconds: z.number().nullable(),
    /** The message text around the match (whole text for short messages). */
    excerpt: z.string(),
    source,
  });

  const skipped = z.object({
    file: z.string(),
    line: z.number().int().nullable(),
    record: z.number().int(),
    reason: z.string(),
  });

  /** Score statistics over a set of scored conversations (an agent's, or the whole run's). */
  const scoreStats = z.object({
    conversationsScored: z.number().int(),
    averageScore: z.number().nullable(),
    medianScore: z.number().nullable(),
    /** Share of scored conversations at or above the pass mark, 0–1. */
    passRate: z.number().nullable(),
    /** Conversations failed by a bottom-line (critical) rule. */
    criticalCount: z.number().int(),
  });

  /** An account whose messages nobody signed in some conversations, so they count under the account's id. */
  const unresolvedAccount = z.object({
    account: z.string(),
    conversations: z.number().int(),
    messages: z.number().int(),
  });

  /** `summary.agentIdentity`: what reading agent ids from signatures (input.agentIdFrom) did. */
  const agentIdentitySummary = z.object({
    pattern: z.string(),
    appliesTo: z.enum(['agent', 'customer', 'bot', 'system']),
    /** Messages whose text carried a signature. */
    signedMessages: z.number().int(),
    /** Unsigned messages given to the one agent who signed for their account in the conversation. */
    attributedMessages: z.number().int(),
    /** Messages left on the account's id: nobody signed in that conversation, or several agents did. */
    accountMessages: z.number().int(),
    unresolvedAccounts: z.array(unresolvedAccount),
  });

  /** How an agent got its id: from signatures, or it is an account's own id (nobody signed). */
  const agentIdentityKind = z.enum(['signed', 'account']);

  const agentSummary = z.object({
    agentId: z.string(),
    agentName: z.string().nullable(),
    conversations: z.number().int(),
    messages: z.number().int(),
    findings: z.number().int(),
    byRule: z.record(z.string(), z.number().int()),
    ...scoreStats.shape,
    /** Present when the rule file reads agent ids from signatures. */
    identity: agentIdentityKind.optional(),
  });

  /** One conversation's score: base minus deductions (floored at 0), or 0 when a critical rule fired. */
  const conversationSummary = z.object({
    conversationId: z.string(),
    agents: z.array(z.string()),
    startedAt: z.string(),
    messages: z.number().int(),
    findings: z.number().int(),
    score: z.number(),
    passed: z.boolean(),
    critical: z.boolean(),
    deductions: z.record(z.string(), z.number()),
    /** Each agent's own score in this conversation, from the findings attributed to them. */
    agentScores: z.record(z.string(), z.number()),
    source: z.object({ file: z.string() }),
  });

  const waiver = z.object({
    conversationId: z.string(),
    ruleId: z.string(),
    messageIndex: z.number().int().nullable(),
    reason: z.string(),
    reviewer: z.string().nullable(),
    date: z.string().nullable(),
    /** Where the waiver is written: waiver file and line or entry number. */
    source: z.string(),
  });

  const waivedFinding = finding.extend({ waiver: waiver });

  /** `summary.inputs[]`: how each input was read, so a user can see which reader took which file. */
  const inputFile = z.object({
    path: z.string(),
    /** The format it was read as (an `--input-format` name, or `empty`); null when it could not be read. */
    format: z.string().nullable(),
    /** The encoding it was decoded from (`utf8`, `utf16le`, `gb18030`, `big5` …); null when it could not be read. */
    encoding: z.string().nullable(),
    /** Records read from it: records = its messages + skipped. */
    records: z.number().int(),
    skipped: z.number().int(),
  });

  const summary = z.object({
    files: z.number().int(),
    /** One entry per input, in the order read (`files` counts those that were read). */
    inputs: z.array(inputFile),
    conversations: z.number().int(),
    messages: z.number().int(),
    findings: z.number().int(),
    skippedRecords: z.number().int(),
    /** Every record read: recordsRead = messages + skippedRecords. */
    recordsRead: z.number().int(),
    bySeverity: z.object({ error: z.number().int(), warning: z.number().int(), info: z.number().int() }),
    /** Findings left out of counts and scores by a reviewed waiver. */
    waived: z.number().int(),
    scoring: z.object({ base: z.number(), passMark: z.number() }),
    ...scoreStats.shape,
    /** Present when the rule file reads agent ids from signatures. */
    agentIdentity: agentIdentitySummary.optional(),
  });

  const report = z.object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    tool: z.object({ name: z.string(), version: z.string() }),
    ruleset: z.object({
      name: z.string(),
      hash: z.string(),
      /** The rule file the run used (after the walk up from the working folder); absent in older reports. */
      file: z.string().optional(),
      /** Rules whose patterns were not checked for catastrophic backtracking (`trustPatterns: true`); absent when none. */
      trustedPatterns: z.array(z.string()).optional(),
    }),
    summary,
    agents: z.array(agentSummary),
    findings: z.array(finding),
    skipped: z.array(skipped),
    conversations: z.array(conversationSummary),
    waived: z.array(waivedFinding),
    /** Waivers that matched no finding, so stale ones can be pruned. */
    unusedWaivers: z.array(waiver),
  });

  return { source, finding, skipped, scoreStats, unresolvedAccount, agentIdentitySummary, agentIdentityKind, agentSummary, conversationSummary, waiver, waivedFinding, inputFile, summary, report };
});
type ReportSchemas = ReturnType<typeof reportSchemas>;
export type Finding = z.infer<ReportSchemas['finding']>;
export type ScoreStats = z.infer<ReportSchemas['scoreStats']>;
export type UnresolvedAccount = z.infer<ReportSchemas['unresolvedAccount']>;
export type AgentIdentitySummary = z.infer<ReportSchemas['agentIdentitySummary']>;
export type AgentIdentityKind = z.infer<ReportSchemas['agentIdentityKind']>;
export type ConversationSummary = z.infer<ReportSchemas['conversationSummary']>;
export type Waiver = z.infer<ReportSchemas['waiver']>;
export type AgentSummary = z.infer<ReportSchemas['agentSummary']>;
export type InputFile = z.infer<ReportSchemas['inputFile']>;
export type Report = z.infer<ReportSchemas['report']>;

/** The report's lists that grow with the input (one entry per finding, skip, conversation or waived finding). */
export const REPORT_LISTS = ['findings', 'skipped', 'conversations', 'waived'] as const;
export type ReportList = (typeof REPORT_LISTS)[number];

/**
 * A report whose big lists are sequences in report order, each read afresh on every pass: arrays in
 * memory, or merged from the engine's sorted runs on disk. A plain Report is one; everything else (the
 * head: summary, agents, unusedWaivers …) is plain data.
 */
export type ReportSource = Omit<Report, ReportList> & { readonly [K in ReportList]: Iterable<Report[K][number]> };

/** A source with every list in memory: what formatters for people, diffs and timelines work on. Keys keep their order. */
export function materialize<S extends ReportSource>(source: S): Omit<S, ReportList> & Pick<Report, ReportList> {
  if (REPORT_LISTS.every((list) => Array.isArray(source[list]))) return source as Omit<S, ReportList> & Pick<Report, ReportList>;
  return {
    ...source,
    findings: [...source.findings],
    skipped: [...source.skipped],
    conversations: [...source.conversations],
    waived: [...source.waived],
  };
}

/** A sequence that can be read again: each pass calls `produce` anew. */
export function replayable<T>(produce: () => Iterator<T>): Iterable<T> {
  return { [Symbol.iterator]: produce };
}

/** The items of a sequence that `keep` accepts, read lazily on each pass. */
export function filtered<T>(items: Iterable<T>, keep: (item: T) => boolean): Iterable<T> {
  return replayable(function* () {
    for (const item of items) if (keep(item)) yield item;
  });
}

/**
 * Elements of a list as `JSON.stringify(report, null, 2)` prints them inside a report's top-level list (four
 * spaces in, ",\n" between, no comma after the last); '' for an empty list. A list nested as deep as the
 * report nests it comes out indented as the report indents it, and only the wrapper's lines are cut off.
 */
export function jsonElements(items: readonly unknown[]): string {
  if (items.length === 0) return '';
  // '{\n  "a": [\n' … '\n  ]\n}'
  return JSON.stringify({ a: items }, null, 2).slice(WRAP_HEAD, -WRAP_TAIL);
}
const WRAP_HEAD = '{\n  "a": [\n'.length;
const WRAP_TAIL = '\n  ]\n}'.length;

/** Where a list that was printed ahead (see PrintedList) gives its elements' text. */
export const PRINTED_ELEMENTS = Symbol('chatlint.printedElements');

/**
 * A report list whose elements were printed ahead, as jsonElements prints them: iterated, it gives the
 * elements; its PRINTED_ELEMENTS method gives the same elements as UTF-8, in pieces of one or more
 * elements (none empty), so the JSON writer copies bytes instead of stringifying objects.
 */
export interface PrintedList<T> extends Iterable<T> {
  [PRINTED_ELEMENTS](): Iterable<Uint8Array>;
}

export function printedList<T>(produce: () => Iterator<T>, printed: () => Iterator<Uint8Array>): PrintedList<T> {
  return { [Symbol.iterator]: produce, [PRINTED_ELEMENTS]: () => ({ [Symbol.iterator]: printed }) };
}

/** The printed elements of a list, when it has them (a list filtered or rebuilt since has not). */
export function printedElements(list: unknown): Iterable<Uint8Array> | undefined {
  return typeof list === 'object' && list !== null && PRINTED_ELEMENTS in list ? (list as PrintedList<unknown>)[PRINTED_ELEMENTS]() : undefined;
}
