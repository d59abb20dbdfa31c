import type { AgentSummary, ConversationSummary, Report } from '../model/report.js';

/** Conversations worst first: lowest score (when scored), then most findings, then earliest. */
export function worstFirst(scored: boolean) {
  return (a: ConversationSummary, b: ConversationSummary): number =>
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

/** Lowest score first (when scoring), then most findings; conversations without findings are left out. */
export function conversationsWorstFirst(conversations: readonly ConversationSummary[], scored: boolean): ConversationSummary[] {
  return conversations
    .filter((c) => c.findings > 0 || (scored && !c.passed))
    .sort((a, b) => (scored ? a.score - b.score : 0) || b.findings - a.findings || a.conversationId.localeCompare(b.conversationId, 'en', { numeric: true }));
}

/** Findings per rule id, most first. */
export function findingsByRule(report: Report): Array<[ruleId: string, count: number]> {
  const counts = new Map<string, number>();
  for (const f of report.findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
