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

/** One side of a comparison: a report's head, and its findings in report order, read again on each pass. */
export interface DiffSide {
  ruleset: Report['ruleset'];
  summary: Pick<Report['summary'], 'findings' | 'averageScore'>;
  agents: ReadonlyArray<Pick<Report['agents'][number], 'agentId' | 'agentName' | 'averageScore'>>;
  findings: AsyncIterable<Finding> | Iterable<Finding>;
}

/** What is counted of one identity: its order among identities (baseline first), and its findings on each side. */
interface IdentityTally {
  rank: number;
  before: number;
  after: number;
  seen: number;
}

/** A new or resolved finding, with what puts it back in the order the lists are built in. */
interface Placed {
  finding: Finding;
  rank: number;
  seq: number;
}

/**
 * Compares a baseline report with a current one as multisets of findings: for each identity, the
 * smaller count is unchanged and the rest is new (more tonight) or resolved (fewer tonight); two
 * identical findings yesterday and three today are two unchanged and one new. Reads the baseline's findings
 * twice and the current's once, holding a count per identity and only the new and resolved findings.
 */
export async function diffReports(baseline: DiffSide, current: DiffSide, files: { baseline: string; current: string }): Promise<ReportDiff> {
  const identities = new Map<string, IdentityTally>();
  const tallyOf = (f: Finding): IdentityTally => {
    const key = findingIdentity(f);
    let tally = identities.get(key);
    if (!tally) identities.set(key, (tally = { rank: identities.size, before: 0, after: 0, seen: 0 }));
    return tally;
  };
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

  let listedBefore = 0;
  for await (const f of baseline.findings) {
    tallyOf(f).before++;
    listedBefore++;
  }
  // Oldest first on both sides, so the findings matched as unchanged are the earliest ones.
  const newFindings: Placed[] = [];
  let listedAfter = 0;
  for await (const f of current.findings) {
    const identity = tallyOf(f);
    identity.after++;
    if (identity.seen++ < identity.before) tally(f, 'unchanged');
    else {
      tally(f, 'new');
      newFindings.push({ finding: f, rank: identity.rank, seq: listedAfter });
    }
    listedAfter++;
  }
  for (const identity of identities.values()) identity.seen = 0;
  const resolvedFindings: Placed[] = [];
  let seq = 0;
  for await (const f of baseline.findings) {
    const identity = tallyOf(f);
    if (identity.seen++ >= identity.after) {
      tally(f, 'resolved');
      resolvedFindings.push({ finding: f, rank: identity.rank, seq });
    }
    seq++;
  }
  if (seq !== listedBefore) throw new Error(`${files.baseline}: its findings changed while it was read`);

  const agentsBefore = new Map(baseline.agents.map((a) => [a.agentId, a]));
  const agentsAfter = new Map(current.agents.map((a) => [a.agentId, a]));
  const agentIds = new Set([...agentsBefore.keys(), ...agentsAfter.keys(), ...agents.keys()]);
  const order = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  const side = (report: DiffSide, file: string, listed: number) => ({ file, ruleset: report.ruleset, findings: report.summary.findings, listed });

  return {
    diffSchemaVersion: DIFF_SCHEMA_VERSION,
    baseline: side(baseline, files.baseline, listedBefore),
    current: side(current, files.current, listedAfter),
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
    newFindings: sortFindings(inListOrder(newFindings)),
    resolvedFindings: sortFindings(inListOrder(resolvedFindings)),
  };
}

/** The findings as the lists were first built: identity by identity (baseline's first), each oldest first. */
function inListOrder(placed: Placed[]): Finding[] {
  return placed.sort((a, b) => a.rank - b.rank || a.seq - b.seq).map((p) => p.finding);
}

/** Report order: by conversation, then message position, then rule. */
function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      a.conversationId.localeCompare(b.conversationId, 'en', { numeric: true }) || a.messageIndex - b.messageIndex || a.ruleId.localeCompare(b.ruleId),
  );
}
