import { describe, expect, it } from 'vitest';
import { brief, readProduct as readText, readProductFixture as readFixture } from '../helpers/reading.js';

const LENS = 'amazon-connect/7c1e9a52-0000-4000-8000-000000000002_analysis_2026-03-02T11:00:00Z.json';

describe('amazon-connect', () => {
  it('S3 chat transcript: MESSAGE and ATTACHMENT items are records, EVENT items are not; roles, names and ids', () => {
    const { messages, skips, records } = readFixture('amazon-connect', 'amazon-connect/chat-transcript.json');
    const id = '7c1e9a52-0000-4000-8000-000000000001';
    expect(messages.map((m) => ({ ...brief(m), name: m.agentName }))).toEqual([
      { conversationId: id, time: '2026-03-02T10:00:01Z', role: 'system', agentId: undefined, text: 'Thanks for contacting Brightline. An agent will be with you shortly.', name: undefined },
      { conversationId: id, time: '2026-03-02T10:00:03Z', role: 'bot', agentId: 'p-bot-0001', text: 'Hi! I can help with orders. What is your order number?', name: 'BOT' },
      { conversationId: id, time: '2026-03-02T10:00:20Z', role: 'customer', agentId: undefined, text: 'My router keeps dropping the connection', name: undefined },
      { conversationId: id, time: '2026-03-02T10:01:10Z', role: 'agent', agentId: 'p-agent-0031', text: 'Hello, this is Noor, agent 31. Which router model is it?', name: 'Noor' },
      { conversationId: id, time: '2026-03-02T10:02:00Z', role: 'customer', agentId: undefined, text: 'invoice-4411.pdf', name: undefined },
      // no role or name on the item: both come from the participant's other items
      { conversationId: id, time: '2026-03-02T10:04:30Z', role: 'agent', agentId: 'p-agent-0031', text: 'A firmware update fixes this. Is there anything else I can help you with?', name: 'Noor' },
    ]);
    expect(messages[4]?.meta).toEqual({ attachment: 'invoice-4411.pdf' });
    expect(records).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(skips.map((s) => s.reason)).toEqual([
      `contact ${id}, item m-06: unusable AbsoluteTime "not a time"`,
      `contact ${id}, item m-07: unknown participant role "OBSERVER"`,
    ]);
  });

  it('--agents naming a display name makes it the agent id (the agent\'s user name)', () => {
    const { messages } = readFixture('amazon-connect', 'amazon-connect/chat-transcript.json', { agents: ['noor'] });
    expect(messages.filter((m) => m.role === 'agent').map((m) => m.agentId)).toEqual(['Noor', 'Noor']);
  });

  it('Contact Lens chat analysis: ParticipantId roles from Participants, BeginOffsetMillis from the start in the file name', () => {
    const { messages, skips } = readFixture('amazon-connect', LENS);
    expect(messages.map((m) => [brief(m).time, m.role, m.agentId, m.conversationId])).toEqual([
      ['2026-03-02T11:00:00Z', 'customer', undefined, '7c1e9a52-0000-4000-8000-000000000002'],
      ['2026-03-02T11:01:35Z', 'agent', 'b1c0-agent', '7c1e9a52-0000-4000-8000-000000000002'],
      ['2026-03-02T11:02:10Z', 'customer', undefined, '7c1e9a52-0000-4000-8000-000000000002'],
      ['2026-03-02T11:02:40Z', 'agent', 'b1c0-agent', '7c1e9a52-0000-4000-8000-000000000002'],
    ]);
    expect(skips.map((s) => s.reason)).toEqual(['contact 7c1e9a52-0000-4000-8000-000000000002, item t-5: no participant role']);
  });

  it('offsets without a start time in the file name are skips, not guesses', () => {
    const doc = { Channel: 'CHAT', CustomerMetadata: { ContactId: 'c9' }, Participants: [{ ParticipantId: 'a', ParticipantRole: 'AGENT' }], Transcript: [{ BeginOffsetMillis: 0, Content: 'hi', Id: 't', ParticipantId: 'a' }] };
    const { messages, skips } = readText('amazon-connect', '', { file: 'c9_analysis.json' }, doc);
    expect(messages).toEqual([]);
    expect(skips[0]?.reason).toMatch(/only BeginOffsetMillis, and the file name holds no start time/);
  });
});
