import { describe, expect, it } from 'vitest';
import { diffReports } from '../../src/engine/diff.js';
import { reportDiffSchema } from '../../src/model/diff.js';
import type { AgentSummary, Finding, Report } from '../../src/model/report.js';
import { expectedOutput } from '../helpers/cli.js';

const TEMPLATE = JSON.parse(expectedOutput('fixtures/transcript/one-chat.json.expected')) as Report;
const BASE_FINDING = TEMPLATE.findings[0] as Finding;

/** A finding: conversation, rule, agent and text are what identify it; index and line are where it happens to be. */
function finding(conversationId: string, ruleId: string, agentId: string | null, text: string, messageIndex = 0): Finding {
  return { ...BASE_FINDING, conversationId, ruleId, agentId, match: text, excerpt: `… ${text} …`, messageIndex, source: { ...BASE_FINDING.source, record: messageIndex + 1 } };
}

function agent(agentId: string, averageScore: number | null): AgentSummary {
  return { ...(TEMPLATE.agents[0] as AgentSummary), agentId, agentName: `name ${agentId}`, averageScore };
}

function report(findings: Finding[], agents: AgentSummary[] = [], averageScore: number | null = null, hash = 'h1'): Report {
  return { ...TEMPLATE, ruleset: { name: 'team', hash }, findings, agents, summary: { ...TEMPLATE.summary, findings: findings.length, averageScore } };
}

const FILES = { baseline: 'yesterday.json', current: 'today.json' };

describe('diffReports', () => {
  it('a finding that moved to another message index is unchanged', async () => {
    const before = report([finding('c1', 'rude', '7', '天啊', 3)]);
    const after = report([finding('c1', 'rude', '7', '天啊', 5)]);
    const diff = await diffReports(before, after, FILES);
    expect(diff.totals).toMatchObject({ new: 0, resolved: 0, unchanged: 1 });
    expect(diff.worse).toBe(false);
    expect(diff.newFindings).toEqual([]);
  });

  it('counts as a multiset: two identical yesterday and three today is two unchanged and one new', async () => {
    const same = (i: number) => finding('c1', 'rude', '7', '天啊', i);
    const diff = await diffReports(report([same(1), same(2)]), report([same(1), same(4), same(6)]), FILES);
    expect(diff.totals).toMatchObject({ new: 1, resolved: 0, unchanged: 2 });
    expect(diff.newFindings.map((f) => f.messageIndex)).toEqual([6]);
    expect(diff.worse).toBe(true);
    // And the other way round: one resolved.
    const back = await diffReports(report([same(1), same(4), same(6)]), report([same(1), same(2)]), FILES);
    expect(back.totals).toMatchObject({ new: 0, resolved: 1, unchanged: 2 });
    expect(back.worse).toBe(false);
  });

  it.each([
    ['another conversation', finding('c2', 'rude', '7', '天啊')],
    ['another rule', finding('c1', 'slow', '7', '天啊')],
    ['another agent', finding('c1', 'rude', '8', '天啊')],
    ['another text', finding('c1', 'rude', '7', '我晕')],
  ])('%s is a different finding: one new, one resolved', async (_, other) => {
    const diff = await diffReports(report([finding('c1', 'rude', '7', '天啊')]), report([other]), FILES);
    expect(diff.totals).toMatchObject({ new: 1, resolved: 1, unchanged: 0 });
  });

  it('a finding without a match is identified by its excerpt', async () => {
    const late = (excerpt: string, seconds: number): Finding => ({ ...finding('c1', 'slow', '7', 'x'), match: null, excerpt, seconds });
    expect((await diffReports(report([late('已为您查到', 95)]), report([late('已为您查到', 97)]), FILES)).totals.unchanged).toBe(1);
    expect((await diffReports(report([late('已为您查到', 95)]), report([late('好的', 95)]), FILES)).totals).toMatchObject({ new: 1, resolved: 1 });
  });

  it('tallies per agent and per rule, with each agent score change', async () => {
    const before = report(
      [finding('c1', 'rude', '7', 'a'), finding('c1', 'slow', '7', 'b'), finding('c2', 'rude', '8', 'c')],
      [agent('7', 80), agent('8', 90)],
      85,
    );
    const after = report(
      [finding('c1', 'rude', '7', 'a'), finding('c3', 'rude', '9', 'd'), finding('c3', 'slow', '9', 'e'), finding('c2', 'rude', '8', 'c')],
      [agent('7', 95), agent('8', 90), agent('9', 70)],
      84.96,
    );
    const diff = await diffReports(before, after, FILES);
    expect(reportDiffSchema().parse(diff)).toEqual(diff);
    expect(diff.totals).toEqual({ new: 2, resolved: 1, unchanged: 2, scoreBefore: 85, scoreAfter: 84.96, scoreChange: 0 });
    expect(diff.agents).toEqual([
      { agentId: '7', agentName: 'name 7', new: 0, resolved: 1, unchanged: 1, scoreBefore: 80, scoreAfter: 95, scoreChange: 15 },
      { agentId: '8', agentName: 'name 8', new: 0, resolved: 0, unchanged: 1, scoreBefore: 90, scoreAfter: 90, scoreChange: 0 },
      { agentId: '9', agentName: 'name 9', new: 2, resolved: 0, unchanged: 0, scoreBefore: null, scoreAfter: 70, scoreChange: null },
    ]);
    expect(diff.rules).toEqual([
      { ruleId: 'rude', new: 1, resolved: 0, unchanged: 2 },
      { ruleId: 'slow', new: 1, resolved: 1, unchanged: 0 },
    ]);
    expect(diff.resolvedFindings.map((f) => f.ruleId)).toEqual(['slow']);
  });

  it('says when the rules changed or a report lists fewer findings than it counts', async () => {
    const quiet = { ...report([finding('c1', 'rude', '7', 'a')]), summary: { ...TEMPLATE.summary, findings: 3 } };
    const diff = await diffReports(quiet, report([], [], null, 'h2'), FILES);
    expect(diff.rulesChanged).toBe(true);
    expect(diff.baseline).toMatchObject({ file: 'yesterday.json', findings: 3, listed: 1 });
    expect(diff.totals).toMatchObject({ new: 0, resolved: 1, scoreChange: null });
  });
});
