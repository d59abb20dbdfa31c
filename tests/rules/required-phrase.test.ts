import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/report.js';
import { conversation, msg, runRule } from '../helpers/rules.js';

const CLOSING = `
id: closing-line
kind: required-phrase
phrases: ["请问还有什么可以帮您", "感谢您的来电", "anything else I can help"]
patterns: ["还有(?:什么|其他)问题吗"]
position: last
within: 2
`;

const brief = (f: Finding) => [f.ruleId, f.agentId, f.messageIndex, f.message];

describe('required-phrase', () => {
  it('passes a closing line in the last `within` agent messages, whatever follows from the customer', () => {
    const conv = conversation(
      msg(0, 'customer', 'q'),
      msg(5, '1024', '已为您处理好了'),
      msg(6, '1024', '请问还有什么可以帮您？'),
      msg(7, '1024', '祝您生活愉快'),
      msg(20, 'customer', '没有了'),
    );
    expect(runRule(CLOSING, conv)).toEqual([]);
  });

  it('reports a missing closing once per conversation, on the last agent message', () => {
    const conv = conversation(
      msg(0, 'customer', 'q'),
      msg(5, '1024', '请问还有什么可以帮您？'),
      msg(6, '1024', '已为您处理好了'),
      msg(7, '1024', '祝您生活愉快'),
      msg(20, 'customer', '好'),
    );
    expect(runRule(CLOSING, conv).map(brief)).toEqual([['closing-line', '1024', 3, 'Required phrase missing (position: last, within: 2)']]);
  });

  it('matches like forbidden-phrase: width-folded, word-edge bounded, patterns, ignoreCase', () => {
    const ok = (text: string) => runRule(CLOSING, conversation(msg(0, '1', text)));
    expect(ok('Is there ANYTHING ELSE I CAN HELP with?')).toEqual([]);
    expect(ok('您还有其他问题吗')).toEqual([]);
    const missing = [['closing-line', '1', 0, 'Required phrase missing (position: last, within: 2)']];
    expect(ok('anything else I can helpdesk').map(brief)).toEqual(missing);
    expect(runRule(`${CLOSING}ignoreCase: false`, conversation(msg(0, '1', 'ANYTHING ELSE I CAN HELP'))).map(brief)).toEqual(missing);
  });

  it('position: first looks at the first N messages and reports on the first', () => {
    const rule = `
id: opener
kind: required-phrase
phrases: ["您好"]
position: first
within: 1
`;
    const conv = conversation(msg(0, 'customer', 'hi'), msg(3, '1024', '请问有什么可以帮您'), msg(4, '1024', '您好'));
    expect(runRule(rule, conv).map(brief)).toEqual([['opener', '1024', 1, 'Required phrase missing (position: first, within: 1)']]);
    expect(runRule(rule.replace('within: 1', 'within: 2'), conv)).toEqual([]);
  });

  it('position: any (the default) accepts any message and reports on the first', () => {
    const rule = `
id: polite
kind: required-phrase
phrases: ["您"]
`;
    expect(runRule(rule, conversation(msg(0, '7', 'a'), msg(1, '7', 'b'), msg(2, '7', '您看可以吗')))).toEqual([]);
    expect(runRule(rule, conversation(msg(0, 'customer', '您好'), msg(1, '7', 'a'), msg(2, '7', 'b'))).map(brief)).toEqual([
      ['polite', '7', 1, 'Required phrase missing (position: any, within: 1)'],
    ]);
  });

  it('without perAgent the conversation is judged as a whole: the last agent closes for everyone', () => {
    const conv = conversation(
      msg(0, 'customer', 'q'),
      msg(5, '1024', '好的，为您转接'),
      msg(60, '2048', '请问还有什么可以帮您'),
    );
    expect(runRule(CLOSING.replace('within: 2', 'within: 1'), conv)).toEqual([]);
  });

  it('perAgent: true judges each agent on their own messages, one finding per agent', () => {
    const conv = conversation(
      msg(0, 'customer', 'q'),
      msg(5, '1024', '好的，为您转接'),
      msg(6, '1024', '稍后由同事为您处理'),
      msg(60, '2048', '请问还有什么可以帮您'),
      msg(70, '3072', '您好'),
    );
    expect(runRule(`${CLOSING}perAgent: true`, conv).map(brief)).toEqual([
      ['closing-line', '1024', 2, 'Required phrase missing (position: last, within: 2)'],
      ['closing-line', '3072', 4, 'Required phrase missing (position: last, within: 2)'],
    ]);
  });

  it('yields nothing when the checked role never speaks', () => {
    expect(runRule(CLOSING, conversation(msg(0, 'customer', 'q'), msg(1, 'bot', '正在为您转接')))).toEqual([]);
  });

  it('renders {position} and {within} in a custom message', () => {
    const [finding] = runRule(`${CLOSING}message: "最后{within}条消息未使用结束语"`, conversation(msg(0, '1', 'ok')));
    expect(finding?.message).toBe('最后2条消息未使用结束语');
  });

  it('needs at least one phrase or pattern', () => {
    expect(() => runRule('id: x\nkind: required-phrase\nposition: last', conversation())).toThrow(/needs at least one phrase or pattern/);
  });
});
