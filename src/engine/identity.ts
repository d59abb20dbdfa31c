/**
 * Agent identity from signatures (`input.agentIdFrom`), as a step between grouping and checking: each
 * conversation's messages get the agent ids their signatures give (src/input/agent-identity.ts), so rules,
 * per-agent tallies and scores see the person, not the shared account. What could not be resolved is
 * counted for the report.
 */
import { compileSignaturePattern, resolveAgentIdentity } from '../input/agent-identity.js';
import type { Conversation, Message, Role } from '../model/message.js';
import { IdHashTable } from './id-table.js';
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

/** What one conversation added to the counts. */
interface Contribution {
  signed: number;
  attributed: number;
  account: number;
  unresolved: Array<[account: string, messages: number]>;
}

export class AgentIdentityStep {
  private readonly signature: RegExp;
  private readonly role: Role;
  private readonly signedIds = new Set<string>();
  private readonly unresolved = new Map<string, UnresolvedAccount>();
  private signedMessages = 0;
  private attributedMessages = 0;
  private accountMessages = 0;
  // Per conversation: its signed, attributed and account messages (checked piece by piece, a conversation
  // can be given again whole: its new counts replace the old).
  private readonly counted = new IdHashTable(3);
  private readonly unresolvedIn = new Map<string, Contribution['unresolved']>();

  /** Throws an Error for an unusable pattern (the config loader checks it first). */
  constructor(private readonly options: AgentIdFrom) {
    this.signature = compileSignaturePattern(options.pattern);
    this.role = options.appliesTo ?? 'agent';
  }

  /**
   * The conversation with agent ids resolved; the messages given are not modified. A conversation given
   * again (checked early, then whole) replaces what it counted before; the agent ids it signed stay known
   * (the whole conversation holds the same signatures).
   */
  apply(conversation: Conversation): Conversation {
    const before = conversation.messages;
    const { messages, unresolvedAccounts } = resolveAgentIdentity(before, { pattern: this.options.pattern, appliesTo: this.role });
    const counts: Contribution = { signed: 0, attributed: 0, account: 0, unresolved: [] };
    const resolved = messages.map((message, i): Message => {
      const original = before[i];
      if (!original || message.role !== this.role || message.agentId === undefined) return message;
      const signed = Boolean(this.signature.exec(message.text)?.groups?.['agentId']?.trim());
      if (!signed && message.agentId === original.agentId) {
        counts.account++;
        return message;
      }
      if (signed) counts.signed++;
      else counts.attributed++;
      const agentId = this.options.prefixAccount && original.agentId !== undefined ? `${original.agentId}/${message.agentId}` : message.agentId;
      this.signedIds.add(agentId);
      return agentId === message.agentId ? message : { ...message, agentId };
    });
    for (const account of unresolvedAccounts) counts.unresolved.push([account, before.filter((m) => m.role === this.role && m.agentId === account).length]);
    this.count(conversation.id, counts);
    return { ...conversation, messages: resolved };
  }

  private count(conversationId: string, counts: Contribution): void {
    const slot = this.counted.find(conversationId);
    if (slot >= 0) {
      this.add({ signed: this.counted.value(slot, 0), attributed: this.counted.value(slot, 1), account: this.counted.value(slot, 2), unresolved: this.unresolvedIn.get(conversationId) ?? [] }, -1);
    }
    this.add(counts, 1);
    this.counted.set(conversationId, counts.signed, counts.attributed, counts.account);
    if (counts.unresolved.length > 0) this.unresolvedIn.set(conversationId, counts.unresolved);
    else this.unresolvedIn.delete(conversationId);
  }

  private add(counts: Contribution, sign: 1 | -1): void {
    this.signedMessages += sign * counts.signed;
    this.attributedMessages += sign * counts.attributed;
    this.accountMessages += sign * counts.account;
    for (const [account, messages] of counts.unresolved) {
      const tally = this.unresolved.get(account) ?? { account, conversations: 0, messages: 0 };
      tally.conversations += sign;
      tally.messages += sign * messages;
      if (tally.conversations === 0) this.unresolved.delete(account);
      else this.unresolved.set(account, tally);
    }
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
