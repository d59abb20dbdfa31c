import type { ConversationSummary, ReportSource, Severity } from '../model/report.js';
import type { Transcript } from '../model/transcript.js';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export const CSV_REPORTS = ['findings', 'agents', 'conversations'] as const;
export type CsvReport = (typeof CSV_REPORTS)[number];
/** The formats of `chatlint diff` (here, not in diff-format.ts, so the command line is declared without loading it). */
export const DIFF_FORMATS = ['pretty', 'json', 'csv'] as const;

export interface FormatterContext {
  color: boolean;
  language: Language;
  /** IANA zone in which times are shown to people (machine formats always use UTC). */
  timezone: string;
  csvReport: CsvReport;
  /** Prefix CSV with a UTF-8 byte-order mark so Excel reads Chinese text correctly. */
  bom: boolean;
  /** Rule ids in pack order, for stable per-rule columns. */
  ruleIds: string[];
  /** Whether any rule deducts points or is critical; without, scores say nothing and are not shown to people. */
  scored: boolean;
  /** The response-time limit in seconds (the first enabled response-time rule's), for colouring reply delays. */
  replyLimitSeconds?: number | null;
  /** Bottom-line rules (any finding sets the score to 0), named where a score is explained. */
  criticalRuleIds?: string[];
  /** For formatters that show timelines (needsTranscripts): what the run kept of its conversations. */
  transcripts?: TranscriptSet | TimelineStream;
}

/** What a run keeps for timelines: whole conversations with findings, and every reply delay. */
export interface TranscriptSet {
  byConversation: ReadonlyMap<string, Transcript>;
  /** Every agent reply's delay in seconds, across all conversations (findings or not). */
  replyDelays: readonly number[];
}

/** A finding as a timeline shows it: message position, rule, severity, offset, match, the rule's message. */
export type TimelineFinding = [messageIndex: number, ruleId: string, severity: Severity, offset: number | null, match: string | null, message: string];

/** A conversation's timeline as the HTML report embeds it. */
export interface PageTimeline {
  /** Whole (true), or only the messages that have findings. */
  complete: boolean;
  /** Its messages as the page's JSON prints them: the elements of the array, script-safe, without the brackets. */
  messages: string | Uint8Array;
  findings: TimelineFinding[];
}

/** One conversation of the report as the HTML report shows it: its table row, its reply delays, its timeline. */
export interface PageConversation {
  summary: Pick<ConversationSummary, 'conversationId' | 'startedAt' | 'agents' | 'messages' | 'findings' | 'score' | 'passed' | 'critical' | 'deductions' | 'source'>;
  /** Its agent replies' delays in seconds. */
  delays: readonly number[];
  /** Its timeline when it has findings, else null: read only when asked for (a pass for the table never reads it), while it is the pass's current one. */
  timeline(): PageTimeline | null;
}

/**
 * What a run kept of its conversations for timelines, on disk: every conversation of the report in report
 * order, read afresh on each pass (so a night of any size is written in bounded memory).
 */
export interface TimelineStream {
  conversations(): Iterable<PageConversation>;
  /** What a pass over the conversations would count, when known without one. */
  totals?(): TimelineTotals | undefined;
}

/** Counts over every conversation of the report: how many have each score, how many replies took each delay, and the rules deducted for. */
export interface TimelineTotals {
  scores: ReadonlyMap<number, number>;
  delays: ReadonlyMap<number, number>;
  deducted: ReadonlySet<string>;
}

export function isTimelineStream(set: TranscriptSet | TimelineStream): set is TimelineStream {
  return 'conversations' in set;
}

/**
 * Every output format: a report in, text out (ESLint's `(results, context) → string`), as a sequence of
 * chunks so a night with a million findings never has to fit in one string (V8 caps strings at ~512 MB).
 * The report is a ReportSource: its big lists are sequences that may be merged from disk on each pass, so
 * machine formats (json, ndjson, csv) write as they read and never hold a list. A format for people, or one
 * that needs everything at once, calls materialize(report) first and pays for it in memory.
 * (Declared as properties, not methods, so a formatter that expects arrays does not type-check.)
 */
export interface Formatter {
  name: string;
  /** Whether format() reads context.transcripts (then the run keeps conversations that have findings). */
  needsTranscripts?: boolean;
  /** Text, or UTF-8 bytes where a list was printed ahead (see PrintedList). */
  format: (report: ReportSource, context: FormatterContext) => Iterable<string | Uint8Array>;
}

/** A format whose output is bytes, not text (xlsx): written as it comes like any other, but never to a terminal. */
export interface BinaryFormatter extends Formatter {
  binary: true;
}

export type AnyFormatter = Formatter | BinaryFormatter;

export function isBinary(formatter: AnyFormatter): formatter is BinaryFormatter {
  return 'binary' in formatter && formatter.binary;
}

/** The whole output as one string, for small reports and tests. */
export function formatToString(formatter: Formatter, report: ReportSource, context: FormatterContext): string {
  const decoder = new TextDecoder();
  return Array.from(formatter.format(report, context), (piece) => (typeof piece === 'string' ? piece : decoder.decode(piece))).join('');
}
