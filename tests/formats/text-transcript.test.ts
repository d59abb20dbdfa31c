import { describe, expect, it } from 'vitest';
import { brief, readProduct, readProductFixture } from '../helpers/reading.js';

describe('text-transcript', () => {
  it('reads a transcript e-mail: header date and offset, 12-hour times across midnight, continuation lines', () => {
    const { messages, skips } = readProductFixture('text-transcript', 'text-transcript/zendesk-email.txt', { timezone: 'America/New_York' });
    // The header's (+0800) wins over the run's zone; 11:58:40 PM on 27 Nov +08:00 is 15:58:40 UTC.
    expect(messages.map(brief)).toEqual([
      { conversationId: 'ZC-48213', time: '2026-11-27T15:58:40Z', role: 'customer', agentId: undefined, text: 'is anyone there?' },
      { conversationId: 'ZC-48213', time: '2026-11-27T15:59:31Z', role: 'agent', agentId: 'Mia', text: 'Hello, this is agent A17, how can I help?' },
      { conversationId: 'ZC-48213', time: '2026-11-27T15:59:50Z', role: 'customer', agentId: undefined, text: 'my card was charged twice\nfor order 50221' },
      { conversationId: 'ZC-48213', time: '2026-11-27T16:01:05Z', role: 'agent', agentId: 'Mia', text: 'Please hold for 2 minutes while I check.' },
      { conversationId: 'ZC-48213', time: '2026-11-27T16:02:40Z', role: 'agent', agentId: 'Mia', text: 'The second charge is a pre-authorisation; it drops off within 3 days.' },
      { conversationId: 'ZC-48213', time: '2026-11-27T16:03:02Z', role: 'customer', agentId: undefined, text: 'thanks!' },
      { conversationId: 'ZC-48213', time: '2026-11-27T16:03:20Z', role: 'agent', agentId: 'Mia', text: 'You are welcome! Anything else I can help with?' },
      { conversationId: 'ZC-48213', time: '2026-11-27T16:04:00Z', role: 'system', agentId: undefined, text: 'The chat has ended.' },
    ]);
    expect(messages[1]?.agentName).toBe('Agent Mia');
    expect(skips.map((s) => [s.line, s.reason])).toEqual([[14, 'unusable time "25:03:30 AM"']]);
  });

  it('reads a Chinese IM export in the run zone, rolling over midnight to 28 Nov', () => {
    const { messages, skips } = readProductFixture('text-transcript', 'text-transcript/wechat-zh.txt', { timezone: 'Asia/Shanghai' });
    expect(skips).toEqual([]);
    expect(messages.map((m) => [m.source.line, m.role, m.agentId ?? '', new Date(m.timestamp).toISOString()])).toEqual([
      [6, 'customer', '', '2026-11-27T15:57:10.000Z'],
      [7, 'bot', '', '2026-11-27T15:57:15.000Z'],
      [8, 'agent', '1024', '2026-11-27T15:58:30.000Z'],
      [9, 'customer', '', '2026-11-27T15:59:58.000Z'],
      [10, 'agent', '1024', '2026-11-27T16:00:40.000Z'],
      [11, 'customer', '', '2026-11-27T16:01:05.000Z'],
      [12, 'agent', '1024', '2026-11-27T16:02:20.000Z'],
      [14, 'customer', '', '2026-11-27T16:02:40.000Z'],
      [15, 'agent', '1024', '2026-11-27T16:02:50.000Z'],
    ]);
    expect(messages[0]?.conversationId).toBe('WX-20261127-0042');
    expect(messages[6]?.text).toBe('已为您登记换新，新耳机明天发出。\n请问还有什么可以帮您？');
  });

  it('takes named staff from --agents, and otherwise the unplaced speaker of a chat with a visitor', () => {
    const text = 'Date: 2026-03-02\n[09:00:00] Sigrun: hello\n[09:00:40] Noor Haddad: Hi, Noor here\n';
    expect(readProduct('text-transcript', text, { file: 'x.txt' }).skips.map((s) => s.reason)).toEqual([
      'cannot tell whether "Sigrun" is staff or a customer (name the agents with --agents or input.agents)',
      'cannot tell whether "Noor Haddad" is staff or a customer (name the agents with --agents or input.agents)',
    ]);
    const named = readProduct('text-transcript', text, { file: 'x.txt', agents: ['Noor Haddad'] });
    expect(named.messages.map((m) => [m.role, m.agentId])).toEqual([['customer', undefined], ['agent', 'Noor Haddad']]);
    const visitor = readProduct('text-transcript', 'Date: 2026-03-02\n[09:00:00] Visitor: hello\n[09:00:40] Noor: Hi\n', { file: 'x.txt' });
    expect(visitor.messages.map((m) => [m.role, m.agentId])).toEqual([['customer', undefined], ['agent', 'Noor']]);
  });

  it('claims only text with a dated header and timed lines', async () => {
    const { findProductFormat } = await import('../../src/input/formats/index.js');
    const format = findProductFormat('text-transcript');
    const sniff = (head: string) => format?.sniff({ fileName: 'x.txt', head });
    expect(sniff('Chat started on 27 Nov 2026\n(10:00:01 AM) Visitor: hi\n(10:00:20 AM) Agent Mia: hello\n')).toBe(true);
    expect(sniff('(10:00:01 AM) Visitor: hi\n(10:00:20 AM) Agent Mia: hello\n')).toBe(false);
    expect(sniff('Date: 2026-02-30\n[10:00:01] a: hi\n[10:00:20] b: hello\n')).toBe(false);
    expect(sniff('conversation_id,timestamp,role,text\nc1,2026-11-27 10:00:00,customer,hi\n')).toBe(false);
    expect(readProduct('text-transcript', 'hello\n', { file: 'x.txt' }).skips[0]?.reason).toMatch(/^not a text transcript/);
  });
});
