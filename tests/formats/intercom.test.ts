import { describe, expect, it } from 'vitest';
import { brief, readProduct, readProductFixture } from '../helpers/reading.js';

describe('intercom', () => {
  it('reads the source and the message parts; a note is a skip with its reason; events and body-less assignments/closes are not records', () => {
    const { messages, skips, records } = readProductFixture('intercom', 'intercom/conversation-7731.json');
    expect(messages.map(brief)).toEqual([
      {
        conversationId: '7731',
        time: '2026-03-05T10:00:00Z',
        role: 'customer',
        agentId: undefined,
        text: "Hi there,\nmy order #4411 hasn't arrived & I’m worried.\nCan you check?",
      },
      {
        conversationId: '7731',
        time: '2026-03-05T10:00:50Z',
        role: 'agent',
        agentId: '880011',
        text: 'Hello Mirela, this is Tobiah (ID 880011).\nLet me look — one moment.',
      },
      { conversationId: '7731', time: '2026-03-05T10:01:40Z', role: 'customer', agentId: undefined, text: 'ok thanks' },
      // a close part with a body is the admin's reply; the close part without a body is not a record
      { conversationId: '7731', time: '2026-03-05T10:05:00Z', role: 'agent', agentId: '880011', text: "I've re-booked delivery for tomorrow. Closing this chat now." },
    ]);
    expect(messages[1]?.agentName).toBe('Tobiah Renwick');
    expect(messages.some((m) => m.text.includes('angry'))).toBe(false); // the internal note
    expect(records).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(skips.map((s) => s.reason)).toEqual(['conversation 7731, part 3: internal note, not a message to the customer', 'conversation 7731, part 6: unusable created_at "yesterday"', 'conversation 7731, part 7: unknown author type "visitor_robot"']);
    expect(skips.every((s) => s.line === null)).toBe(true);
  });

  it('REST 1.x: the opening conversation_message is the first message, with its author and the conversation\'s created_at', () => {
    const { messages, skips, records } = readProductFixture('intercom', 'intercom/v1-conversation-5520.json');
    expect(messages.map(brief)).toEqual([
      { conversationId: '5520', time: '2026-03-06T10:00:00Z', role: 'customer', agentId: undefined, text: 'Hello, the app logs me out every few minutes.' },
      { conversationId: '5520', time: '2026-03-06T10:00:50Z', role: 'agent', agentId: '2291847', text: 'Hi, this is Wenke (agent 2291847). Which version of the app do you use?' },
      { conversationId: '5520', time: '2026-03-06T10:03:20Z', role: 'customer', agentId: undefined, text: '4.1.3 on Android' },
      { conversationId: '5520', time: '2026-03-06T10:15:00Z', role: 'agent', agentId: '2291847', text: 'Version 4.2 fixes this. Is there anything else I can help you with?' },
    ]);
    // read = checked + skipped over everything the file holds with text: the note, an away-mode part with a body, a part that is not an object
    expect(records).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(skips.map((s) => [s.record, s.reason])).toEqual([
      [3, 'conversation 5520, part 1840003: internal note, not a message to the customer'],
      [5, 'conversation 5520, part 1840005: part type "away_mode_assignment" is not a message'],
      [6, 'conversation 5520: a conversation part that is not an object ("1840006")'],
    ]);
  });

  it('a conversation with neither a first message nor parts is a skip, not silence', () => {
    const { messages, skips } = readProduct('intercom', '', { file: 'x.json' }, { type: 'conversation', id: '9', created_at: 1772791200, conversation_parts: { type: 'conversation_part.list', conversation_parts: [] } });
    expect(messages).toEqual([]);
    expect(skips.map((s) => s.reason)).toEqual(['conversation 9: no first message and no conversation parts']);
  });

  it('puts channel, tags, team and state in meta', () => {
    const { messages } = readProductFixture('intercom', 'intercom/conversation-7731.json');
    expect(messages[0]?.meta).toEqual({ channel: 'messenger', tags: 'shipping,priority', team: '5120044', state: 'closed' });
  });

  it('maps lead/contact → customer, admin/team → agent, bot and from_ai_agent → bot, in a conversation.list page', () => {
    const { messages, skips } = readProductFixture('intercom', 'intercom/conversations-page.json');
    expect(skips).toEqual([]);
    expect(messages.map((m) => [m.conversationId, m.role, m.agentId ?? null, m.text])).toEqual([
      ['7802', 'customer', null, 'Where is my invoice for March?'],
      ['7802', 'bot', '278', 'Hi Jonas! I can help with invoices.'],
      ['7802', 'bot', '881200', 'Sending it now.'],
      ['7802', 'agent', '5120045', 'Our billing team will follow up.'],
      ['7803', 'agent', '880012', 'Hi Ana, your replacement card has shipped.'],
      ['7803', 'customer', null, 'thanks!! (plain text body)'],
    ]);
  });

  it('decodes HTML: entities, <br>, paragraphs and lists', () => {
    const conversation = {
      type: 'conversation',
      id: 'h1',
      created_at: 1772704800,
      source: {
        body: '<p>Price: 5&nbsp;&euro; &lt;incl. tax&gt; &#8212; &#x201C;ok&#x201D;</p><p><br></p><p>Steps:</p><ol><li>Open</li><li>Click <a href="https://x.example">here</a></li></ol>',
        author: { type: 'user', id: 'u1' },
      },
      conversation_parts: [],
    };
    const { messages } = readProduct('intercom', '', { file: 'h.json' }, conversation);
    expect(messages[0]?.text).toBe('Price: 5 € <incl. tax> — “ok”\n\nSteps:\n- Open\n- Click here');
  });

  it('never throws on bad content', () => {
    expect(readProduct('intercom', 'nope', { file: 'x.json' }).skips[0]?.reason).toMatch(/not valid JSON/);
    expect(readProduct('intercom', '', { file: 'x.json' }, 'text').skips[0]?.reason).toMatch(/not an Intercom export/);
    const noAuthor = readProduct('intercom', '', { file: 'x.json' }, { type: 'conversation', id: '1', created_at: 1772704800, source: { body: 'hi' } });
    expect(noAuthor.skips[0]?.reason).toBe('conversation 1, first message: no author');
  });
});
