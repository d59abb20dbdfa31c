/**
 * Agent identity from signatures (`input.agentIdFrom`), as a step between grouping and checking: each
 * conversation's messages get the agent ids their signatures give (src/input/agent-identity.ts), so rules,
 * per-agent tallies and scores see the person, not the shared account. What could not be resolved is
 * counted for the report.
 */
import { compileSignaturePattern, resolveAgentIdentity } from '../input/agent-identity.js';
import type { Conversation, Message, Role } from '../model/message.js';
import type { AgentIdentityKind, AgentIdentitySummary, Report, UnresolvedAccount } from '../model/report.js';

export type { AgentIdentitySummary } from '../model/report.js';

export interface AgentIdFrom {
  /** Regular expression with a named group `agentId`. */
  pattern: string;
  /** Whose messages carry signatures (default agent). */
  appliesTo?: Role | undefined;
  /** Agent ids become `<account>/<signature>`, so agents of different accounts who sign alike stay apart. */
  prefixAccount?: boolean | undefined;
}

export class AgentIdentityStep {
  private readonly signature: RegExp;
  private readonly role: Role;
  private readonly signedIds = new Set<string>();
  private readonly unresolved = new Map<string, UnresolvedAccount>();
  private signedMessages = 0;
  private attributedMessages = 0;
  private accountMessages = 0;

  /** Throws an Error for an unusable pattern (the config loader checks it first). */
  constructor(private readonly options: AgentIdFrom) {
    this.signature = compileSignaturePattern(options.pattern);
    this.role = options.appliesTo ?? 'agent';
  }

  /** The conversation with agent ids resolved; the messages given are not modified. */
  apply(conversation: Conversation): Conversation {
    const before = conversation.messages;
    const { messages, unresolvedAccounts } = resolveAgentIdentity(before, { pattern: this.options.pattern, appliesTo: this.role });
    const resolved = messages.map((message, i): Message => {
      const original = before[i];
      if (!original || message.role !== this.role || message.agentId === undefined) return message;
      const signed = Boolean(this.signature.exec(message.text)?.groups?.['agentId']?.trim());
      if (!signed && message.agentId === original.agentId) {
        this.accountMessages++;
        return message;
      }
      if (signed) this.signedMessages++;
      else this.attributedMessages++;
      const agentId = this.options.prefixAccount && original.agentId !== undefined ? `${original.agentId}/${message.agentId}` : message.agentId;
      this.signedIds.add(agentId);
      return agentId === message.agentId ? message : { ...message, agentId };
    });
    for (const account of unresolvedAccounts) {
      const tally = this.unresolved.get(account) ?? { account, conversations: 0, messages: 0 };
      tally.conversations++;
      tally.messages += before.filter((m) => m.role === this.role && m.agentId === account).length;
      this.unresolved.set(account, tally);
    }
    return { ...conversation, messages: resolved };
  }

  /** Whether an agent id came from signatures or is an account's own id. */
  kindOf(agentId: string): AgentIdentityKind {
    return this.signedIds.has(agentId) ? 'signed' : 'account';
  }

  summary(): AgentIdentitySummary {
    return {
      pattern: this.options.pattern,
      appliesTo: this.role,
      signedMessages: this.signedMessages,
      attributedMessages: this.attributedMessages,
      accountMessages: this.accountMessages,
      unresolvedAccounts: [...this.unresolved.values()].sort((a, b) => b.messages - a.messages || (a.account < b.account ? -1 : a.account > b.account ? 1 : 0)),
    };
  }

  /**
   * Adds what identity resolution found to a report, additively: `summary.agentIdentity` and, on every
   * agent, `identity: "signed" | "account"`. Existing fields are untouched.
   */
  annotate<R extends Pick<Report, 'summary' | 'agents'>>(report: R): R {
    return {
      ...report,
      summary: { ...report.summary, agentIdentity: this.summary() },
      agents: report.agents.map((agent) => ({ ...agent, identity: this.kindOf(agent.agentId) })),
    };
  }
}
