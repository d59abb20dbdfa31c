import type { Conversation, SkippedRecord } from '../model/message.js';
import {
  SCHEMA_VERSION,
  type AgentSummary,
  type ConversationSummary,
  type Finding,
  type InputFile,
  type Report,
  type Waiver,
} from '../model/report.js';
import { scoreFindings, scoreStats, type ScoringPolicy } from './score.js';
import { keyedByInput, own } from '../model/records.js';

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

/** Scoring as a partial report carries it: plain data, rules in pack order. */
export interface PartialScoring {
  base: number;
  passMark: number;
  rules: Array<[ruleId: string, rule: { points?: number | undefined; maxPoints?: number | undefined; critical: boolean }]>;
}

/**
 * What one run (or one shard, or one partition) found, before the report is assembled: everything the
 * report needs and nothing that depends on other runs. Partial reports merge (mergeReports) into exactly
 * the report one run over everything would have written.
 */
export interface PartialReport {
  chatlintPartial: 1;
  tool: Report['tool'];
  ruleset: Report['ruleset'];
  scoring: PartialScoring;
  /** Which shard this is (1-based), of how many; 1 of 1 for a whole run. */
  shard: { index: number; count: number };
  /** Files read, in read order. */
  files: string[];
  /**
   * Every input as reading met it (format, encoding), with the records and skips reading accounted for
   * (read skips, unreadable files); the messages and duplicates of each conversation are added from its entry.
   */
  inputs: InputFile[];
  /** Files as reading met them (read or not), for putting skips back in read order. */
  readOrder: string[];
  /** Records skipped while reading, in read order; of the skips every shard sees, each keeps the ones it owns. */
  readSkips: SkippedRecord[];
  conversations: ConversationEntry[];
  /** The waivers the run was given; a waiver is unused in the report when no conversation's entry used it. */
  waivers: Waiver[];
}

export function policyOf(scoring: PartialScoring): ScoringPolicy {
  return { base: scoring.base, passMark: scoring.passMark, rules: new Map(scoring.rules) };
}

/** A checked conversation's entry: its summary and score, and what it adds to each agent's tally. */
export function conversationEntry(
  conversation: Conversation,
  findings: Finding[],
  waived: Report['waived'],
  policy: ScoringPolicy,
  duplicates: SkippedRecord[] = [],
): ConversationEntry {
  const agentMessages: ConversationEntry['agentMessages'] = [];
  const position = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const message of conversation.messages) {
    byFile.set(message.source.file, (byFile.get(message.source.file) ?? 0) + 1);
    if (message.role !== 'agent' || message.agentId === undefined) continue;
    const at = position.get(message.agentId);
    if (at === undefined) {
      position.set(message.agentId, agentMessages.length);
      agentMessages.push([message.agentId, message.agentName ?? null, 1]);
    } else {
      const entry = agentMessages[at] as [string, string | null, number];
      entry[1] ??= message.agentName ?? null;
      entry[2]++;
    }
  }
  const agentIds = agentMessages.map(([id]) => id);
  const score = scoreFindings(findings, policy);
  // An agent is scored on their own findings, so a colleague's slow reply after a transfer is not theirs.
  const agentScores = keyedByInput<number>();
  const agentCritical: boolean[] = [];
  for (const agentId of agentIds) {
    const own = scoreFindings(findings.filter((f) => f.agentId === agentId), policy);
    agentScores[agentId] = own.score;
    agentCritical.push(own.critical);
  }
  const first = conversation.messages[0];
  const summary: ConversationSummary = {
    conversationId: conversation.id,
    agents: agentIds,
    startedAt: first ? new Date(first.timestamp).toISOString() : '',
    messages: conversation.messages.length,
    findings: findings.length,
    ...score,
    agentScores,
    source: { file: first?.source.file ?? '' },
  };
  return { summary, findings, waived, agentMessages, agentCritical, messagesByFile: [...byFile], duplicates };
}

interface AgentTally {
  agentId: string;
  agentName: string | null;
  conversations: number;
  messages: number;
  findings: number;
  byRule: Record<string, number>;
  scores: Array<{ score: number; critical: boolean }>;
}

/** Conversations in order of their first message, then id, however (and wherever) they were checked. */
export function inReportOrder(a: ConversationEntry, b: ConversationEntry): number {
  const x = a.summary;
  const y = b.summary;
  return (x.startedAt < y.startedAt ? -1 : x.startedAt > y.startedAt ? 1 : 0) || (x.conversationId < y.conversationId ? -1 : x.conversationId > y.conversationId ? 1 : 0);
}

/**
 * The report from one or more partial reports of the same run (the same rules and inputs). Everything is
 * tallied in report order, so the result does not depend on how the work was split.
 */
