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

interface AgentTally {
  agentId: string;
  agentName: string | null;
  conversations: number;
  messages: number;
  findings: number;
  byRule: Record<string, number>;
  scores: Array<{ score: number; critical: boolean }>;
}

/** Builds the report step by step: conversations and their findings in, one Report out. */
export class ReportBuilder {
  private readonly agents = new Map<string, AgentTally>();
  /** Per conversation, in the order they were checked; build() puts them in report order. */
  private readonly conversations: Array<{ summary: ConversationSummary; findings: Finding[]; waived: Report['waived'] }> = [];
  private readonly skipped: SkippedRecord[] = [];
  private readonly files = new Set<string>();
  private readonly inputs = new Map<string, InputFile>();
  private messages = 0;

  constructor(
    private readonly tool: Report['tool'],
    private readonly ruleset: Report['ruleset'],
    private readonly scoring: ScoringPolicy,
  ) {}

  private agent(agentId: string, agentName: string | null): AgentTally {
    let tally = this.agents.get(agentId);
    if (!tally) {
      tally = { agentId, agentName, conversations: 0, messages: 0, findings: 0, byRule: keyedByInput<number>(), scores: [] };
      this.agents.set(agentId, tally);
    }
    tally.agentName ??= agentName;
    return tally;
  }

  addFile(file: string, format: string | null = null, encoding: string | null = null): void {
    if (format !== null) this.files.add(file);
    const known = this.inputs.get(file);
    if (known) Object.assign(known, { format: known.format ?? format, encoding: known.encoding ?? encoding });
    else this.inputs.set(file, { path: file, format, encoding, records: 0, skipped: 0 });
  }

  private input(file: string): InputFile {
    if (!this.inputs.has(file)) this.addFile(file);
    return this.inputs.get(file) as InputFile;
  }

  addSkip(skip: SkippedRecord): void {
    this.skipped.push(skip);
    const input = this.input(skip.file);
    input.records++;
    input.skipped++;
  }

  /** `findings` count; `waived` were covered by a reviewed waiver and are only listed. */
  addConversation(conversation: Conversation, findings: Finding[], waived: Report['waived'] = []): ConversationSummary {
    this.messages += conversation.messages.length;
    for (const message of conversation.messages) this.input(message.source.file).records++;
    const agentIds: string[] = [];
    for (const message of conversation.messages) {
      if (message.role !== 'agent' || message.agentId === undefined) continue;
      const tally = this.agent(message.agentId, message.agentName ?? null);
      tally.messages++;
      if (!agentIds.includes(message.agentId)) {
        agentIds.push(message.agentId);
        tally.conversations++;
      }
    }
    for (const finding of findings) {
      if (finding.agentId === null) continue;
      const tally = this.agent(finding.agentId, finding.agentName);
      tally.findings++;
      tally.byRule[finding.ruleId] = (own(tally.byRule, finding.ruleId) ?? 0) + 1;
    }

    const score = scoreFindings(findings, this.scoring);
    // An agent is scored on their own findings, so a colleague's slow reply after a transfer is not theirs.
    const agentScores = keyedByInput<number>();
    for (const agentId of agentIds) {
      const own = scoreFindings(findings.filter((f) => f.agentId === agentId), this.scoring);
      agentScores[agentId] = own.score;
      this.agent(agentId, null).scores.push(own);
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
    this.conversations.push({ summary, findings, waived });
    return summary;
  }

  build(unusedWaivers: Waiver[] = []): Report {
    // Conversations in order of their first message, then id, however they reached the builder.
    const ordered = [...this.conversations].sort(
      (a, b) => (a.summary.startedAt < b.summary.startedAt ? -1 : a.summary.startedAt > b.summary.startedAt ? 1 : 0) ||
        (a.summary.conversationId < b.summary.conversationId ? -1 : a.summary.conversationId > b.summary.conversationId ? 1 : 0),
    );
    const conversations = ordered.map((c) => c.summary);
    const findings = ordered.flatMap((c) => c.findings);
    const waived = ordered.flatMap((c) => c.waived);
    const bySeverity = { error: 0, warning: 0, info: 0 };
    for (const f of findings) bySeverity[f.severity]++;
    // byRule lists rules in pack order, whatever order conversations were checked in.
    const ruleOrder = [...this.scoring.rules.keys()];
    const inRuleOrder = (byRule: Record<string, number>) =>
      Object.fromEntries(Object.entries(byRule).sort(([a], [b]) => ruleOrder.indexOf(a) - ruleOrder.indexOf(b)));
    const agents: AgentSummary[] = [...this.agents.values()]
      .sort((a, b) => compareIds(a.agentId, b.agentId))
      .map(({ scores, byRule, ...tally }) => ({ ...tally, byRule: inRuleOrder(byRule), ...scoreStats(scores, this.scoring.passMark) }));
    return {
      schemaVersion: SCHEMA_VERSION,
      tool: this.tool,
      ruleset: this.ruleset,
      summary: {
        files: this.files.size,
        inputs: [...this.inputs.values()],
        conversations: conversations.length,
        messages: this.messages,
        findings: findings.length,
        skippedRecords: this.skipped.length,
        recordsRead: this.messages + this.skipped.length,
        bySeverity,
        waived: waived.length,
        scoring: { base: this.scoring.base, passMark: this.scoring.passMark },
        ...scoreStats(conversations, this.scoring.passMark),
      },
      agents,
      findings,
      skipped: this.skipped,
      conversations,
      waived,
      unusedWaivers,
    };
  }
}

/** Orders ids as people expect: "A9" before "A10", numbers by value. */
export function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
