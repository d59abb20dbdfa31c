import type { SkippedRecord } from '../model/message.js';
import type { ConversationSummary, Finding, Report } from '../model/report.js';

/**
 * One checked conversation as a partial report keeps it: what the report lists, and what the per-agent
 * tallies need (agents who wrote in it, in order of their first message, with the first name each gave
 * and their message count; each one's own score is in summary.agentScores).
 */
export interface ConversationEntry {
  summary: ConversationSummary;
  findings: Finding[];
  waived: Report['waived'];
  agentMessages: Array<[agentId: string, agentName: string | null, messages: number]>;
  /** Per agent in summary.agents: whether their own findings include a bottom-line rule. */
  agentCritical: boolean[];
  /** Its messages per input file, in order of first appearance (summary.inputs[].records). */
  messagesByFile: Array<[file: string, messages: number]>;
  /** Its exact duplicates, left out of it: each a skip (summary.inputs[].skipped, the report's skipped list). */
  duplicates: SkippedRecord[];
  // The waivers it used are those of `waived` (each waived finding names its waiver): not kept twice.
}

/**
 * An entry as the store keeps it, made once by whoever checked the conversation (a worker thread, in
 * parallel, see EntryPacker in entry-store.ts): its sort key, its lists (its summary as an element of `conversations`,
 * its findings, its waived findings) as the JSON report prints their elements (`JSON.stringify(report,
 * null, 2)`, four spaces in; nothing for an empty list) and its head as JSON, in UTF-8 back to back. So neither holding,
 * spilling, posting between threads nor writing the JSON report stringifies, parses or encodes it again.
 */
export interface PackedEntry {
  startedAt: string;
  conversationId: string;
  /**
   * Bytes of each part: the start of its line in a run's heads file (its key and lists' sizes as JSON, so a
   * tab or newline in an id is escaped; a tab; its head; a tab), then its lists. In its bytes the lists come
   * first, in this order, and the line last.
   */
  sizes: [line: number, conversation: number, findings: number, waived: number];
  /** The slab its bytes are in (shared with the entries packed next to it: no view is made per entry), from `at` on. */
  slab: Uint8Array;
  at: number;
}
