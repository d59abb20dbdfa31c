import type { AgentSummary, ConversationSummary, Finding } from '../model/report.js';

/** What ranks a conversation. */
export type Ranked = Pick<ConversationSummary, 'score' | 'findings' | 'startedAt'>;

/** Conversations worst first: lowest score (when scored), then most findings, then earliest. */
export function worstFirst(scored: boolean) {
  return (a: Ranked, b: Ranked): number =>
    (scored ? a.score - b.score : 0) || b.findings - a.findings || (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0);
}

/** Worst first: lowest average score when scoring, else most findings; then by id, numbers in order. */
export function agentsWorstFirst(agents: readonly AgentSummary[], scored: boolean): AgentSummary[] {
  return [...agents].sort(
    (a, b) =>
      (scored ? (a.averageScore ?? Infinity) - (b.averageScore ?? Infinity) : 0) ||
      b.findings - a.findings ||
      a.agentId.localeCompare(b.agentId, 'en', { numeric: true }),
  );
}

/** Lowest score first (when scoring), then most findings, then by id (numbers in order). */
const conversationOrder =
  (scored: boolean) =>
  (a: ConversationSummary, b: ConversationSummary): number =>
    (scored ? a.score - b.score : 0) || b.findings - a.findings || a.conversationId.localeCompare(b.conversationId, 'en', { numeric: true });

/**
 * The first `limit` items in `order`, as a stable sort of them all would give them (ties keep the order they
 * came in), and how many there were: one pass over a sequence that may be read from disk, holding no more
 * than `limit`.
 */
export function firstInOrder<T>(items: Iterable<T>, order: (a: T, b: T) => number, limit: number): { first: T[]; total: number } {
  const first: T[] = [];
  let total = 0;
  for (const item of items) {
    total++;
    if (limit <= 0 || (first.length === limit && order(item, first[limit - 1] as T) >= 0)) continue;
    // After every one it does not sort before: a later equal one stays after an earlier.
    let at = first.length;
    while (at > 0 && order(item, first[at - 1] as T) < 0) at--;
    first.splice(at, 0, item);
    if (first.length > limit) first.pop();
  }
  return { first, total };
}

/**
 * The `limit` worst conversations with findings (or failed, when scoring), in conversationOrder, and how many
 * there are in all (see firstInOrder).
 */
export function worstConversations(conversations: Iterable<ConversationSummary>, scored: boolean, limit: number): { worst: ConversationSummary[]; total: number } {
  function* wanting(): Generator<ConversationSummary> {
    for (const c of conversations) if (c.findings > 0 || (scored && !c.passed)) yield c;
  }
  const { first, total } = firstInOrder(wanting(), conversationOrder(scored), limit);
  return { worst: first, total };
}

/** Findings per rule id, most first. */
export function findingsByRule(findings: Iterable<Pick<Finding, 'ruleId'>>): Array<[ruleId: string, count: number]> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
