import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/report.js';
import { scoreFindings, scoreStats, type ScoringPolicy } from '../../src/engine/score.js';
import { chatlint, tempDir, jsonLine as line } from '../helpers/cli.js';

const finding = (ruleId: string, agentId = '1'): Finding => ({
  ruleId, kind: 'k', severity: 'error', agentId, agentName: null, conversationId: 'c', messageIndex: 0,
  timestamp: '', message: '', match: null, offset: null, seconds: null, excerpt: '', source: { file: 'f', line: 1, record: 1 },
});

const policy: ScoringPolicy = {
  base: 100,
  passMark: 80,
  rules: new Map([
    ['once', { points: 10, critical: false }],
    ['each', { points: 5, maxPoints: 12, critical: false }],
    ['free', { critical: false }],
    ['bottom-line', { points: 1, critical: true }],
  ]),
};

describe('scoring', () => {
  it('deducts a rule once per conversation by default', () => {
    expect(scoreFindings([finding('once'), finding('once')], policy)).toEqual({ score: 90, passed: true, critical: false, deductions: { once: 10 } });
  });
  it('deducts per finding up to maxPoints', () => {
    expect(scoreFindings([finding('each'), finding('each')], policy).deductions).toEqual({ each: 10 });
    expect(scoreFindings([finding('each'), finding('each'), finding('each')], policy).deductions).toEqual({ each: 12 });
  });
  it('gives 0 for a critical finding and fails the pass mark below 80', () => {
    expect(scoreFindings([finding('bottom-line')], policy)).toMatchObject({ score: 0, passed: false, critical: true });
    expect(scoreFindings([finding('once'), finding('each'), finding('each'), finding('each')], policy)).toMatchObject({ score: 78, passed: false });
  });
  it('rules without points deduct nothing, and the score never goes below 0', () => {
    expect(scoreFindings([finding('free')], policy).score).toBe(100);
    const harsh = { ...policy, base: 10 };
    expect(scoreFindings([finding('once'), finding('each')], harsh).score).toBe(0);
  });
  it('summarises average, median, pass rate and critical count', () => {
    const stats = scoreStats([{ score: 100, critical: false }, { score: 70, critical: false }, { score: 0, critical: true }, { score: 90, critical: false }], 80);
    expect(stats).toEqual({ conversationsScored: 4, averageScore: 65, medianScore: 80, passRate: 0.5, criticalCount: 1 });
  });
});

const RULES = `name: scored
timezone: Asia/Shanghai
scoring: { base: 100, passMark: 85 }
rules:
  - id: greeting
    kind: greeting
    patterns: ["云客服{agentId}"]
    points: 10
  - id: slow
    kind: response-time
    maxSeconds: 60
    points: 5
    maxPoints: 15
  - id: abuse
    kind: forbidden-phrase
    phrases: ["滚"]
    critical: true
`;
const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 2, 0, s)).toISOString();
const DATA =
  // c1: 1024 greets, then 2048 takes over without greeting and replies late once.
  line({ conversation_id: 'c1', timestamp: at(0), role: 'customer', text: '你好' }) +
  line({ conversation_id: 'c1', timestamp: at(10), role: 'agent', agent_id: '1024', text: '您好，云客服1024为您服务' }) +
  line({ conversation_id: 'c1', timestamp: at(20), role: 'customer', text: '还在吗' }) +
  line({ conversation_id: 'c1', timestamp: at(200), role: 'agent', agent_id: '2048', text: '在的' }) +
  // c2: 1024 says a bottom-line phrase.
  line({ conversation_id: 'c2', timestamp: at(0), role: 'customer', text: '你好' }) +
  line({ conversation_id: 'c2', timestamp: at(5), role: 'agent', agent_id: '1024', text: '云客服1024，滚' });

