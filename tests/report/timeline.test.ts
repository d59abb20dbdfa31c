import { describe, expect, it } from 'vitest';
import { renderTimeline, type TimelineContext } from '../../src/report/timeline.js';
import { displayWidth, wrapStyled } from '../../src/report/terminal-text.js';
import type { Transcript } from '../../src/model/transcript.js';
import type { Finding } from '../../src/model/report.js';
import { chatlint } from '../helpers/cli.js';
import { tempDir } from '../helpers/cli.js';
import { join } from 'node:path';

const ANSI = /\u001b\[[0-9;]*m/g;

describe('display width (string-width)', () => {
  it('counts CJK, ☕ and ZWJ emoji sequences as two columns, combining marks as none', () => {
    expect(displayWidth('中文')).toBe(4);
    expect(displayWidth('☕')).toBe(2);
    expect(displayWidth('👨‍👩‍👧')).toBe(2);
    expect(displayWidth('🇨🇳')).toBe(2);
    expect(displayWidth('é')).toBe(1);
    expect(displayWidth('ok')).toBe(2);
  });
});

describe('wrapStyled', () => {
  const lines = (text: string, width: number) => wrapStyled([{ text, mark: false }], width).map((l) => l.map((r) => r.text).join(''));

  it('never puts more than the width on a line, whatever the mix of scripts', () => {
    const text = 'Hello ☕ 您好👨‍👩‍👧这里是云客服1024为您服务 a-very-long-english-word-that-will-not-fit ok';
    for (const width of [5, 8, 13, 20, 33]) {
      for (const line of lines(text, width)) expect(displayWidth(line)).toBeLessThanOrEqual(width);
      expect(lines(text, width).join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
    }
  });

  it('keeps Latin words whole, breaks CJK between characters, and keeps a ZWJ sequence in one piece', () => {
    expect(lines('please wait a moment', 10)).toEqual(['please', 'wait a', 'moment']);
    expect(lines('请稍等两分钟☕好的', 6)).toEqual(['请稍等', '两分钟', '☕好的']);
    expect(lines('ab👨‍👩‍👧cd', 3)).toEqual(['ab', '👨‍👩‍👧', 'cd']);
  });

  it('breaks at line breaks in the text', () => {
    expect(lines('one\ntwo', 20)).toEqual(['one', 'two']);
  });
});

function finding(partial: Partial<Finding> & Pick<Finding, 'ruleId' | 'messageIndex' | 'message'>): Finding {
  return {
    kind: 'forbidden-phrase', severity: 'error', agentId: '1024', agentName: '小美', conversationId: 'C1', timestamp: '2026-11-27T12:00:00.000Z',
    match: null, offset: null, seconds: null, excerpt: '', source: { file: 'chat.jsonl', line: 1, record: 1 }, ...partial,
  };
}

const transcript: Transcript = {
  conversationId: 'C1',
  complete: true,
  messages: [
    { index: 0, timestamp: '2026-11-27T15:59:50.000Z', role: 'customer', agentId: null, agentName: null, text: '在吗☕ 我的订单👨‍👩‍👧还没到，能帮我查一下物流吗？单号是 SF1234567890', replySeconds: null },
    { index: 1, timestamp: '2026-11-27T16:01:20.000Z', role: 'agent', agentId: '1024', agentName: '小美', text: '亲，在的！！请稍等', replySeconds: 90 },
    { index: 2, timestamp: '2026-11-27T16:01:40.000Z', role: 'agent', agentId: '1024', agentName: '小美', text: 'Your parcel left the Shenzhen depot this morning and should arrive tomorrow.', replySeconds: null },
    { index: 3, timestamp: '2026-11-27T16:02:00.000Z', role: 'customer', agentId: null, agentName: null, text: '好的\n谢谢', replySeconds: null },
    { index: 4, timestamp: '2026-11-27T16:02:50.000Z', role: 'agent', agentId: '1024', agentName: '小美', text: '不客气', replySeconds: 50 },
  ],
  findings: [
    finding({ ruleId: 'reply-within-60s', kind: 'response-time', messageIndex: 1, message: '客户等待90秒才得到回复，超过60秒的响应时限', seconds: 90 }),
    finding({ ruleId: 'no-emotional-punctuation', severity: 'warning', messageIndex: 1, message: '使用了带强烈情绪色彩的标点：“！！”', match: '！！', offset: 5 }),
  ],
  summary: {
    conversationId: 'C1', agents: ['1024'], startedAt: '2026-11-27T15:59:50.000Z', messages: 5, findings: 2, score: 93, passed: true, critical: false,
    deductions: { 'reply-within-60s': 5, 'no-emotional-punctuation': 2 }, agentScores: { '1024': 93 }, source: { file: 'chat.jsonl' },
  },
};

const context = (overrides: Partial<TimelineContext> = {}): TimelineContext => ({
  color: false, language: 'en', timezone: 'Asia/Shanghai', width: 40, replyLimitSeconds: 60, scored: true,
  scoring: { base: 100, passMark: 80 }, criticalRules: new Set(), ...overrides,
});

describe('audit timeline', () => {
  it('renders without colour at a fixed width (CJK and emoji measured, midnight crossed)', async () => {
    const text = renderTimeline(transcript, context());
    expect(text).not.toMatch(ANSI);
    for (const line of text.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(40);
    await expect(text).toMatchFileSnapshot('__snapshots__/timeline.en.40.txt');
  });

  it('renders Chinese labels', async () => {
    await expect(renderTimeline(transcript, context({ language: 'zh-CN', width: 60 }))).toMatchFileSnapshot('__snapshots__/timeline.zh.60.txt');
  });

  it('in colour, the match is highlighted and a late reply is red; stripped of colour it reads the same apart from brackets', () => {
    const coloured = renderTimeline(transcript, context({ color: true, width: 80 }));
    expect(coloured).toContain('\u001b[41m'); // the match on a red background
    expect(coloured).toContain('\u001b[31m\u001b[1mreply 90s'); // over the limit, red and bold
    const plain = renderTimeline(transcript, context({ width: 80 }));
    expect(coloured.replace(ANSI, '')).toBe(plain.replace('[！！]', '！！').replace(' (over 60 s)', ''));
  });
});

describe('chatlint audit (in process)', () => {
  const dir = tempDir({
    'night.jsonl': [
      { conversation_id: 'A', timestamp: '2026-11-27T10:00:00+08:00', role: 'customer', text: '在吗' },
      { conversation_id: 'A', timestamp: '2026-11-27T10:00:10+08:00', role: 'agent', agent_id: '1024', agent_name: '小美', text: '您好，云客服1024为您服务' },
      { conversation_id: 'B', timestamp: '2026-11-27T11:00:00+08:00', role: 'customer', text: '在吗☕' },
      { conversation_id: 'B', timestamp: '2026-11-27T11:02:00+08:00', role: 'agent', agent_id: '2048', agent_name: '阿杰', text: '在的！！' },
    ].map((r) => JSON.stringify(r)).join('\n') + '\n',
  });
  const file = join(dir, 'night.jsonl');

  it('lists the conversations worst first, then audits the worst', async () => {
    const { code, stdout } = await chatlint(['audit', file, '--width', '60'], { tty: true });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^2 conversations, worst first/);
    expect(stdout.indexOf('  B ')).toBeLessThan(stdout.indexOf('  A '));
    expect(stdout).toContain('Auditing the worst: B');
    expect(stdout).toContain('msg 2  11:02:00  agent 2048 阿杰  reply 120s (over 60 s)');
    expect(stdout).toContain('[！！]');
    expect(stdout).not.toMatch(ANSI); // piped: no colour, and the match is still marked
  });

  it('shows the conversation asked for, and refuses one that is not there', async () => {
    const a = await chatlint(['audit', file, '--conversation', 'A', '--width', '60'], { tty: true });
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^Conversation A/);
    expect(a.stdout).not.toContain('worst first');
    const missing = await chatlint(['audit', file, '--conversation', 'Z'], { tty: true });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no conversation "Z" in the input');
  });

  it('check --conversation selects conversations for every format (repeatable or comma-separated)', async () => {
    const one = JSON.parse((await chatlint(['check', file, '--format', 'json', '--conversation', 'A'], { tty: true })).stdout);
    expect(one.conversations.map((c: { conversationId: string }) => c.conversationId)).toEqual(['A']);
    const both = JSON.parse((await chatlint(['check', file, '--format', 'json', '--conversation', 'A,B'], { tty: true })).stdout);
    const again = JSON.parse((await chatlint(['check', file, '--format', 'json', '--conversation', 'A', '--conversation', 'B'], { tty: true })).stdout);
    expect(both.summary.conversations).toBe(2);
    expect(again.summary).toEqual(both.summary);
  });
});
