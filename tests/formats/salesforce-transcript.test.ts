import { describe, expect, it } from 'vitest';
import { brief, readProduct, readProductFixture } from '../helpers/reading.js';

describe('salesforce-transcript', () => {
  it('reads an HTML body: offset header, elapsed stamps, <br> and entities, a second Chat Started block after a transfer', () => {
    const { messages, skips, records } = readProductFixture('salesforce-transcript', 'salesforce-transcript/0570X00000Q1x9A.html');
    const id = '0570X00000Q1x9A';
    expect(messages.map(brief)).toEqual([
      // Chat Started 23:58:10 (-0500) on 3 March = 04:58:10 UTC on 4 March
      { conversationId: id, time: '2026-03-04T04:58:15Z', role: 'agent', agentId: 'Dagny Thorsrud', text: 'Hi, this is Dagny (agent 5521). How can I help?' },
      { conversationId: id, time: '2026-03-04T04:59:12Z', role: 'customer', agentId: undefined, text: 'my router\'s light is "orange" & blinking\nit started tonight' },
      { conversationId: id, time: '2026-03-04T04:59:50Z', role: 'agent', agentId: 'Dagny Thorsrud', text: 'Thanks — please unplug it for 10 seconds (a 2m cable is fine).' },
      // second block: Chat Started 00:03:00 (-0500) = 05:03:00 UTC; its agent comes from its own header
      { conversationId: id, time: '2026-03-04T05:03:12Z', role: 'agent', agentId: 'Lennart Viik', text: 'Hello again, Lennart from tier 2.' },
      { conversationId: id, time: '2026-03-04T05:04:03Z', role: 'customer', agentId: undefined, text: 'works now, thanks' },
      { conversationId: id, time: '2026-03-04T05:05:00Z', role: 'agent', agentId: 'Lennart Viik', text: 'Great – have a good night!' },
    ]);
    expect(messages[0]?.meta).toEqual({ origin: 'Web Support' });
    expect(records).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(skips).toHaveLength(1);
    expect(skips[0]).toMatchObject({ record: 4, line: 1 });
    expect(skips[0]?.reason).toMatch(/no "Name:" speaker \("Chat transferred to tier 2"\)/);
  });

  it('reads the plain-text rendering; with only a placeholder Agent header, "Visitor" is the customer', () => {
    const { messages, skips } = readProductFixture('salesforce-transcript', 'salesforce-transcript/00041877.txt');
    expect(skips).toEqual([]);
    expect(messages.map((m) => ({ ...brief(m), line: m.source.line }))).toEqual([
      { conversationId: '00041877', time: '2026-03-06T08:00:04Z', role: 'agent', agentId: 'Maren Solberg', text: 'Hello, how can I help you today?', line: 4 },
      { conversationId: '00041877', time: '2026-03-06T08:00:35Z', role: 'customer', agentId: undefined, text: 'is the outage fixed?\nyes I restarted already', line: 5 },
      { conversationId: '00041877', time: '2026-03-06T08:01:15Z', role: 'agent', agentId: 'Maren Solberg', text: 'It is fixed since 08:40.', line: 7 },
    ]);
  });

  it('reads a CSV export with a Body column: one transcript per row, id from the Id column, other columns as meta', () => {
    const { messages, skips } = readProductFixture('salesforce-transcript', 'salesforce-transcript/transcripts-export.csv');
    expect(messages.map(brief)).toEqual([
      { conversationId: '5708X00000AbCdE', time: '2026-03-09T14:00:08Z', role: 'agent', agentId: 'Sunniva Haug', text: 'Hi, Sunniva here.' },
      { conversationId: '5708X00000AbCdE', time: '2026-03-09T14:00:30Z', role: 'customer', agentId: undefined, text: 'Double charge on my card' },
    ]);
    expect(messages[0]?.meta).toEqual({ Id: '5708X00000AbCdE', Name: '00041901', StartTime: '2026-03-09T14:00:00.000Z', SkillName: 'Billing', origin: 'Billing Button' });
    expect(messages[0]?.source.line).toBe(2);
    // second row: no Agent header, no --agents, nobody shown as Visitor → skipped, not guessed
    expect(skips.map((s) => [s.line, s.record])).toEqual([[3, 3], [3, 4]]);
    expect(skips[0]?.reason).toMatch(/cannot tell the agent from the visitor/);
  });

  it('uses ctx.agents to decide, and reads 12-hour header times', () => {
    const { messages, skips } = readProductFixture('salesforce-transcript', 'salesforce-transcript/transcripts-export.csv', { agents: ['person a'] });
    expect(skips).toEqual([]);
    const row2 = messages.filter((m) => m.conversationId === '5708X00000AbCdF').map(brief);
    expect(row2).toEqual([
      { conversationId: '5708X00000AbCdF', time: '2026-03-09T15:00:08Z', role: 'agent', agentId: 'Person A', text: 'hello' },
      { conversationId: '5708X00000AbCdF', time: '2026-03-09T15:00:20Z', role: 'customer', agentId: undefined, text: 'hi' },
    ]);
  });

  it('adds hours to the start, and reads a header without offset in ctx.timezone', () => {
    const body = 'Chat Started: Sunday, March 29, 2026, 01:30:00\nAgent Kim\n( 5s ) Kim: hi\n( 1h 2m 3s ) Lou: hello\n';
    const { messages } = readProduct('salesforce-transcript', body, { file: 't.txt', timezone: 'Europe/Berlin' });
    // 01:30 CET = 00:30 UTC; an hour later the clocks have moved to CEST, which elapsed time ignores
    expect(messages.map((m) => brief(m).time)).toEqual(['2026-03-29T00:30:05Z', '2026-03-29T01:32:03Z']);
  });

  it('skips messages when the start time is unreadable or missing', () => {
    const noHeader = readProduct('salesforce-transcript', '( 5s ) Kim: hi\n', { file: 't.txt', agents: ['Kim'] });
    expect(noHeader.skips[0]?.reason).toMatch(/no "Chat Started:" header/);
    const badHeader = readProduct('salesforce-transcript', 'Chat Started: someday soon\nAgent Kim\n( 5s ) Kim: hi\n', { file: 't.txt' });
    expect(badHeader.skips[0]?.reason).toMatch(/unreadable start time/);
    expect(badHeader.skips[0]?.line).toBe(3);
  });
});
