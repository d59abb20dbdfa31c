import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/model/message.js';
import type { Finding } from '../../src/model/report.js';
import { compileRuleText } from '../../src/config/compile.js';
import { checkConversation } from '../../src/engine/apply-rules.js';
import { conversation, msg, runRule } from '../helpers/rules.js';

const WAIT = `
id: wait-with-time
kind: wait-notice
phrases: ["请稍等", "请您稍等", "稍等一下", "please hold", "one moment"]
`;
const RESPONSE = `
id: reply-within-60s
kind: response-time
maxSeconds: 60
`;
const indent = (rule: string) => rule.trim().split('\n').map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)).join('\n');
/** Runs both rules from one rule file, wait-notice first; `extra` lines go under each rule as given. */
function runBoth(conv: Conversation, waitExtra = '', responseExtra = '') {
  const text = `rules:\n${indent(WAIT + waitExtra)}\n${indent(RESPONSE + responseExtra)}\n`;
  return checkConversation(compileRuleText(text, 'test.yaml').rules, conv);
}

const brief = (f: Finding) => ({
  ruleId: f.ruleId,
  agentId: f.agentId,
  messageIndex: f.messageIndex,
  match: f.match,
  offset: f.offset,
  seconds: f.seconds,
  message: f.message,
});

describe('wait-notice: a time must be stated', () => {
  it('reports a notice without a time, on the notice, with the wait phrase as the match', () => {
    const conv = conversation(msg(0, 'customer', '我的快递到哪了？'), msg(10, '1024', '好的，请稍等，我帮您查一下'));
    expect(runRule(WAIT, conv).map(brief)).toEqual([
      {
        ruleId: 'wait-with-time',
        agentId: '1024',
        messageIndex: 1,
        match: '请稍等',
        offset: 3,
        seconds: null,
        message: 'Asked the customer to wait without saying for how long',
      },
    ]);
  });

  it('accepts Chinese numerals, halves and compounds as a stated time', () => {
    for (const text of ['请稍等两分钟', '请稍等三十秒', '请稍等半分钟', '请稍等一分半', '请稍等1分30秒', '请稍等2分钟', 'please hold for 2 minutes', 'one moment, a minute please']) {
      expect([text, runRule(WAIT, conversation(msg(0, 'customer', 'q'), msg(5, '1024', text), msg(6, '1024', 'back')))]).toEqual([text, []]);
    }
  });

  it('does not take a vague amount or a time in the past as a promise', () => {
    const conv = conversation(msg(0, '1024', '请稍等几分钟'), msg(1, '1024', '您的包裹5分钟前已签收，请稍等'), msg(2, '1024', 'please hold one sec'));
    expect(runRule(WAIT, conv).map((f) => [f.messageIndex, f.match])).toEqual([[0, '请稍等'], [1, '请稍等'], [2, 'please hold']]);
  });

  it('requireTime: false judges only promises kept', () => {
    expect(runRule(`${WAIT}requireTime: false`, conversation(msg(0, '1024', '请稍等')))).toEqual([]);
  });

  it('ignores customers asking the agent to wait', () => {
    expect(runRule(WAIT, conversation(msg(0, 'customer', '请稍等，我找一下订单号')))).toEqual([]);
  });
});

describe('wait-notice: the promise must be kept', () => {
  it('accepts a return exactly at the promised time and reports one a second late, with both times', () => {
    const onTime = conversation(msg(0, '1024', '请您稍等两分钟，我马上为您确认'), msg(120, '1024', '让您久等了'));
    expect(runRule(WAIT, onTime)).toEqual([]);
    const late = conversation(msg(0, '1024', '请您稍等两分钟，我马上为您确认'), msg(121, '1024', '让您久等了'));
    expect(runRule(WAIT, late).map(brief)).toEqual([
      {
        ruleId: 'wait-with-time',
        agentId: '1024',
        messageIndex: 0,
        match: '两分钟',
        offset: 4,
        seconds: 121,
        message: 'Promised a wait of 120 s but came back after 121 s',
      },
    ]);
  });

  it('measures the promise as stated: 半分钟 = 30 s, 一分半 = 90 s, 1分30秒 = 90 s', () => {
    const judge = (text: string, back: number) =>
      runRule(WAIT, conversation(msg(0, '7', text), msg(back, '7', 'ok'))).map((f) => [f.match, f.seconds]);
    expect(judge('请稍等半分钟', 30)).toEqual([]);
    expect(judge('请稍等半分钟', 31)).toEqual([['半分钟', 31]]);
    expect(judge('请稍等一分半', 90)).toEqual([]);
    expect(judge('请稍等一分半', 91)).toEqual([['一分半', 91]]);
    expect(judge('请稍等1分30秒', 91)).toEqual([['1分30秒', 91]]);
    expect(judge('请稍等三十秒', 45)).toEqual([['三十秒', 45]]);
  });

  it('adds graceSeconds to the promise', () => {
    const conv = (back: number) => conversation(msg(0, '7', '请稍等2分钟'), msg(back, '7', 'ok'));
    const rule = `${WAIT}graceSeconds: 15`;
    expect(runRule(rule, conv(135))).toEqual([]);
    expect(runRule(rule, conv(136)).map((f) => [f.seconds, f.message])).toEqual([[136, 'Promised a wait of 120 s but came back after 136 s']]);
  });

  it('keeps counting through customer messages; any agent ends the wait; the promiser is held responsible', () => {
    const conv = conversation(
      msg(0, '1024', '请稍等1分钟'),
      msg(30, 'customer', '好的'),
      msg(70, 'customer', '还在吗？'),
      msg(100, '2048', '您好，我来接着为您处理'),
    );
    expect(runRule(WAIT, conv).map((f) => [f.agentId, f.messageIndex, f.seconds])).toEqual([['1024', 0, 100]]);
  });

  it('does not judge a wait the log ends before any agent returns', () => {
    expect(runRule(WAIT, conversation(msg(0, '1024', '请稍等1分钟'), msg(600, 'customer', '人呢？')))).toEqual([]);
  });

  it('takes the longest stated time and renders lateMessage with its placeholders', () => {
    const rule = `${WAIT}lateMessage: "承诺{promisedSeconds}秒（宽限{graceSeconds}秒），实际{seconds}秒"`;
    const conv = conversation(msg(0, '1024', '请稍等1-2分钟，最多3分钟'), msg(200, '1024', 'ok'));
    expect(runRule(rule, conv).map((f) => [f.match, f.offset, f.message])).toEqual([['3分钟', 11, '承诺180秒（宽限0秒），实际200秒']]);
  });

  it('rejects an unknown placeholder in lateMessage', () => {
    expect(() => runRule(`${WAIT}lateMessage: "{promised}"`, conversation())).toThrow(/lateMessage: unknown placeholder \{promised\}/);
  });
});

