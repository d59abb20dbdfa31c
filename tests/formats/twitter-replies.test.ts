import { describe, expect, it } from 'vitest';
import { parseTwitterTime } from '../../src/input/formats/twitter-replies.js';
import { brief, readProduct, readProductFixture } from '../helpers/reading.js';

const HEADER = 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n';

describe('twitter-replies', () => {
  it('rebuilds conversations from in_response_to_tweet_id; roles from inbound; agentId = the brand', () => {
    const { messages, skips, records } = readProductFixture('twitter-replies', 'twitter-replies/tweets.csv');
    expect(messages.map((m) => ({ ...brief(m), line: m.source.line }))).toEqual([
      { conversationId: '5001', time: '2026-03-02T08:00:00Z', role: 'customer', agentId: undefined, text: '@BrightAir my bag is lost & nobody answers', line: 2 },
      { conversationId: '5001', time: '2026-03-02T08:03:10Z', role: 'agent', agentId: 'BrightAir', text: '@100201 Sorry to hear that! DM us your file ref. ^KS', line: 3 },
      { conversationId: '5001', time: '2026-03-02T08:05:00Z', role: 'customer', agentId: undefined, text: '@BrightAir done\nref is LHR-4471', line: 4 },
      { conversationId: '5001', time: '2026-03-02T08:20:00Z', role: 'agent', agentId: 'BrightAir', text: '@100201 Thanks, we found it. It arrives tomorrow.', line: 6 },
      { conversationId: '5001', time: '2026-03-02T08:21:00Z', role: 'agent', agentId: 'BrightAir', text: '@100201 Anything else? ^KS', line: 7 },
      // its parent 4999 is not in the file: the tweet starts its own conversation
      { conversationId: '5010', time: '2026-03-02T09:00:00Z', role: 'customer', agentId: undefined, text: '@BrightAir still waiting for my refund', line: 8 },
      // +0200 offset honoured
      { conversationId: '5010', time: '2026-03-02T09:00:00Z', role: 'agent', agentId: 'BrightAir', text: "@100202 We're on it, sorry for the wait -Dana", line: 9 },
    ]);
    expect(messages.every((m) => m.meta?.['brand'] === 'BrightAir')).toBe(true);
    expect(records).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(skips.map((s) => [s.line, s.reason])).toEqual([
      [10, 'tweet 5020: unusable created_at "Tue Mar 03 25:00:00 +0000 2026"'],
      [11, 'tweet 5021: inbound is "Maybe", expected True or False'],
      [12, 'tweet 5001: duplicate tweet_id (first seen on line 2)'],
      [13, 'tweet 5030: record has 4 column(s) too few'],
    ]);
  });

  it('reads the pandas re-save: leading index column, float ids, bare CR inside an unquoted field', () => {
    const { messages, skips } = readProductFixture('twitter-replies', 'twitter-replies/tweets-pandas.csv');
    expect(skips).toEqual([]);
    expect(messages.map((m) => [m.conversationId, m.role, m.agentId ?? null, m.text, m.source.line])).toEqual([
      ['5101', 'customer', null, '@BrightAir can I change my seat?', 2],
      ['5101', 'agent', 'BrightAir', '@100301 Sure, which flight? *MT', 3],
      ['5101', 'customer', null, '@BrightAir BA123\r\rthanks', 4],
      // bare CRs do not count as line breaks: the next record is on line 5
      ['5101', 'agent', 'BrightAir', '@100301 Seat 14A is yours *MT', 5],
    ]);
  });

  it('follows chains written in any order, and survives reply cycles', () => {
    const csv =
      HEADER +
      '3,c1,True,Mon Mar 02 08:02:00 +0000 2026,third,,2\n' +
      '2,Brand,False,Mon Mar 02 08:01:00 +0000 2026,second,3,1\n' +
      '1,c1,True,Mon Mar 02 08:00:00 +0000 2026,first,2,\n' +
      '8,c2,True,Mon Mar 02 09:00:00 +0000 2026,loop a,,9\n' +
      '9,Brand,False,Mon Mar 02 09:01:00 +0000 2026,loop b,,8\n';
    const { messages } = readProduct('twitter-replies', csv, { file: 't.csv' });
    expect(messages.map((m) => [m.text, m.conversationId])).toEqual([
      ['third', '1'],
      ['second', '1'],
      ['first', '1'],
      ['loop a', '9'],
      ['loop b', '9'],
    ]);
  });

  it('parses Twitter timestamps exactly, and falls back to ISO 8601', () => {
    expect(parseTwitterTime('Tue Oct 31 22:10:47 +0000 2017', 'UTC')).toBe(Date.UTC(2017, 9, 31, 22, 10, 47));
    expect(parseTwitterTime('Tue Oct 31 22:10:47 -0130 2017', 'UTC')).toBe(Date.UTC(2017, 9, 31, 23, 40, 47));
    expect(parseTwitterTime('Wed Feb 29 00:00:00 +0000 2017', 'UTC')).toBeNull();
    expect(parseTwitterTime('2017-10-31T22:10:47Z', 'UTC')).toBe(Date.UTC(2017, 9, 31, 22, 10, 47));
    expect(parseTwitterTime('yesterday', 'UTC')).toBeNull();
  });

  it('never throws on bad content', () => {
    const noColumns = readProduct('twitter-replies', 'id,text\n1,hi\n', { file: 't.csv' });
    expect(noColumns.skips[0]?.reason).toMatch(/missing columns/);
    const badQuote = readProduct('twitter-replies', `${HEADER}1,c,True,Mon Mar 02 08:00:00 +0000 2026,"broken,,\n`, { file: 't.csv' });
    expect(badQuote.messages).toEqual([]);
    expect(badQuote.skips.length).toBeGreaterThan(0);
    expect(readProduct('twitter-replies', '', { file: 't.csv' }).skips).toEqual([]);
  });
});
