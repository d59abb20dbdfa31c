import { describe, expect, it } from 'vitest';
import { brief, readProduct, readProductFixture } from '../helpers/reading.js';

describe('livechat', () => {
  it('reads thread events; authors from users[]; agents-only events, system messages and forms are not records', () => {
    const { messages, skips, records } = readProductFixture('livechat', 'livechat/archives-page.json');
    const c1 = 'RK4QH2W8ZD/RK4QH2W8ZE';
    expect(messages.map(brief)).toEqual([
      { conversationId: c1, time: '2026-03-06T08:00:05Z', role: 'customer', agentId: undefined, text: "My phone won't charge any more." },
      { conversationId: c1, time: '2026-03-06T08:00:07Z', role: 'bot', agentId: 'helpbot@brightline.example', text: 'Is it still under warranty?\nYes\nNo' },
      { conversationId: c1, time: '2026-03-06T08:00:31Z', role: 'agent', agentId: 'ines.corvo@brightline.example', text: 'Hello Halvard, Ines here (agent IC-07). Sorry to hear that!' },
      { conversationId: c1, time: '2026-03-06T08:01:02Z', role: 'customer', agentId: undefined, text: 'charger-port.jpg' },
      { conversationId: c1, time: '2026-03-06T08:03:10Z', role: 'agent', agentId: 'ines.corvo@brightline.example', text: 'A replacement is on its way.' },
      { conversationId: 'RK5AB7C1XY/RK5AB7C1XZ', time: '2026-03-07T10:00:00Z', role: 'customer', agentId: undefined, text: 'Is the store open on Sunday?' },
      { conversationId: 'RK5AB7C1XY/RK5AB7C1XZ', time: '2026-03-07T10:00:20Z', role: 'agent', agentId: 'ola.brekke@brightline.example', text: 'Yes, 10 to 16.' },
      { conversationId: 'RK5AB7C1XY/RK5AB7C1Y0', time: '2026-03-08T09:30:00Z', role: 'customer', agentId: undefined, text: 'And on Easter Sunday?' },
    ]);
    expect(messages.some((m) => m.text.includes('warranty tool'))).toBe(false); // visibility: agents
    expect(messages[2]?.agentName).toBe('Ines Corvo');
    // microseconds are cut to milliseconds
    expect(messages[2]?.timestamp).toBe(Date.UTC(2026, 2, 6, 8, 0, 31, 999));
    expect(records).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(skips.map((s) => [s.record, s.reason])).toEqual([
      [5, 'chat RK4QH2W8ZD/RK4QH2W8ZE, event RK4QH2W8ZE_8: author "someone.else@brightline.example" is not in the chat\'s users[]'],
      [6, 'chat RK4QH2W8ZD/RK4QH2W8ZE, event RK4QH2W8ZE_9: unusable created_at "06/03/2026 08:03"'],
    ]);
  });

  it('puts thread tags and access groups in meta', () => {
    const { messages } = readProductFixture('livechat', 'livechat/archives-page.json');
    expect(messages[0]?.meta).toEqual({ tags: 'warranty,phone', group: '0,4' });
    expect(messages[5]?.meta).toBeUndefined();
    expect(messages[7]?.meta).toEqual({ tags: 'follow-up' });
  });

  it('reads a single get_chat object and skips unknown user types', () => {
    const chat = {
      id: 'C1',
      users: [
        { id: 'u1', type: 'customer', name: 'A' },
        { id: 'u2', type: 'supervisor', name: 'B' },
      ],
      thread: {
        id: 'T1',
        events: [
          { id: 'e1', type: 'message', text: 'hi', created_at: '2026-03-06T08:00:00Z', visibility: 'all', author_id: 'u1' },
          { id: 'e2', type: 'message', text: 'psst', created_at: '2026-03-06T08:00:01Z', visibility: 'all', author_id: 'u2' },
        ],
      },
    };
    const { messages, skips } = readProduct('livechat', '', { file: 'c.json' }, chat);
    expect(messages.map((m) => m.conversationId)).toEqual(['C1/T1']);
    expect(skips[0]?.reason).toMatch(/unknown user type "supervisor"/);
  });

  it('never throws on bad content', () => {
    expect(readProduct('livechat', '{', { file: 'x.json' }).skips[0]?.reason).toMatch(/not valid JSON/);
    expect(readProduct('livechat', '', { file: 'x.json' }, { chats: [{ id: 'x' }] }).skips[0]?.reason).toMatch(/not a LiveChat chat/);
  });
});
