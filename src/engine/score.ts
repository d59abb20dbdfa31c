import type { Finding, ScoreStats } from '../model/report.js';
import { keyedByInput } from '../model/records.js';

export interface ScoringPolicy {
  base: number;
  passMark: number;
  /** Per rule id: points deducted per finding, the cap per conversation, and whether it is a bottom-line item. */
  rules: ReadonlyMap<string, { points?: number | undefined; maxPoints?: number | undefined; critical: boolean }>;
}

export interface ConversationScore {
  score: number;
  passed: boolean;
  critical: boolean;
  deductions: Record<string, number>;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Scores a set of findings (a conversation's, or one agent's share of it): base minus each rule's
 * deduction — points per finding, capped at maxPoints (default: points, so once per rule) — floored at 0.
 * Any finding of a critical rule sets the score to 0 (质量否决权).
 */
export function scoreFindings(findings: readonly Finding[], policy: ScoringPolicy): ConversationScore {
  const deductions = findings.length === 0 ? NO_DEDUCTIONS : keyedByInput<number>();
  const { score, critical } = scoreOf(findings, policy, false, null, deductions === NO_DEDUCTIONS ? undefined : deductions);
  return { score, passed: score >= policy.passMark, critical, deductions };
}

/** The deductions of no findings, shared (nobody writes to a summary's deductions). */
const NO_DEDUCTIONS: Record<string, number> = Object.freeze(keyedByInput<number>());

/**
 * An agent's own score among `findings` (those with their agentId) and whether a bottom-line rule failed
 * them: one object, overwritten by the next call (read it at once).
 */
export function agentScore(findings: readonly Finding[], policy: ScoringPolicy, agentId: string | null): Readonly<{ score: number; critical: boolean }> {
  return scoreOf(findings, policy, true, agentId, undefined);
}

/** Rules in order of their first finding, and their findings: scratch for scoreOf (a conversation has few rules with findings). */
const ruleIds: string[] = [];
const ruleCounts: number[] = [];
const scored = { score: 0, critical: false };

/** The score of `findings` (of one agent's when oneAgent), each rule's deduction written to `deductions` when given. */
function scoreOf(findings: readonly Finding[], policy: ScoringPolicy, oneAgent: boolean, agentId: string | null, deductions: Record<string, number> | undefined): typeof scored {
  // A count of rules, not length = 0: V8 drops an emptied array's storage, and pushing makes it again.
  let rules = 0;
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i] as Finding;
    if (oneAgent && f.agentId !== agentId) continue;
    let at = 0;
    while (at < rules && ruleIds[at] !== f.ruleId) at++;
    if (at === rules) {
      ruleIds[rules] = f.ruleId;
      ruleCounts[rules++] = 1;
    } else ruleCounts[at] = (ruleCounts[at] as number) + 1;
  }
  let critical = false;
  let total = 0;
  for (let r = 0; r < rules; r++) {
    const ruleId = ruleIds[r] as string;
    const count = ruleCounts[r] as number;
    const rule = policy.rules.get(ruleId);
    if (!rule) continue;
    if (rule.critical) critical = true;
    if (!rule.points) continue;
    const deduction = Math.min(rule.points * count, rule.maxPoints ?? rule.points);
    if (deductions) deductions[ruleId] = round2(deduction);
    total += deduction;
  }
  scored.score = critical ? 0 : round2(Math.max(0, policy.base - total));
  scored.critical = critical;
  return scored;
}

/** Average, median, pass rate and critical count over scored conversations. */
export function scoreStats(scores: ReadonlyArray<{ score: number; critical: boolean }>, passMark: number): ScoreStats {
  return scoreStatsOf(Float64Array.from(scores, (s) => s.score), scores.filter((s) => s.critical).length, passMark);
}

/** The same from scores kept compactly: the values in any order, and how many were failed by a bottom-line rule. */
export function scoreStatsOf(scores: Float64Array, criticalCount: number, passMark: number): ScoreStats {
  if (scores.length === 0) return { conversationsScored: 0, averageScore: null, medianScore: null, passRate: null, criticalCount: 0 };
  // Sorted ascending (a typed array sorts by value), then summed in that order: the same sum however scores arrived.
  const values = scores.slice().sort();
  const middle = Math.floor(values.length / 2);
  const median = values.length % 2 === 1 ? (values[middle] ?? 0) : ((values[middle - 1] ?? 0) + (values[middle] ?? 0)) / 2;
  let passed = 0;
  for (const v of values) if (v >= passMark) passed++;
  return {
    conversationsScored: values.length,
    averageScore: round2(values.reduce((a, b) => a + b, 0) / values.length),
    medianScore: round2(median),
    passRate: Math.round((passed / values.length) * 10_000) / 10_000,
    criticalCount,
  };
}
