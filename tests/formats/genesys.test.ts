import { describe, expect, it } from 'vitest';
import { brief, readProductFixture as readFixture } from '../helpers/reading.js';

describe('genesys', () => {
  it('web messaging transcript: roles by participant purpose, typing events are not records', () => {
    const { messages, skips, records } = readFixture('genesys', 'genesys/web-messaging.json');
    expect(messages.map((m) => ({ ...brief(m), name: m.agentName }))).toEqual([
      { conversationId: 'gc-5d2a-0001', time: '2026-03-02T09:00:00Z', role: 'customer', agentId: undefined, text: 'Hi, my parcel is damaged', name: undefined },
      { conversationId: 'gc-5d2a-0001', time: '2026-03-02T09:00:02Z', role: 'bot', agentId: 'pa-flow', text: 'I will connect you to an agent.', name: 'Order Bot Flow' },
      { conversationId: 'gc-5d2a-0001', time: '2026-03-02T09:00:03Z', role: 'system', agentId: undefined, text: 'You are number 2 in the queue.', name: undefined },
      { conversationId: 'gc-5d2a-0001', time: '2026-03-02T09:01:30Z', role: 'agent', agentId: 'u-7731', text: 'Hello, this is Lars (agent u-7731). I am sorry to hear that.', name: 'Lars Eikrem' },
      { conversationId: 'gc-5d2a-0001', time: '2026-03-02T09:02:40Z', role: 'customer', agentId: undefined, text: 'Photo attached', name: undefined },
      { conversationId: 'gc-5d2a-0001', time: '2026-03-02T09:04:00Z', role: 'agent', agentId: 'u-7731', text: 'A replacement is on its way. Is there anything else I can help you with?', name: 'Lars Eikrem' },
    ]);
    expect(records).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(skips.map((s) => s.reason)).toEqual(['conversation gc-5d2a-0001, message wm-7: sender not among the participants']);
  });

  it('chat recording transcript in {"entities": [...]}: participantPurpose, notices and joins are events', () => {
    const { messages, skips } = readFixture('genesys', 'genesys/chat-recording.json');
    expect(messages.map((m) => [brief(m).time, m.role, m.agentId, m.text])).toEqual([
      ['2026-03-02T12:00:05Z', 'customer', undefined, 'Is the store open on Sunday?'],
      ['2026-03-02T12:00:50Z', 'agent', 'u-2051', 'Hi Mara, this is Wenke (agent u-2051): yes, 10 to 16.'],
    ]);
    expect(skips.map((s) => s.reason)).toEqual(['conversation gc-77e0-0002, message c-3: unusable timestamp "yesterday"']);
  });
});
