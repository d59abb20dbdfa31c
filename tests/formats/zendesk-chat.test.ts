import { describe, expect, it } from 'vitest';
import { brief, isoSecond, readProduct, readProductFixture } from '../helpers/reading.js';

describe('zendesk-chat', () => {
  it('reads chat.msg history entries and offline messages from a {"chats": [...]} page', () => {
    const { messages, skips, records } = readProductFixture('zendesk-chat', 'zendesk-chat/chats-page.json');
    expect(messages.map(brief)).toEqual([
      { conversationId: '2603.11457.RbQ2pTkWx8mN1', time: '2026-03-02T09:15:02Z', role: 'customer', agentId: undefined, text: 'Hello? My parcel 88-1203 is two days late.' },
      { conversationId: '2603.11457.RbQ2pTkWx8mN1', time: '2026-03-02T09:15:03Z', role: 'bot', agentId: 'Brightline Support', text: 'Thanks for waiting, an agent will be with you shortly.' },
      { conversationId: '2603.11457.RbQ2pTkWx8mN1', time: '2026-03-02T09:15:51Z', role: 'agent', agentId: '360004417722', text: "Hi Ottilie, I'm Kasimir (agent 4417). Let me check that parcel." },
      { conversationId: '2603.11457.RbQ2pTkWx8mN1', time: '2026-03-02T09:18:07Z', role: 'agent', agentId: '360004417722', text: 'It left the depot this morning and arrives tomorrow.' },
      { conversationId: '2603.11457.RbQ2pTkWx8mN1', time: '2026-03-02T09:19:12Z', role: 'customer', agentId: undefined, text: 'Great, bye' },
      { conversationId: '2603.11458.OfflineZ', time: '2026-03-02T23:40:11Z', role: 'customer', agentId: undefined, text: 'Please call me back tomorrow about my refund.' },
    ]);
    expect(messages[2]?.agentName).toBe('Kasimir Ledoux');
    // join/leave and rating entries are neither messages nor skips: 8 records = 6 messages + 2 skips
    expect(records).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(skips.map((s) => [s.record, s.line])).toEqual([[4, null], [6, null]]);
    expect(skips[0]?.reason).toMatch(/unusable timestamp "not a time"/);
    expect(skips[1]?.reason).toMatch(/cannot tell who wrote it.*"Mystery Guest"/);
  });

  it('carries department, tags, chat type and channel in meta', () => {
    const { messages } = readProductFixture('zendesk-chat', 'zendesk-chat/chats-page.json');
    expect(messages[0]?.meta).toEqual({ department: 'Orders', tags: 'late-delivery,vip', chatType: 'chat', chatChannel: '#widget' });
    expect(messages[5]?.meta).toEqual({ department: 'Billing', chatType: 'offline_msg' });
  });

  it('uses sender_type (Fivetran exports), agent_id and epoch-second timestamps, and skips unknown sender types', () => {
    const { messages, skips } = readProductFixture('zendesk-chat', 'zendesk-chat/fivetran-chat.json');
    expect(messages.map(brief)).toEqual([
      { conversationId: '2603.20001.FvT', time: '2026-03-04T14:00:05Z', role: 'customer', agentId: undefined, text: 'Can I return a gift?' },
      { conversationId: '2603.20001.FvT', time: '2026-03-04T14:00:40Z', role: 'agent', agentId: '360009000001', text: 'Yes, within 30 days.' },
      // no sender_type, no nick: the name is in agent_names, and the id is the one paired with it
      { conversationId: '2603.20001.FvT', time: '2026-03-04T14:01:00Z', role: 'agent', agentId: '360009000001', text: 'Anything else?' },
    ]);
    expect(skips).toHaveLength(1);
    expect(skips[0]?.reason).toMatch(/unknown sender_type "Supervisor"/);
  });

  it('reads a bare array of chats and recognises "Visitor 123" names', () => {
    const chats = [
      {
        id: 'c-1',
        type: 'chat',
        visitor: { name: 'Visitor 5511' },
        agent_names: ['Ana'],
        history: [
          { type: 'chat.msg', name: 'Visitor 5511', msg: 'hi', timestamp: '2026-03-02T10:00:00Z' },
          { type: 'chat.msg', name: 'Ana', msg: 'hello', timestamp: '2026-03-02T10:00:09Z' },
          { type: 'chat.file', name: 'Ana', timestamp: '2026-03-02T10:00:10Z' },
        ],
      },
    ];
    const { messages, skips } = readProduct('zendesk-chat', '', { file: 'x.json' }, chats);
    expect(messages.map((m) => [m.role, m.agentId, isoSecond(m.timestamp)])).toEqual([
      ['customer', undefined, '2026-03-02T10:00:00Z'],
      ['agent', 'Ana', '2026-03-02T10:00:09Z'],
    ]);
    expect(skips).toEqual([]);
  });

  it('never throws on bad content: invalid JSON and wrong shapes become skips', () => {
    const bad = readProduct('zendesk-chat', '{"chats": [', { file: 'bad.json' });
    expect(bad.messages).toEqual([]);
    expect(bad.skips[0]?.reason).toMatch(/not valid JSON/);
    const wrong = readProduct('zendesk-chat', '', { file: 'w.json' }, [1, 2]);
    expect(wrong.skips[0]?.reason).toMatch(/not a Zendesk Chat export/);
    const notChat = readProduct('zendesk-chat', '', { file: 'w.json' }, { chats: [{ id: 'x', type: 'ticket' }] });
    expect(notChat.skips[0]?.reason).toMatch(/not a Zendesk Chat chat object/);
  });
});
