import { describe, expect, it } from 'vitest';
import { conversation, msg, runRule } from '../helpers/rules.js';

const RULE = `
id: reply-within-60s
kind: response-time
maxSeconds: 60
`;

describe('response-time', () => {
  it('treats exactly 60 s as in time and 61 s as late', () => {
    expect(runRule(RULE, conversation(msg(0, 'customer', 'q'), msg(60, '1024', 'a')))).toEqual([]);
    const late = runRule(RULE, conversation(msg(0, 'customer', 'q'), msg(61, '1024', 'a')));
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ seconds: 61, agentId: '1024', messageIndex: 1, message: 'Reply after 61 s (limit 60 s)' });
  });

  it('is exact to the millisecond around the limit', () => {
    const c = (ms: number) => conversation(msg(0, 'customer', 'q'), msg(ms / 1000, '1024', 'a'));
    expect(runRule(RULE, c(60_000))).toEqual([]);
    expect(runRule(RULE, c(60_001))[0]?.seconds).toBe(60.001);
  });

  it('starts the clock at the oldest unanswered message of a burst', () => {
    const conv = conversation(msg(0, 'customer', 'q1'), msg(30, 'customer', 'q2'), msg(50, 'customer', 'q3'), msg(70, '1024', 'a'));
    expect(runRule(RULE, conv)[0]?.seconds).toBe(70);
  });

  it('does not stop the clock for bots or system messages', () => {
    const conv = conversation(msg(0, 'customer', 'q'), msg(5, 'bot', '正在为您转接人工'), msg(10, 'system', 'agent joined'), msg(90, '1031', 'a'));
    expect(runRule(RULE, conv)).toMatchObject([{ seconds: 90, agentId: '1031' }]);
  });

  it('attributes the delay to the agent whose reply was late, across a transfer', () => {
    const conv = conversation(
      msg(0, 'customer', 'q'),
      msg(10, '1024', 'a'),
      msg(20, 'customer', 'q2'),
      msg(200, '2048', 'a2'),
    );
    expect(runRule(RULE, conv)).toMatchObject([{ seconds: 180, agentId: '2048', messageIndex: 3 }]);
  });

  it('does not count a customer message never answered before the log ends', () => {
    expect(runRule(RULE, conversation(msg(0, 'customer', 'q'), msg(5, '1024', 'a'), msg(10, 'customer', 'bye')))).toEqual([]);
  });

  it('needs a customer message to start the clock: agent follow-ups are not replies', () => {
    expect(runRule(RULE, conversation(msg(0, '1024', 'hello'), msg(500, '1024', 'still there?')))).toEqual([]);
  });
});