describe('wait-notice and response-time: one wait, one rule', () => {
  // The customer asks, the agent answers at once with a two-minute wait, the customer writes in between.
  const waitThenReturn = (back: number) =>
    conversation(
      msg(0, 'customer', '我的退款什么时候到账？'),
      msg(10, '1024', '请您稍等2分钟，我马上为您确认'),
      msg(40, 'customer', '好的，麻烦快一点'),
      msg(back, '1024', '已为您查到，退款明天到账'),
    );

  it('alone, response-time counts the customer message sent during the wait', () => {
    expect(runRule(RESPONSE, waitThenReturn(125)).map((f) => [f.messageIndex, f.seconds])).toEqual([[3, 85]]);
  });

  it('inside the promised window: neither rule reports', () => {
    expect(runBoth(waitThenReturn(130))).toEqual([]);
  });

  it('after the window: only the wait-notice late return, with the whole wait; response-time does not also measure it', () => {
    expect(runBoth(waitThenReturn(131)).map(brief)).toEqual([
      {
        ruleId: 'wait-with-time',
        agentId: '1024',
        messageIndex: 1,
        match: '2分钟',
        offset: 4,
        seconds: 121,
        message: 'Promised a wait of 120 s but came back after 121 s',
      },
    ]);
    expect(runBoth(waitThenReturn(600)).map((f) => [f.ruleId, f.messageIndex, f.seconds])).toEqual([['wait-with-time', 1, 590]]);
  });

  it('after the return, response-time measures the customer again', () => {
    const conv = conversation(
      msg(0, 'customer', 'q'),
      msg(10, '1024', '请稍等2分钟'),
      msg(40, 'customer', '好的'),
      msg(100, '1024', '查到了'),
      msg(110, 'customer', '那运费呢？'),
      msg(200, '1024', '运费已退'),
    );
    expect(runBoth(conv).map((f) => [f.ruleId, f.messageIndex, f.seconds])).toEqual([['reply-within-60s', 5, 90]]);
  });

  it('a notice without a time excuses nothing', () => {
    const conv = conversation(msg(0, 'customer', 'q'), msg(10, '1024', '请稍等'), msg(20, 'customer', '好'), msg(100, '1024', 'a'));
    expect(runBoth(conv).map((f) => [f.ruleId, f.messageIndex, f.seconds])).toEqual([
      ['wait-with-time', 1, null],
      ['reply-within-60s', 3, 80],
    ]);
  });

  it('only an active wait-notice rule excuses: disabled, or not applying to the conversation, it does not', () => {
    const summary = (findings: Finding[]) => findings.map((f) => [f.ruleId, f.messageIndex, f.seconds]);
    expect(summary(runBoth(waitThenReturn(125), 'enabled: false'))).toEqual([['reply-within-60s', 3, 85]]);
    expect(summary(runBoth(waitThenReturn(125), 'appliesTo: { team: billing }'))).toEqual([['reply-within-60s', 3, 85]]);
    const billing = { ...waitThenReturn(125), meta: { team: 'billing' } };
    expect(runBoth(billing, 'appliesTo: { team: billing }')).toEqual([]);
  });

  it('honourWaitNotices: false makes response-time measure every customer message', () => {
    expect(runBoth(waitThenReturn(125), '', 'honourWaitNotices: false').map((f) => [f.ruleId, f.seconds])).toEqual([['reply-within-60s', 85]]);
  });
});
