import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/report.js';
import { conversation, msg, runRule } from '../helpers/rules.js';

const RULE = `
id: prompt-before-closing
kind: silence-handling
afterSeconds: 120
prompt:
  phrases: ["请问您还在线吗", "请问还有什么可以帮您"]
closing:
  patterns: ["再见", "会话将结束"]
`;
const brief = (f: Finding) => [f.ruleId, f.agentId, f.messageIndex, f.seconds, f.message];

// The customer asks, the agent answers at 10 s, then the customer goes silent.
const answered = [msg(0, 'customer', '发票怎么开？'), msg(10, '1024', '在订单详情页点击申请发票即可')] as const;

describe('silence-handling', () => {
  it('0 prompts: closing after a long silence is a finding on the close, with the silence in seconds', () => {
    const conv = conversation(...answered, msg(400, '1024', '感谢您的咨询，再见'));
    expect(runRule(RULE, conv).map(brief)).toEqual([
      ['prompt-before-closing', '1024', 2, 390, 'Closed after 390 s of customer silence with 0 of 1 prompt(s)'],
    ]);
  });

  it('1 prompt: enough by default; prompts: 2 asks for another', () => {
    const conv = conversation(...answered, msg(200, '1024', '请问您还在线吗？'), msg(400, '1024', '感谢您的咨询，再见'));
    expect(runRule(RULE, conv)).toEqual([]);
    expect(runRule(`${RULE}prompts: 2`, conv).map(brief)).toEqual([
      ['prompt-before-closing', '1024', 3, 390, 'Closed after 390 s of customer silence with 1 of 2 prompt(s)'],
    ]);
  });

  it('2 prompts satisfy prompts: 2', () => {
    const conv = conversation(...answered, msg(200, '1024', '请问您还在线吗？'), msg(300, '1024', '请问您还在线吗？'), msg(400, '1024', '本次会话将结束，再见'));
    expect(runRule(`${RULE}prompts: 2`, conv)).toEqual([]);
  });

  it('measures the silence from the agent message the customer did not answer, not from the question', () => {
    // Customer silent for 120 s after the answer (exactly the limit): no duty; 121 s: duty.
    expect(runRule(RULE, conversation(...answered, msg(130, '1024', '再见')))).toEqual([]);
    expect(runRule(RULE, conversation(...answered, msg(131, '1024', '再见'))).map((f) => f.seconds)).toEqual([121]);
  });

  it('a customer message ends the silence: closing right after the customer speaks needs no prompt', () => {
    const conv = conversation(...answered, msg(300, 'customer', '好的谢谢'), msg(305, '1024', '不客气，再见'));
    expect(runRule(RULE, conv)).toEqual([]);
  });

  it('the last agent message is a close even without closing words, unless it is a prompt (then the customer left)', () => {
    expect(runRule(RULE, conversation(...answered, msg(400, '1024', '已为您登记'))).map(brief)).toEqual([
      ['prompt-before-closing', '1024', 2, 390, 'Closed after 390 s of customer silence with 0 of 1 prompt(s)'],
    ]);
    expect(runRule(RULE, conversation(...answered, msg(400, '1024', '请问您还在线吗？')))).toEqual([]);
    const thenBot = conversation(...answered, msg(400, '1024', '已为您登记'), msg(401, 'bot', '请为本次服务评分'));
    expect(runRule(RULE, thenBot).map((f) => f.messageIndex)).toEqual([2]);
  });

  it('judges only the first close of a silent stretch', () => {
    const conv = conversation(...answered, msg(400, '1024', '再见'), msg(401, '1024', '再见'));
    expect(runRule(RULE, conv).map((f) => f.messageIndex)).toEqual([2]);
  });

  it('a customer who never spoke: the silence runs from the agent first message, which counts as a prompt when it is one', () => {
    const greetedOnly = conversation(msg(0, '1024', '您好，请问还有什么可以帮您'), msg(300, '1024', '再见'));
    expect(runRule(RULE, greetedOnly)).toEqual([]);
    const silentOpen = conversation(msg(0, '1024', '您好，云客服1024为您服务'), msg(300, '1024', '再见'));
    expect(runRule(RULE, silentOpen).map(brief)).toEqual([
      ['prompt-before-closing', '1024', 1, 300, 'Closed after 300 s of customer silence with 0 of 1 prompt(s)'],
    ]);
  });

  it("models the seed's silent-caller script: ask, wait 5 s, ask again, wait 5 s, close", () => {
    const SCRIPT = `
id: silent-caller
kind: silence-handling
afterSeconds: 5
prompts: 2
promptGapSeconds: 5
prompt:
  phrases: ["请问有什么可以帮您"]
message: "客户无应答时，须询问{requiredPrompts}次、每次稍停后再结束会话（实际询问{prompts}次）"
`;
    const script = (ask2: number, close: number) =>
      conversation(msg(0, '1024', '您好，请问有什么可以帮您？'), msg(ask2, '1024', '您好，请问有什么可以帮您？'), msg(close, '1024', '对不起，没有收到您的消息，再见'));
    expect(runRule(SCRIPT, script(5, 10))).toEqual([]);
    // Asked again too soon: the second ask does not count.
    expect(runRule(SCRIPT, script(2, 10)).map(brief)).toEqual([
      ['silent-caller', '1024', 2, 10, '客户无应答时，须询问2次、每次稍停后再结束会话（实际询问1次）'],
    ]);
    // Closed too soon after the second ask: it does not count either.
    expect(runRule(SCRIPT, script(5, 7)).map((f) => [f.messageIndex, f.seconds, f.message])).toEqual([
      [2, 7, '客户无应答时，须询问2次、每次稍停后再结束会话（实际询问1次）'],
    ]);
  });

  it('renders {afterSeconds}', () => {
    const [f] = runRule(`${RULE}message: "客户{afterSeconds}秒无回复，未询问即结束"`, conversation(...answered, msg(400, '1024', '再见')));
    expect(f?.message).toBe('客户120秒无回复，未询问即结束');
  });
});
