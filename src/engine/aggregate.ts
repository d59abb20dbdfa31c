import type { Conversation, SkippedRecord } from '../model/message.js';
import { SCHEMA_VERSION, type AgentSummary, type Finding, type Report } from '../model/report.js';

interface AgentTally {
  agentId: string;
  agentName: string | null;
  conversations: number;
  messages: number;
  findings: number;
  byRule: Record<string, number>;
}

/** Builds the report step by step: conversations and their findings in, one Report out. */
export class ReportBuilder {
  private readonly agents = new Map<string, AgentTally>();
  private readonly findings: Finding[] = [];
  private readonly skipped: SkippedRecord[] = [];
  private readonly files = new Set<string>();
  private conversations = 0;
  private messages = 0;

  constructor(private readonly tool: Report['tool'], private readonly ruleset: Report['ruleset']) {}

  private agent(agentId: string, agentName: string | null): AgentTally {
    let tally = this.agents.get(agentId);
    if (!tally) {
      tally = { agentId, agentName, conversations: 0, messages: 0, findings: 0, byRule: {} };
      this.agents.set(agentId, tally);
    }
    tally.agentName ??= agentName;
    return tally;
  }

  addFile(file: string): void {
    this.files.add(file);
  }

  addSkip(skip: SkippedRecord): void {
    this.skipped.push(skip);
  }

  addConversation(conversation: Conversation, findings: Finding[]): void {
    this.conversations++;
    this.messages += conversation.messages.length;
    const seen = new Set<string>();
    for (const message of conversation.messages) {
      if (message.role !== 'agent' || message.agentId === undefined) continue;
      const tally = this.agent(message.agentId, message.agentName ?? null);
      tally.messages++;
      if (!seen.has(message.agentId)) {
        seen.add(message.agentId);
        tally.conversations++;
      }
    }
    for (const finding of findings) {
      this.findings.push(finding);
      if (finding.agentId === null) continue;
      const tally = this.agent(finding.agentId, finding.agentName);
      tally.findings++;
      tally.byRule[finding.ruleId] = (tally.byRule[finding.ruleId] ?? 0) + 1;
    }
  }

  build(): Report {
    const bySeverity = { error: 0, warning: 0, info: 0 };
    for (const f of this.findings) bySeverity[f.severity]++;
    const agents: AgentSummary[] = [...this.agents.values()].sort((a, b) => compareIds(a.agentId, b.agentId));
    return {
      schemaVersion: SCHEMA_VERSION,
      tool: this.tool,
      ruleset: this.ruleset,
      summary: {
        files: this.files.size,
        conversations: this.conversations,
        messages: this.messages,
        findings: this.findings.length,
        skippedRecords: this.skipped.length,
        recordsRead: this.messages + this.skipped.length,
        bySeverity,
      },
      agents,
      findings: this.findings,
      skipped: this.skipped,
    };
  }
}

/** Orders ids as people expect: "A9" before "A10", numbers by value. */
export function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