describe('scores in reports', () => {
  it('scores conversations and agents on their own findings, and --csv-report conversations carries them', async () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': DATA });
    const report = JSON.parse((await chatlint(['check', 'a.jsonl', '-r', 'r.yaml', '-f', 'json'], { cwd: dir })).stdout);
    expect(report.conversations.map((c: { conversationId: string; score: number; passed: boolean; critical: boolean; deductions: object; agentScores: object }) =>
      [c.conversationId, c.score, c.passed, c.critical, c.deductions, c.agentScores])).toEqual([
      ['c1', 85, true, false, { greeting: 10, slow: 5 }, { 1024: 100, 2048: 85 }],
      ['c2', 0, false, true, {}, { 1024: 0 }],
    ]);
    expect(report.agents.map((a: { agentId: string; averageScore: number; medianScore: number; passRate: number; criticalCount: number }) =>
      [a.agentId, a.averageScore, a.medianScore, a.passRate, a.criticalCount])).toEqual([
      ['1024', 50, 50, 0.5, 1],
      ['2048', 85, 85, 1, 0],
    ]);
    expect(report.summary).toMatchObject({ conversationsScored: 2, averageScore: 42.5, medianScore: 42.5, passRate: 0.5, criticalCount: 1 });

    const csv = (await chatlint(['check', 'a.jsonl', '-r', 'r.yaml', '-f', 'csv', '--csv-report', 'conversations'], { cwd: dir })).stdout;
    expect(csv.split('\r\n').slice(0, 3)).toEqual([
      'conversationId,startedAt,agents,messages,findings,score,passed,critical,file,localStartedAt,deduction:greeting,deduction:slow,deduction:abuse',
      'c1,2026-11-27T02:00:00.000Z,1024 2048,4,2,85,true,false,a.jsonl,2026-11-27 10:00:00,10,5,0',
      'c2,2026-11-27T02:00:00.000Z,1024,2,1,0,false,true,a.jsonl,2026-11-27 10:00:00,0,0,0',
    ]);
  });

  it('--fail-under exits 1 when the average score is below it', async () => {
    const dir = tempDir({ 'r.yaml': RULES.replace('critical: true', 'severity: warning'), 'a.jsonl': DATA });
    // Without the critical rule nothing but errors decides the exit code: two error findings.
    expect((await chatlint(['check', 'a.jsonl', '-r', 'r.yaml', '--max-errors', '5'], { cwd: dir })).code).toBe(0);
    const failing = await chatlint(['check', 'a.jsonl', '-r', 'r.yaml', '--max-errors', '5', '--fail-under', '95'], { cwd: dir });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('average score 92.5 is below --fail-under 95');
    expect((await chatlint(['check', 'a.jsonl', '-r', 'r.yaml', '--max-errors', '5', '--fail-under', '90'], { cwd: dir })).code).toBe(0);
    expect((await chatlint(['check', 'a.jsonl', '-r', 'r.yaml', '--fail-under', 'high'], { cwd: dir })).code).toBe(2);
  });

  it('shows scores and the worst agent first in the pretty report', async () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': DATA });
    const out = (await chatlint(['check', 'a.jsonl', '-r', 'r.yaml'], { cwd: dir })).stdout;
    expect(out).toContain('Conversation c2  score 0 (failed by a bottom-line rule)');
    const table = out.slice(out.indexOf('Per agent'));
    expect(table.indexOf('1024')).toBeLessThan(table.indexOf('2048'));
    expect(out).toContain('Score: average 42.5 / 100, 50% passed (pass mark 85), 1 failed by a bottom-line rule');
  });
});

describe('waivers', () => {
  const WAIVERS_CSV = 'conversationId,ruleId,messageIndex,reason,reviewer,date\nc1,slow,3,system outage 10:00-10:05,QA Lin,2026-11-28\nc9,slow,,old,QA Lin,2026-11-01\n';
  it('leaves waived findings out of counts and scores, lists them, and names stale waivers', async () => {
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': DATA, 'w.csv': WAIVERS_CSV });
    const result = await chatlint(['check', 'a.jsonl', '-r', 'r.yaml', '-f', 'json', '--waivers', 'w.csv'], { cwd: dir });
    const report = JSON.parse(result.stdout);
    expect(report.summary).toMatchObject({ findings: 2, waived: 1 });
    expect(report.waived).toEqual([expect.objectContaining({ ruleId: 'slow', messageIndex: 3, waiver: expect.objectContaining({ reason: 'system outage 10:00-10:05', reviewer: 'QA Lin', source: 'w.csv:2' }) })]);
    expect(report.conversations[0]).toMatchObject({ conversationId: 'c1', score: 90 });
    expect(report.unusedWaivers).toEqual([expect.objectContaining({ conversationId: 'c9', source: 'w.csv:3' })]);
    expect(result.stderr).toContain('w.csv:3: waiver matched no finding (c9 slow)');
  });

  it('reads YAML waivers and rejects ones without a reason, naming the line', async () => {
    const yaml = 'waivers:\n  - conversationId: c1\n    ruleId: greeting\n    reason: transferred by the system\n  - conversationId: c2\n    ruleId: abuse\n';
    const dir = tempDir({ 'r.yaml': RULES, 'a.jsonl': DATA, 'w.yaml': yaml, 'ok.yaml': yaml.split('  - conversationId: c2')[0] ?? '' });
    const bad = await chatlint(['check', 'a.jsonl', '-r', 'r.yaml', '--waivers', 'w.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/w\.yaml:5: reason: /);
    const ok = JSON.parse((await chatlint(['check', 'a.jsonl', '-r', 'r.yaml', '-f', 'json', '--waivers', 'ok.yaml'], { cwd: dir })).stdout);
    expect(ok.waived.map((w: { ruleId: string }) => w.ruleId)).toEqual(['greeting']);
  });
});
