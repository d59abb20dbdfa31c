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
