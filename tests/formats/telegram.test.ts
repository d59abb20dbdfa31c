import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/model/message.js';
import { brief, readProductFixture as readFixture } from '../helpers/reading.js';

const ROLES: Record<string, Role> = { user5550001: 'agent', user5550009: 'bot' };
const roleOf = (value: string): Role | undefined => ROLES[value];

describe('telegram', () => {
  it('result.json: roles from input.roles by from_id, entity lists joined, media, reply links; service messages are events', () => {
    const { messages, skips, records } = readFixture('telegram', 'telegram/result.json', { roleOf });
    expect(messages.map((m) => ({ ...brief(m), name: m.agentName, id: m.id, replyTo: m.replyTo }))).toEqual([
      { conversationId: '4400123', time: '2026-03-02T10:00:10Z', role: 'customer', agentId: undefined, text: 'Hello, my charger is broken', name: undefined, id: '2', replyTo: undefined },
      { conversationId: '4400123', time: '2026-03-02T10:00:30Z', role: 'customer', agentId: undefined, text: 'Mine too! And where is my refund?', name: undefined, id: '3', replyTo: undefined },
      {
        conversationId: '4400123',
        time: '2026-03-02T10:01:00Z',
        role: 'agent',
        agentId: 'user5550001',
        text: 'Hello Sigrun, this is Noor (agent 31). See https://brightline.example/chargers for the recall.',
        name: 'Noor | Brightline',
        id: '4',
        replyTo: '2',
      },
      { conversationId: '4400123', time: '2026-03-02T10:01:20Z', role: 'customer', agentId: undefined, text: '<photo>', name: undefined, id: '5', replyTo: '4' },
      { conversationId: '4400123', time: '2026-03-02T10:05:00Z', role: 'agent', agentId: 'user5550001', text: 'Jonas, your refund was sent yesterday.', name: 'Noor | Brightline', id: '6', replyTo: '3' },
      { conversationId: '4400123', time: '2026-03-02T10:06:00Z', role: 'bot', agentId: 'user5550009', text: 'Rate this chat: /rate', name: 'BrightlineBot', id: '8', replyTo: undefined },
    ]);
    expect(messages[3]?.meta).toEqual({ attachment: 'photo' });
    expect(records).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(skips.map((s) => s.reason)).toEqual(['chat 4400123, message 7: unusable date "not-a-time"']);
  });

  it('--agents names agents by from or from_id; without it every sender is a customer', () => {
    const byName = readFixture('telegram', 'telegram/result.json', { agents: ['noor | brightline'] });
    expect(byName.messages.filter((m) => m.role === 'agent').map((m) => m.id)).toEqual(['4', '6']);
    const none = readFixture('telegram', 'telegram/result.json');
    expect(none.messages.every((m) => m.role === 'customer')).toBe(true);
  });
});
