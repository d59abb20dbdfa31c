import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../../src/model/message.js';
import { foldedTexts, needlesOf, PhraseMatcher } from '../../src/rules/matcher.js';
import { foldWidth } from '../../src/text/fold.js';

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

  it('keeps what it found right when texts of two conversations are used in turn (they share their arrays)', () => {
    const first: Conversation = { id: 'a', meta: {}, messages: [message('好！！', 1), message('ＯＫ', 2)] };
    const second: Conversation = { id: 'b', meta: {}, messages: [message('请稍等', 1), message('你好？？', 2), message('！！', 3)] };
    const matcher = new PhraseMatcher([], ['[!?]{2,}'], false);
    const a = foldedTexts(first);
    expect([a.at(0), a.at(1)]).toEqual(['好!!', 'OK']);
    const b = foldedTexts(second);
    expect([0, 1, 2].map((i) => matcher.findAllIn(b, i).length)).toEqual([0, 1, 1]);
    // The first conversation's texts, used again after the second's, find again.
    expect([0, 1].map((i) => matcher.findAllIn(a, i).length)).toEqual([1, 0]);
    expect([a.at(0), a.at(1), [...a.needlesAt(0)].some((word) => word !== 0)]).toEqual(['好!!', 'OK', true]);
    expect([0, 1, 2].map((i) => b.at(i))).toEqual(['请稍等', '你好??', '!!']);
    expect([0, 1, 2].map((i) => matcher.testIn(b, i))).toEqual([false, true, true]);
  });

  it('finds what each text alone finds, whatever conversations came before (texts shared, repeated, moved)', () => {
    const matcher = new PhraseMatcher(['好的'], ['[!?]{2,}', '稍等'], false);
    const texts = ['好的！！', '请稍等', 'ＯＫ', '好？？', '您好', '稍 等', '好的'];
    // Conversations of those very strings (the same objects at the same or another index) checked in turn, some again.
    const conversations = texts.map((_, k) => ({ id: `c${k}`, meta: {}, messages: [] as Message[] }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(texts.length - 1), fc.array(fc.nat(texts.length - 1), { maxLength: 6 }), fc.boolean()), { minLength: 1, maxLength: 12 }), (steps) => {
        for (const [which, picks, again] of steps) {
          const conversation = conversations[which] as Conversation;
          if (!again) conversation.messages = picks.map((p, i) => message(texts[p] as string, i));
          const folded = foldedTexts(conversation);
          conversation.messages.forEach((m, i) => {
            expect(matcher.findAllIn(folded, i)).toEqual(matcher.findAll(m.text));
            expect(folded.at(i)).toBe(foldWidth(m.text));
            // Exactly its own needles: none left over from a text searched before at that index.
            expect(folded.needlesAt(i)).toEqual(needlesOf(m.text));
          });
        }
      }),
      { numRuns: 300, seed: 43 },
    );
  });

  it('finds needles numbered after the texts were searched, however many were numbered before', () => {
    // Each new character is numbered by the matcher made for it: one at a time, most in the same word of needles.
    const fresh = ['鑫', '龘', '齉', '靐', '爩', '馫', '麤', '灪'];
    const conversation: Conversation = { id: 'n', meta: {}, messages: [message(fresh.map((c) => `${c}${c}`).join(' '), 1)] };
    for (const c of fresh) {
      const texts = foldedTexts(conversation);
      new PhraseMatcher([], ['好'], false).testIn(texts, 0);
      const matcher = new PhraseMatcher([], [`${c}{2}`], false);
      expect(matcher.findAllIn(foldedTexts(conversation), 0).map((m) => m.text)).toEqual([`${c}${c}`]);
    }
  });
});
