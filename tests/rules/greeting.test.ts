import { describe, expect, it } from 'vitest';
import { conversation, msg, runRule } from '../helpers/rules.js';

const RULE = `
id: greeting-with-id
kind: greeting
patterns: ["云客服\\\\s*{agentId}号?.{0,10}为您服务", "agent {agentId}"]
`;

describe('greeting', () => {
  it('passes an agent who greets with their own id', () => {
    const conv = conversation(msg(0, 'customer', '在吗'), msg(10, '1024', '您好，云客服1024为您服务'));
    expect(runRule(RULE, conv)).toEqual([]);
  });

  it('matches the id only as a whole token: agent 102 is not greeted by 云客服1024', () => {
    const conv = conversation(msg(0, 'customer', '在吗'), msg(10, '102', '您好，云客服1024为您服务'));
    const findings = runRule(RULE, conv);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'greeting-with-id', agentId: '102', messageIndex: 1 });
  });

  it("flags a greeting that names another agent's id, for the sender", () => {
    const conv = conversation(msg(0, 'customer', 'hi'), msg(5, '1031', '您好，云客服1024为您服务'));
    expect(runRule(RULE, conv).map((f) => f.agentId)).toEqual(['1031']);
  });

  it('checks only the first `within` messages of each agent', () => {
    const late = conversation(msg(0, 'customer', 'hi'), msg(5, '1024', '请稍等'), msg(9, '1024', '您好，云客服1024为您服务'));
    expect(runRule(RULE, late)).toHaveLength(1);
    expect(runRule(`${RULE}within: 2`, late)).toEqual([]);
  });

  it('requires every agent who takes part to greet, including after a transfer', () => {
    const conv = conversation(
      msg(0, 'customer', 'hi'),
      msg(5, '1024', '您好，云客服1024为您服务'),
      msg(60, '2048', '好的，我来处理'),
      msg(70, '2048', '云客服2048为您服务'),
    );
    const findings = runRule(RULE, conv);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ agentId: '2048', messageIndex: 2 });
  });

  it('width-folds the message, so full-width digits and letters still match', () => {
    const conv = conversation(msg(0, 'customer', 'hi'), msg(5, 'A17', 'Hello, this is AGENT Ａ１７'));
    expect(runRule(RULE, conv)).toEqual([]);
  });

  it('ignores bots and customers', () => {
    const conv = conversation(msg(0, 'bot', '您好，我是智能助手'), msg(1, 'customer', '人工'));
    expect(runRule(RULE, conv)).toEqual([]);
  });

  it('substitutes {agentName} and skips the pattern when the agent has no name', () => {
    const rule = `
id: g
kind: greeting
patterns: ["我是{agentName}"]
`;
    const named = conversation(msg(0, '1024', '您好，我是小美', { agentName: '小美' }));
    expect(runRule(rule, named)).toEqual([]);
    const unnamed = conversation(msg(0, '1024', '您好，我是小美'));
    expect(runRule(rule, unnamed)).toHaveLength(1);
  });

  it('renders the message template with the agent and the count', () => {
    const conv = conversation(msg(0, '7', '你好'));
    const [finding] = runRule(`${RULE}message: "客服{agentId}未在前{within}条消息内报工号"`, conv);
    expect(finding?.message).toBe('客服7未在前1条消息内报工号');
  });
});