export function buildReport(parts: readonly PartialReport[]): Report {
  const first = parts[0];
  if (!first) throw new Error('buildReport needs at least one partial report');
  const policy = policyOf(first.scoring);
  const ordered = parts.flatMap((p) => p.conversations).sort(inReportOrder);
  const agents = new Map<string, AgentTally>();
  const agent = (agentId: string, agentName: string | null): AgentTally => {
    let tally = agents.get(agentId);
    if (!tally) {
      tally = { agentId, agentName, conversations: 0, messages: 0, findings: 0, byRule: keyedByInput<number>(), scores: [] };
      agents.set(agentId, tally);
    }
    tally.agentName ??= agentName;
    return tally;
  };
  let messages = 0;
  for (const entry of ordered) {
    messages += entry.summary.messages;
    for (const [agentId, agentName, count] of entry.agentMessages) {
      const tally = agent(agentId, agentName);
      tally.messages += count;
      tally.conversations++;
    }
    for (const finding of entry.findings) {
      if (finding.agentId === null) continue;
      const tally = agent(finding.agentId, finding.agentName);
      tally.findings++;
      tally.byRule[finding.ruleId] = (own(tally.byRule, finding.ruleId) ?? 0) + 1;
    }
    entry.summary.agents.forEach((agentId, i) => {
      agent(agentId, null).scores.push({ score: own(entry.summary.agentScores, agentId) ?? 0, critical: entry.agentCritical[i] ?? false });
    });
  }
  const conversations = ordered.map((c) => c.summary);
  const findings = ordered.flatMap((c) => c.findings);
  const waived = ordered.flatMap((c) => c.waived);
  const bySeverity = { error: 0, warning: 0, info: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  // byRule lists rules in pack order, whatever order conversations were checked in.
  const ruleOrder = first.scoring.rules.map(([id]) => id);
  const inRuleOrder = (byRule: Record<string, number>) =>
    Object.fromEntries(Object.entries(byRule).sort(([a], [b]) => ruleOrder.indexOf(a) - ruleOrder.indexOf(b)));
  const agentSummaries: AgentSummary[] = [...agents.values()]
    .sort((a, b) => compareIds(a.agentId, b.agentId))
    .map(({ scores, byRule, ...tally }) => ({ ...tally, byRule: inRuleOrder(byRule), ...scoreStats(scores, policy.passMark) }));
  const fileOrder = new Map(first.files.map((file, i) => [file, i]));
  // Duplicates are listed after the read skips, in file then record order, however conversations were checked.
  const duplicates = ordered.flatMap((c) => c.duplicates);
  duplicates.sort((a, b) => (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || a.record - b.record);
  // Read skips in read order: by file as reading met them, then record; a file that could not be read
  // (record 0) after whatever it held. Sorting is stable, so one part's own order stands.
  const readOrder = new Map(first.readOrder.map((file, i) => [file, i]));
  const recordKey = (s: SkippedRecord) => (s.record === 0 && s.line === null && s.reason.startsWith('file not read: ') ? Number.POSITIVE_INFINITY : s.record);
  const readSkips = parts.flatMap((p) => p.readSkips);
  if (parts.length > 1) readSkips.sort((a, b) => (readOrder.get(a.file) ?? 0) - (readOrder.get(b.file) ?? 0) || recordKey(a) - recordKey(b));
  const skipped = [...readSkips, ...duplicates];
  // Each input's records and skips: what reading counted in every part, plus each conversation's messages
  // and duplicates; format and encoding as first known.
  const inputs = new Map<string, InputFile>();
  const inputOf = (path: string): InputFile => {
    let known = inputs.get(path);
    if (!known) inputs.set(path, (known = { path, format: null, encoding: null, records: 0, skipped: 0 }));
    return known;
  };
  for (const part of parts) {
    for (const input of part.inputs) {
      const known = inputs.get(input.path);
      if (!known) inputs.set(input.path, { ...input });
      else Object.assign(known, { format: known.format ?? input.format, encoding: known.encoding ?? input.encoding, records: known.records + input.records, skipped: known.skipped + input.skipped });
    }
  }
  const usedWaivers = new Set<string>();
  for (const entry of ordered) {
    for (const [file, count] of entry.messagesByFile) inputOf(file).records += count;
    for (const duplicate of entry.duplicates) {
      const input = inputOf(duplicate.file);
      input.records++;
      input.skipped++;
    }
    for (const w of entry.waived) usedWaivers.add(waiverKey(w.waiver));
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: first.tool,
    ruleset: first.ruleset,
    summary: {
      files: new Set(parts.flatMap((p) => p.files)).size,
      inputs: [...inputs.values()],
      conversations: conversations.length,
      messages,
      findings: findings.length,
      skippedRecords: skipped.length,
      recordsRead: messages + skipped.length,
      bySeverity,
      waived: waived.length,
      scoring: { base: policy.base, passMark: policy.passMark },
      ...scoreStats(conversations, policy.passMark),
    },
    agents: agentSummaries,
    findings,
    skipped,
    conversations,
    waived,
    unusedWaivers: first.waivers.filter((w) => !usedWaivers.has(waiverKey(w))),
  };
}

const waiverKey = (w: Waiver) => `${w.source}\u0000${w.conversationId}\u0000${w.ruleId}\u0000${w.messageIndex ?? ''}`;

/** Orders ids as people expect: "A9" before "A10", numbers by value. */
export function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
