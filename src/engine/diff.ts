import { DIFF_SCHEMA_VERSION, type DiffCounts, type ReportDiff } from '../model/diff.js';
import type { Finding, Report } from '../model/report.js';

/**
 * What makes two findings on different nights the same finding: conversation, rule, agent and the text
 * it is about (the match, else the message excerpt). The message index is left out on purpose: a message
 * inserted earlier in a re-exported conversation moves every later index without changing the finding.
 */
export function findingIdentity(f: Finding): string {
  return JSON.stringify([f.conversationId, f.ruleId, f.agentId, f.match ?? f.excerpt]);
}

const zero = (): DiffCounts => ({ new: 0, resolved: 0, unchanged: 0 });
/** One decimal, and never -0 (which JSON prints as 0 but tests and people read as a drop). */
const round1 = (n: number) => Math.round(n * 10) / 10 || 0;

function scoreChange(before: number | null | undefined, after: number | null | undefined) {
  const scoreBefore = before ?? null;
  const scoreAfter = after ?? null;
  return { scoreBefore, scoreAfter, scoreChange: scoreBefore === null || scoreAfter === null ? null : round1(scoreAfter - scoreBefore) };
}

function byIdentity(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = findingIdentity(f);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  return groups;
}

/**
 * Compares a baseline report with a current one as multisets of findings: for each identity, the
 * smaller count is unchanged and the rest is new (more tonight) or resolved (fewer tonight); two
 * identical findings yesterday and three today are two unchanged and one new. Pure: reports in, diff out.
 */
export function diffReports(baseline: Report, current: Report, files: { baseline: string; current: string }): ReportDiff {
  const before = byIdentity(baseline.findings);
  const after = byIdentity(current.findings);
  const newFindings: Finding[] = [];
  const resolvedFindings: Finding[] = [];
  const agents = new Map<string, DiffCounts>();
  const rules = new Map<string, DiffCounts>();
  const totals = zero();
  const tally = (f: Finding, kind: keyof DiffCounts) => {
    totals[kind]++;
    const agent = agents.get(f.agentId ?? '') ?? zero();
    agent[kind]++;
    agents.set(f.agentId ?? '', agent);
    const rule = rules.get(f.ruleId) ?? zero();
    rule[kind]++;
    rules.set(f.ruleId, rule);
  };

  for (const key of new Set([...before.keys(), ...after.keys()])) {
    // Oldest first on both sides, so the findings matched as unchanged are the earliest ones.
    const then = before.get(key) ?? [];
    const now = after.get(key) ?? [];
    const same = Math.min(then.length, now.length);
    for (const f of now.slice(0, same)) tally(f, 'unchanged');
    for (const f of now.slice(same)) {
      tally(f, 'new');
      newFindings.push(f);
    }
    for (const f of then.slice(same)) {
      tally(f, 'resolved');
      resolvedFindings.push(f);
    }
  }

  const agentsBefore = new Map(baseline.agents.map((a) => [a.agentId, a]));
  const agentsAfter = new Map(current.agents.map((a) => [a.agentId, a]));
  const agentIds = new Set([...agentsBefore.keys(), ...agentsAfter.keys(), ...agents.keys()]);
  const order = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  const side = (report: Report, file: string) => ({ file, ruleset: report.ruleset, findings: report.summary.findings, listed: report.findings.length });

  return {
    diffSchemaVersion: DIFF_SCHEMA_VERSION,
    baseline: side(baseline, files.baseline),
    current: side(current, files.current),
    rulesChanged: baseline.ruleset.hash !== current.ruleset.hash,
    worse: totals.new > 0,
    totals: { ...totals, ...scoreChange(baseline.summary.averageScore, current.summary.averageScore) },
    agents: [...agentIds].sort(order).map((agentId) => {
      const then = agentsBefore.get(agentId);
      const now = agentsAfter.get(agentId);
      return {
        agentId,
        agentName: now?.agentName ?? then?.agentName ?? null,
        ...(agents.get(agentId) ?? zero()),
        ...scoreChange(then?.averageScore, now?.averageScore),
      };
    }),
    rules: [...rules].sort(([a], [b]) => order(a, b)).map(([ruleId, counts]) => ({ ruleId, ...counts })),
    newFindings: sortFindings(newFindings),
    resolvedFindings: sortFindings(resolvedFindings),
  };
}

/** Report order: by conversation, then message position, then rule. */
function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      a.conversationId.localeCompare(b.conversationId, 'en', { numeric: true }) || a.messageIndex - b.messageIndex || a.ruleId.localeCompare(b.ruleId),
  );
}