describe('greeting exemptIfCustomerAsked', () => {
  const EXEMPT = `${RULE}exemptIfCustomerAsked: true`;

  it('lets the first agent answer directly when the customer already asked a question', () => {
    const conv = conversation(msg(0, 'customer', '我的快递怎么还没到'), msg(10, '1024', '已为您查询，明天送达'));
    expect(runRule(EXEMPT, conv)).toEqual([]);
    expect(runRule(RULE, conv).map((f) => [f.agentId, f.messageIndex])).toEqual([['1024', 1]]);
  });

  it('needs a question: a plain statement does not exempt', () => {
    const conv = conversation(msg(0, 'customer', '人工'), msg(10, '1024', '已为您查询，明天送达'));
    expect(runRule(EXEMPT, conv).map((f) => [f.agentId, f.messageIndex])).toEqual([['1024', 1]]);
  });

  it('recognises each default question marker', () => {
    for (const text of ['在？', 'ok?', '能退吗', '运费呢', '怎么退', '是什么', '如何开票', '为什么扣款', '多少钱', '能不能改地址', '可以改地址', 'How do I return it', 'WHERE is it', 'can you help', 'Could you check']) {
      expect([text, runRule(EXEMPT, conversation(msg(0, 'customer', text), msg(5, '1024', 'answer')))]).toEqual([text, []]);
    }
    for (const text of ['好的', 'Cancel my order', 'whatever', 'scan done']) {
      expect([text, runRule(EXEMPT, conversation(msg(0, 'customer', text), msg(5, '1024', 'answer'))).map((f) => f.messageIndex)]).toEqual([text, [1]]);
    }
  });

  it("does not count the customer's question to a bot (a bot spoke after it)", () => {
    const toBot = conversation(msg(0, 'customer', '怎么退货？'), msg(1, 'bot', '您可以在订单页申请退货'), msg(5, 'customer', '转人工'), msg(20, '1024', '已为您查询'));
    expect(runRule(EXEMPT, toBot).map((f) => [f.agentId, f.messageIndex])).toEqual([['1024', 3]]);
    const askedAgain = conversation(msg(0, 'customer', '怎么退货？'), msg(1, 'bot', '您可以在订单页申请退货'), msg(5, 'customer', '运费谁出？'), msg(20, '1024', '运费由我们承担'));
    expect(runRule(EXEMPT, askedAgain)).toEqual([]);
  });

  it('ignores system messages between the question and the agent', () => {
    const conv = conversation(msg(0, 'customer', '怎么退货？'), msg(1, 'system', '客服1024已接入'), msg(5, '1024', '您好'));
    expect(runRule(EXEMPT, conv)).toEqual([]);
  });

  it('exempts only the first agent: a transferred-in agent still greets', () => {
    const conv = conversation(
      msg(0, 'customer', '怎么退货？'),
      msg(5, '1024', '为您转接售后'),
      msg(6, 'customer', '运费谁出？'),
      msg(30, '2048', '运费由我们承担'),
    );
    expect(runRule(EXEMPT, conv).map((f) => [f.agentId, f.messageIndex])).toEqual([['2048', 3]]);
  });

  it('takes custom questionPatterns', () => {
    const conv = conversation(msg(0, 'customer', '查单 12345'), msg(5, '1024', '已为您查询'));
    expect(runRule(`${EXEMPT}\nquestionPatterns: ["查单"]`, conv)).toEqual([]);
    expect(runRule(`${EXEMPT}\nquestionPatterns: ["查单"]`, conversation(msg(0, 'customer', '怎么退？'), msg(5, '1024', 'x'))).map((f) => f.messageIndex)).toEqual([1]);
  });
});

describe('greeting exemption does not cover a wrong id', () => {
  const EXEMPT = `
id: g
kind: greeting
exemptIfCustomerAsked: true
patterns: ["云客服\\\\s*{agentId}号?.{0,10}为您服务"]
`;
  it('exempts an agent who answers a question directly', () => {
    expect(runRule(EXEMPT, conversation(msg(0, 'customer', '退货地址是哪里？'), msg(5, '102', '退货地址是杭州市…')))).toEqual([]);
  });
  it("still flags an exempt agent who greets with another agent's id", () => {
    const findings = runRule(EXEMPT, conversation(msg(0, 'customer', '退货地址是哪里？'), msg(5, '102', '您好，云客服1024为您服务')));
    expect(findings).toMatchObject([{ agentId: '102', messageIndex: 1 }]);
  });
});
