import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../../src/model/message.js';
import { foldedTexts, PhraseMatcher } from '../../src/rules/matcher.js';

const message = (text: string, timestamp: number): Message => ({ conversationId: 'c', timestamp, role: 'agent', agentId: '1', text, source: { file: 'f', line: timestamp, record: timestamp } });

describe('folded texts shared by the rules of one conversation', () => {
  it('folds each message once and gives the folded form by index', () => {
    const conversation: Conversation = { id: 'c', meta: {}, messages: [message('ＯＫ！', 1), message('好的', 2)] };
    const folded = foldedTexts(conversation);
    expect([folded.at(0), folded.at(1)]).toEqual(['OK!', '好的']);
    expect(foldedTexts(conversation)).toBe(folded);
  });

  it('never hands out a stale fold when the messages change between two checks (re-sorted, or one added)', () => {
    const conversation: Conversation = { id: 'c', meta: {}, messages: [message('你好！！', 2), message('请稍等', 1)] };
    const matcher = new PhraseMatcher([], ['[!?]{2,}'], false);
    const hits = () => conversation.messages.map((m, i) => matcher.findAll(m.text, foldedTexts(conversation).at(i)).length);
    // The same through the needles found once per message (kept in one array for the conversation).
    const found = () => conversation.messages.map((_, i) => matcher.findAllIn(foldedTexts(conversation), i).length);
    expect(hits()).toEqual([1, 0]);
    expect(found()).toEqual([1, 0]);
    conversation.messages.sort((a, b) => a.timestamp - b.timestamp);
    expect(found()).toEqual([0, 1]);
    expect(hits()).toEqual([0, 1]);
    conversation.messages.push(message('好？？', 3), message('您好', 4), message('！！', 5));
    expect(found()).toEqual([0, 1, 1, 0, 1]);
    expect(hits()).toEqual([0, 1, 1, 0, 1]);
  });
});
