/**
 * Agent identity behind shared accounts. Brands answer from one account (a Twitter handle, a 云客服 seat)
 * and the agent signs the message: "… ^JK", "… -Becky", "云客服1024". A pattern with a named group
 * `agentId` reads that signature; this module turns it into per-message agent ids for ONE conversation.
 */
import type { Message, Role } from '../model/message.js';

export interface AgentIdentityOptions {
  /** JavaScript regular expression (compiled with the `u` flag) with a named group `agentId`. */
  pattern: string;
  /** Which messages carry signatures; default 'agent'. */
  appliesTo?: Role;
}

export interface AgentIdentityResult {
  messages: Message[];
  /** Accounts (original agentIds) with no signed message in this conversation: their messages keep the account id. */
  unresolvedAccounts: string[];
}

/** Compiles a signature pattern; throws a plain Error naming the problem when it is unusable. */
export function compileSignaturePattern(pattern: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch (error) {
    throw new Error(`invalid agent signature pattern ${JSON.stringify(pattern)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!/\(\?<agentId>/.test(pattern)) throw new Error(`agent signature pattern ${JSON.stringify(pattern)} has no named group (?<agentId>…)`);
  return re;
}

/**
 * For one conversation's messages (in any order; the order is kept):
 * 1. each message of role `appliesTo` whose text matches gets agentId = the captured `agentId` (trimmed);
 * 2. unsigned messages of an account (same original agentId) whose signed messages all name one agent get
 *    that agent's id;
 * 3. an account with no signed message keeps its id and is listed in unresolvedAccounts;
 * 4. an account with several signers leaves its unsigned messages on the account id.
 * agentName and text are not changed. Pure: the input messages are not modified.
 */
export function resolveAgentIdentity(messages: Message[], options: AgentIdentityOptions): AgentIdentityResult {
  const re = compileSignaturePattern(options.pattern);
  const role = options.appliesTo ?? 'agent';

  const signature = messages.map((m): string | undefined => {
    if (m.role !== role) return undefined;
    const id = re.exec(m.text)?.groups?.['agentId']?.trim();
    return id ? id : undefined;
  });

  const signers = new Map<string, Set<string>>();
  const accounts = new Set<string>();
  messages.forEach((m, i) => {
    if (m.role !== role || m.agentId === undefined) return;
    accounts.add(m.agentId);
    const id = signature[i];
    if (id === undefined) return;
    const set = signers.get(m.agentId) ?? new Set<string>();
    set.add(id);
    signers.set(m.agentId, set);
  });

  const resolved = messages.map((m, i): Message => {
    if (m.role !== role) return m;
    const signed = signature[i];
    if (signed !== undefined) return signed === m.agentId ? m : { ...m, agentId: signed };
    if (m.agentId === undefined) return m;
    const only = signers.get(m.agentId);
    if (only && only.size === 1) {
      const [id] = only;
      if (id !== undefined && id !== m.agentId) return { ...m, agentId: id };
    }
    return m;
  });

  const unresolvedAccounts = [...accounts].filter((account) => !signers.has(account)).sort();
  return { messages: resolved, unresolvedAccounts };
}
