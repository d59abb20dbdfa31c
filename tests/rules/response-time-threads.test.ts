import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { replyAncestors } from '../../src/rules/kinds/response-time.js';
import type { Report } from '../../src/model/report.js';
import { conversation, msg, runRule } from '../helpers/rules.js';
import { chatlint } from '../helpers/cli.js';
import { FORMAT_FIXTURES as FIXTURES } from '../helpers/reading.js';

const RULE = `
id: reply-within-60s
kind: response-time
maxSeconds: 60
`;
/** A message with its own id and, optionally, the id it replies to. */
const linked = (seconds: number, who: string, id: string, replyTo?: string) => msg(seconds, who, `${who} ${id}`, { id, ...(replyTo ? { replyTo } : {}) });

describe('response-time in reply-linked threads', () => {
  it('a thread that branches: the reply in one branch does not stop the clock of the other', () => {
    //   c1 ── a3 (30 s, in time)
    //   c2 ── a4 (200 s after c2: late)
    const conv = conversation(linked(0, 'customer', 'c1'), linked(10, 'customer', 'c2'), linked(30, '7', 'a3', 'c1'), linked(200, '7', 'a4', 'c2'));
    expect(runRule(RULE, conv).map((f) => [f.messageIndex, f.seconds])).toEqual([[3, 190]]);
    // the same messages without links: one clock in time order, stopped by a3, so no finding
    const plain = conversation(msg(0, 'customer', 'c1'), msg(10, 'customer', 'c2'), msg(30, '7', 'a3'), msg(200, '7', 'a4'));
    expect(runRule(RULE, plain)).toEqual([]);
  });

  it('an agent reply to a later message of the same branch answers the earlier one too', () => {
    // c1 ← c2 (the customer adds to their own question) ← a3 replies to c2, 100 s after c1
    const conv = conversation(linked(0, 'customer', 'c1'), linked(40, 'customer', 'c2', 'c1'), linked(100, '7', 'a3', 'c2'));
    expect(runRule(RULE, conv).map((f) => [f.messageIndex, f.seconds])).toEqual([[2, 100]]);
  });

  it('a reply to the agent starts a new clock on that branch; an agent reply to an ancestor does not answer it', () => {
    // c1 ← a2 (in time) ← c3 (follow-up) ; a4 replies to c1 again (another branch from c1), a5 answers c3 late
    const conv = conversation(
      linked(0, 'customer', 'c1'),
      linked(20, '7', 'a2', 'c1'),
      linked(30, 'customer', 'c3', 'a2'),
      linked(40, '7', 'a4', 'c1'),
      linked(150, '7', 'a5', 'c3'),
    );
    expect(runRule(RULE, conv).map((f) => [f.messageIndex, f.seconds])).toEqual([[4, 120]]);
  });

  it('an agent message without a link stops every open clock (the time-order rule), with the longest wait', () => {
    const conv = conversation(linked(0, 'customer', 'c1'), linked(30, 'customer', 'c2'), linked(90, '7', 'a3'));
    expect(runRule(RULE, conv).map((f) => [f.messageIndex, f.seconds])).toEqual([[2, 90]]);
  });

  it('bots do not stop a clock in a thread either; links to messages not in the conversation are no links', () => {
    const conv = conversation(linked(0, 'customer', 'c1'), linked(5, 'bot', 'b2', 'c1'), linked(70, '7', 'a3', 'c1'));
    expect(runRule(RULE, conv).map((f) => f.seconds)).toEqual([70]);
    expect(replyAncestors([msg(0, 'customer', 'x', { id: '1', replyTo: 'gone' })])).toBeNull();
  });

  it('a loop of links (a malformed export) ends', () => {
    const loop = replyAncestors([msg(0, 'customer', 'x', { id: '1', replyTo: '2' }), msg(1, 'customer', 'y', { id: '2', replyTo: '1' })]);
    expect(loop?.map((s) => [...s])).toEqual([[1], [0]]);
  });

  it('end to end on the Telegram fixture: the agent answers Sigrun in time and Jonas late, in another branch', async () => {
    const { stdout } = await chatlint([
      'check', join(FIXTURES, 'telegram/result.json'), '--preset', 'en', '--format', 'json', '--map', join(FIXTURES, 'telegram/roles.yaml'),
    ]);
    const report = JSON.parse(stdout) as Report;
    const late = report.findings.filter((f) => f.kind === 'response-time');
    // Jonas asked at 10:00:30 (message 3); the agent's reply to him (message 6) came at 10:05:00
    expect(late.map((f) => [f.messageIndex, f.seconds, f.excerpt])).toEqual([[4, 270, 'Jonas, your refund was sent yesterday.']]);
  });
});

describe('the reply delays shown in reports follow the same clock', () => {
  it('replyDelays gives each answering agent message the wait its branch saw', async () => {
    const { replyDelays } = await import('../../src/engine/reply-delays.js');
    const conv = conversation(linked(0, 'customer', 'c1'), linked(10, 'customer', 'c2'), linked(30, '7', 'a3', 'c1'), linked(200, '7', 'a4', 'c2'));
    expect(replyDelays(conv)).toEqual([null, null, 30, 190]);
    const plain = conversation(msg(0, 'customer', 'c1'), msg(10, 'customer', 'c2'), msg(30, '7', 'a3'), msg(200, '7', 'a4'));
    expect(replyDelays(plain)).toEqual([null, null, 30, null]);
  });
});
