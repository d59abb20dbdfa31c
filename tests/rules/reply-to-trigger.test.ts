import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/report.js';
import { conversation, msg, runRule } from '../helpers/rules.js';

const THANKS = `
id: answer-thanks
kind: reply-to-trigger
trigger:
  phrases: ["谢谢", "多谢", "thanks", "thank you"]
expect:
  phrases: ["不客气", "不用谢", "you're welcome"]
`;
const APOLOGY = `
id: apologise-for-complaint
kind: reply-to-trigger
trigger:
  patterns: ["投诉", "太慢了", "怎么还没"]
expect:
  phrases: ["抱歉", "对不起", "不好意思"]
within: 2
message: "客户抱怨“{trigger}”后，客服{agentId}在{within}条消息内未致歉"
`;

const brief = (f: Finding) => [f.ruleId, f.agentId, f.messageIndex, f.message];

describe('reply-to-trigger', () => {
  it('passes thanks answered with 不客气 in the next agent message', () => {
    const conv = conversation(msg(0, 'customer', '好的，谢谢'), msg(5, '1024', '不客气，祝您生活愉快'));
    expect(runRule(THANKS, conv)).toEqual([]);
  });

  it("reports unanswered thanks on the agent's next message, held against that agent", () => {
    const conv = conversation(msg(0, '1024', '已为您办理'), msg(5, 'customer', '谢谢！'), msg(9, 'customer', '还有一个问题'), msg(20, '2048', '您请讲'));
    expect(runRule(THANKS, conv).map(brief)).toEqual([['answer-thanks', '2048', 3, 'No expected reply to "谢谢" within 1 message(s)']]);
  });

  it('looks only at the next `within` messages of the checked role', () => {
    const conv = conversation(msg(0, 'customer', '你们太慢了'), msg(5, '7', '我看一下'), msg(6, 'customer', '快点'), msg(9, '7', '很抱歉让您久等'));
    expect(runRule(APOLOGY, conv)).toEqual([]);
    expect(runRule(APOLOGY.replace('within: 2', 'within: 1'), conv).map(brief)).toEqual([
      ['apologise-for-complaint', '7', 1, '客户抱怨“太慢了”后，客服7在1条消息内未致歉'],
    ]);
  });

  it('answers every thanks by default, but a burst before any reply is one trigger', () => {
    const conv = conversation(
      msg(0, 'customer', '谢谢'),
      msg(1, 'customer', '多谢多谢'),
      msg(5, '1024', '好的'),
      msg(10, 'customer', 'thanks again'),
      msg(15, '1024', '祝您愉快'),
    );
    expect(runRule(THANKS, conv).map((f) => [f.messageIndex, f.message])).toEqual([
      [2, 'No expected reply to "谢谢" within 1 message(s)'],
      [4, 'No expected reply to "thanks" within 1 message(s)'],
    ]);
  });

  it('once: true asks only the first thanks of a conversation (a habitual thanker is answered once)', () => {
    const answeredFirst = conversation(
      msg(0, 'customer', '谢谢'),
      msg(5, '1024', '不客气'),
      msg(10, 'customer', '谢谢'),
      msg(15, '1024', '还有什么可以帮您'),
      msg(20, 'customer', 'thank you'),
      msg(25, '1024', '再见'),
    );
    expect(runRule(`${THANKS}once: true`, answeredFirst)).toEqual([]);
    expect(runRule(THANKS, answeredFirst).map((f) => f.messageIndex)).toEqual([3, 5]);
    const ignoredFirst = conversation(msg(0, 'customer', '谢谢'), msg(5, '1024', '好的'), msg(10, 'customer', '谢谢'), msg(15, '1024', '不客气'));
    expect(runRule(`${THANKS}once: true`, ignoredFirst).map(brief)).toEqual([['answer-thanks', '1024', 1, 'No expected reply to "谢谢" within 1 message(s)']]);
  });

  it('is not a finding when the log ends before any agent message', () => {
    expect(runRule(THANKS, conversation(msg(0, '1024', '已办理'), msg(5, 'customer', '谢谢'), msg(6, 'bot', '请评价')))).toEqual([]);
  });

  it('judges the trigger with fewer than `within` later agent messages on those there are', () => {
    const conv = conversation(msg(0, 'customer', '我要投诉'), msg(5, '7', '请讲'));
    expect(runRule(APOLOGY, conv).map((f) => [f.agentId, f.messageIndex])).toEqual([['7', 1]]);
  });

  it("ignores the agent's own use of the trigger words and other roles unless triggerRole says so", () => {
    expect(runRule(THANKS, conversation(msg(0, '1024', '谢谢您的耐心'), msg(5, '1024', '好的')))).toEqual([]);
    const botThanks = conversation(msg(0, 'bot', '谢谢您的咨询'), msg(5, '1024', '您好'));
    expect(runRule(THANKS, botThanks)).toEqual([]);
    expect(runRule(`${THANKS}triggerRole: bot`, botThanks).map((f) => f.messageIndex)).toEqual([1]);
  });

  it('width-folds and ignores case in trigger and expected reply', () => {
    expect(runRule(THANKS, conversation(msg(0, 'customer', 'THANKS'), msg(5, 'A1', "You're welcome!")))).toEqual([]);
  });

  it('rejects an empty trigger and unknown keys inside it', () => {
    expect(() => runRule('id: x\nkind: reply-to-trigger\ntrigger: {}\nexpect: { phrases: [a] }', conversation())).toThrow(/trigger\.phrases: needs at least one phrase or pattern/);
    expect(() => runRule('id: x\nkind: reply-to-trigger\ntrigger: { words: [a] }\nexpect: { phrases: [a] }', conversation())).toThrow(/trigger\.words: unknown key/);
  });
});
