import { describe, expect, it } from 'vitest';
import { decideDateOrder } from '../../src/input/formats/whatsapp.js';
import { brief, readProduct, readProductFixture } from '../helpers/reading.js';

const BERLIN = { timezone: 'Europe/Berlin' };

describe('whatsapp', () => {
  it('Android export: 12-hour clock with U+202F, midnight and noon, multi-line messages, system lines, media', () => {
    const { messages, skips, records } = readProductFixture('whatsapp', 'whatsapp/WhatsApp Chat with Brightline Support.txt', { ...BERLIN, agents: ['Brightline Support'] });
    const id = 'WhatsApp Chat with Brightline Support';
    expect(messages.map((m) => ({ ...brief(m), line: m.source.line }))).toEqual([
      // 05/03/2026 11:58 PM in Berlin (UTC+1); the first dates are ambiguous, 13/03 later in the file settles D/M/Y
      { conversationId: id, time: '2026-03-05T22:58:00Z', role: 'customer', agentId: undefined, text: 'Hi, is anyone there?\nMy order never came\nand the tracking page is blank', line: 2 },
      // 12:05 AM is five past midnight on 6 March
      { conversationId: id, time: '2026-03-05T23:05:00Z', role: 'agent', agentId: 'Brightline Support', text: 'Hello Jasper, this is Brightline Support, Noor speaking (agent 31). Let me check.', line: 5 },
      { conversationId: id, time: '2026-03-05T23:07:00Z', role: 'customer', agentId: undefined, text: '<Media omitted>', line: 6 },
      // 12:30 PM is half past noon
      { conversationId: id, time: '2026-03-06T11:30:00Z', role: 'agent', agentId: 'Brightline Support', text: 'Your parcel was found at the depot.', line: 7 },
      { conversationId: id, time: '2026-03-13T08:15:00Z', role: 'customer', agentId: undefined, text: 'It arrived, thanks!', line: 9 },
    ]);
    expect(messages[2]?.meta).toEqual({ attachment: 'omitted' });
    expect(messages[0]?.meta).toBeUndefined();
    // the encryption notice and "X added Y" are events, not records
    expect(records).toEqual([1, 2, 3, 4, 5, 6]);
    expect(skips).toEqual([{ file: expect.stringContaining('Brightline Support.txt'), line: 10, record: 6, reason: expect.stringMatching(/invalid date.*month 2, day 31/) }]);
  });

  it('iOS export: U+200E marks, [date, time] headers with seconds, CRLF, encryption and missed-call notices under a sender', () => {
    const { messages, skips } = readProductFixture('whatsapp', 'whatsapp/ios-export.txt', { ...BERLIN, agents: ['noor haddad'] });
    expect(skips).toEqual([]);
    expect(messages.map((m) => ({ ...brief(m), line: m.source.line }))).toEqual([
      { conversationId: 'ios-export', time: '2026-03-02T08:00:04Z', role: 'customer', agentId: undefined, text: 'Good morning', line: 2 },
      { conversationId: 'ios-export', time: '2026-03-02T08:00:40Z', role: 'agent', agentId: 'Noor Haddad', text: 'Good morning Sigrun, Noor here (agent 31).', line: 3 },
      { conversationId: 'ios-export', time: '2026-03-02T08:01:10Z', role: 'customer', agentId: undefined, text: 'image omitted', line: 4 },
      { conversationId: 'ios-export', time: '2026-03-02T08:02:00Z', role: 'agent', agentId: 'Noor Haddad', text: 'Thanks! That is the old model.\nIt needs the USB-C adapter:\n- adapter A12\n- cable C3', line: 5 },
      { conversationId: 'ios-export', time: '2026-03-03T22:59:59Z', role: 'customer', agentId: undefined, text: 'ok ordered', line: 9 },
    ]);
    expect(messages[2]?.meta).toEqual({ attachment: 'omitted' });
  });

  it('US export: M/D/YY decided by the file order, 12:00 AM and 12:00 PM, across a DST change', () => {
    const { messages } = readProductFixture('whatsapp', 'whatsapp/us-12h.txt', { ...BERLIN, agents: ['Brightline Support'] });
    expect(messages.map((m) => [brief(m).time, m.role])).toEqual([
      ['2026-03-12T20:41:00Z', 'customer'],
      ['2026-03-12T20:43:00Z', 'agent'],
      ['2026-03-31T22:00:00Z', 'customer'], // 4/1/26 12:00 AM in Berlin, already summer time (UTC+2)
      ['2026-04-02T10:00:00Z', 'agent'], // 4/2/26 12:00 PM
    ]);
  });

  it('without agents every sender is a customer', () => {
    const { messages } = readProductFixture('whatsapp', 'whatsapp/us-12h.txt');
    expect(messages.every((m) => m.role === 'customer' && m.agentId === undefined)).toBe(true);
  });

  it.each([
    ['3/6/18, 1:55 p.m. - a: m', '2018-06-03T13:55:00Z'],
    ['03-06-2018, 01.55 PM - a: m', '2018-06-03T13:55:00Z'],
    ['13.06.18 21.25.15: a: m', '2018-06-13T21:25:15Z'],
    ['[06.13.18 21:25:15] a: m', '2018-06-13T21:25:15Z'],
    ['13.6.2018 klo 21.25.15 - a: m', '2018-06-13T21:25:15Z'],
    ['13. 6. 2018. 21:25:15 a: m', '2018-06-13T21:25:15Z'],
    ['[3/6/18 1:55:00 p. m.] a: m', '2018-06-03T13:55:00Z'],
    ['\u200E[3/6/18 1:55:00 p. m.] a: m', '2018-06-03T13:55:00Z'],
    ['[2018/06/13, 21:25:15] a: m', '2018-06-13T21:25:15Z'],
    ['[06/2018/13, 21:25:15] a: m', '2018-06-13T21:25:15Z'],
    ['3/6/2018 1:55 p.\u00A0m. - a: m', '2018-06-03T13:55:00Z'],
    ['3/6/18, 1:55\u202FPM - a: m', '2018-06-03T13:55:00Z'],
    ['3/6/18, 12:01 AM - a: m', '2018-06-03T00:01:00Z'],
  ])('header variant %j', (line, time) => {
    const { messages, skips } = readProduct('whatsapp', `${line}\n`, { file: 'v.txt', agents: ['a'] });
    expect(skips).toEqual([]);
    expect(messages.map(brief)).toEqual([{ conversationId: 'v', time, role: 'agent', agentId: 'a', text: 'm' }]);
  });

  it('decides the date order from the whole file', () => {
    // a field above 12 settles it, wherever it is
    expect(decideDateOrder([[1, 2, 2026], [3, 4, 2026], [20, 4, 2026]], [[2, 2, 4], [2, 2, 4], [2, 2, 4]])).toEqual({ year: 2, day: 0, month: 1 });
    expect(decideDateOrder([[1, 2, 26], [4, 20, 26]])).toEqual({ year: 2, day: 1, month: 0 });
    // otherwise the order that keeps the dates chronological
    expect(decideDateOrder([[3, 12, 26], [4, 1, 26], [4, 2, 26]])).toEqual({ year: 2, month: 0, day: 1 });
    // then the field that changes more often is the day
    expect(decideDateOrder([[1, 3, 26], [2, 3, 26], [3, 3, 26]])).toEqual({ year: 2, day: 0, month: 1 });
    // all equal: day first; year-first files read Y/M/D
    expect(decideDateOrder([[5, 5, 26]])).toEqual({ year: 2, day: 0, month: 1 });
    expect(decideDateOrder([[2026, 5, 6]], [[4, 1, 1]])).toEqual({ year: 0, month: 1, day: 2 });
  });

  it('skips text before the first header and impossible 12-hour times; continuation lines need a message', () => {
    const text = 'exported by someone\nsecond stray line\n3/6/18, 13:55 PM - a: m\n3/6/18, 1:56 PM - b: n\ncontinued\n';
    const { messages, skips } = readProduct('whatsapp', text, { file: 'w.txt' });
    expect(skips.map((s) => [s.line, s.record, s.reason])).toEqual([
      [1, 1, 'text before the first WhatsApp message header (not a message)'],
      [3, 2, 'invalid 12-hour time 13:55 PM'],
    ]);
    expect(messages.map((m) => [m.text, m.source.line, m.source.record])).toEqual([['n\ncontinued', 4, 3]]);
  });

  it('keeps ordinary messages that mention encryption or missed calls', () => {
    const text = '06/03/2017, 00:45 - Sam: are messages end-to-end encrypted here?\n06/03/2017, 00:46 - Sam: Missed voice call\n06/03/2017, 00:47 - Sam: I had a missed voice call from you\n';
    const { messages } = readProduct('whatsapp', text, { file: 'e.txt' });
    expect(messages.map((m) => m.text)).toEqual(['are messages end-to-end encrypted here?', 'I had a missed voice call from you']);
  });

  it('compares agent names ignoring case and spacing, and phone numbers by digits', () => {
    const text = '06/03/2017, 00:45 - +41 012 345 67 89: hello\n06/03/2017, 00:46 - Sam  Lee: hi\n';
    const { messages } = readProduct('whatsapp', text, { file: 'p.txt', agents: ['+41012345 6789', 'sam lee'] });
    expect(messages.map((m) => [m.role, m.agentId])).toEqual([
      ['agent', '+41 012 345 67 89'],
      ['agent', 'Sam  Lee'],
    ]);
  });

  it('recognises attachment placeholders', () => {
    const text = [
      '3/6/18, 1:55 p.m. - a: < attached: 00000042-PHOTO-2026-06-07-15-13-20.jpg >',
      '3/6/18, 1:56 p.m. - a: IMG-20260428-WA0001.jpg (file attached)',
      '3/6/18, 1:57 p.m. - a: 2026-08-04-PHOTO-00004762.jpg \u200E<attached>',
      '3/6/18, 1:58 p.m. - a: \u200Eaf3e.jpg (Datei angehängt)',
      'Frohe Ostern!',
    ].join('\n');
    const { messages } = readProduct('whatsapp', text, { file: 'a.txt' });
    expect(messages.map((m) => m.meta?.['attachment'])).toEqual(['00000042-PHOTO-2026-06-07-15-13-20.jpg', 'IMG-20260428-WA0001.jpg', '2026-08-04-PHOTO-00004762.jpg', 'af3e.jpg']);
    expect(messages[3]?.text).toBe('af3e.jpg (Datei angehängt)\nFrohe Ostern!');
  });
});

describe('whatsapp iOS variants', () => {
  it('12 h with lower-case am/pm, D/M/Y, U+200E before attachment lines, multi-line', () => {
    const { messages, skips } = readProductFixture('whatsapp', 'whatsapp/ios-12h-lower.txt', { ...BERLIN, agents: ['Brightline Support'] });
    expect(skips).toEqual([]);
    expect(messages.map((m) => ({ ...brief(m), line: m.source.line, meta: m.meta }))).toEqual([
      { conversationId: 'ios-12h-lower', time: '2020-11-02T20:47:19Z', role: 'customer', agentId: undefined, text: 'Hi, my blender stopped working', line: 2, meta: undefined },
      { conversationId: 'ios-12h-lower', time: '2020-11-02T20:48:02Z', role: 'agent', agentId: 'Brightline Support', text: 'Good evening Mara, this is Brightline Support, agent 44 speaking.', line: 3, meta: undefined },
      { conversationId: 'ios-12h-lower', time: '2020-11-02T20:48:40Z', role: 'customer', agentId: undefined, text: 'image omitted', line: 4, meta: { attachment: 'omitted' } },
      {
        conversationId: 'ios-12h-lower',
        time: '2020-11-02T20:50:05Z',
        role: 'agent',
        agentId: 'Brightline Support',
        text: 'Thanks for the photo.\nThe motor fuse has blown:\nplease send it in with form B7.',
        line: 5,
        meta: undefined,
      },
      { conversationId: 'ios-12h-lower', time: '2020-11-02T20:51:30Z', role: 'agent', agentId: 'Brightline Support', text: '<attached: 00000031-PDF-form-B7.pdf>', line: 8, meta: { attachment: '00000031-PDF-form-B7.pdf' } },
      // 12:01:00 am is one minute past midnight; 12:15:44 pm is a quarter past noon
      { conversationId: 'ios-12h-lower', time: '2020-11-12T23:01:00Z', role: 'customer', agentId: undefined, text: 'sent it today', line: 9, meta: undefined },
      { conversationId: 'ios-12h-lower', time: '2020-11-13T11:15:44Z', role: 'agent', agentId: 'Brightline Support', text: 'Received, thank you!', line: 10, meta: undefined },
    ]);
  });

  it('M/D/YY with U+202F before upper-case AM/PM, CRLF, midnight and a continuation line', () => {
    const { messages, skips } = readProductFixture('whatsapp', 'whatsapp/ios-us-narrow.txt', { ...BERLIN, agents: ['Brightline Support'] });
    expect(skips).toEqual([]);
    expect(messages.map((m) => [brief(m).time, m.role, m.text])).toEqual([
      ['2026-03-14T08:05:10Z', 'customer', 'Hello? Is this the repair desk?'],
      ['2026-03-14T08:06:00Z', 'agent', 'Hi Jonas, this is Brightline Support, agent 12. Yes it is.'],
      ['2026-03-14T08:06:41Z', 'customer', 'video omitted'],
      ['2026-03-14T22:59:59Z', 'agent', 'We will call you tomorrow.'],
      ['2026-03-14T23:00:30Z', 'customer', 'Thanks\nsee you'],
    ]);
  });

  it('24 h, year first, U+200E before the first header: the encryption notice is an event', () => {
    const { messages, skips, records } = readProductFixture('whatsapp', 'whatsapp/ios-24h-ymd.txt', { ...BERLIN, agents: ['Brightline Support'] });
    expect(skips).toEqual([]);
    expect(records).toEqual([1, 2, 3, 4]);
    expect(messages.map((m) => [brief(m).time, m.role, m.text])).toEqual([
      ['2020-11-02T20:47:19Z', 'customer', 'Bom dia, preciso de ajuda'],
      ['2020-11-02T20:49:00Z', 'agent', 'Hello Ines, this is Brightline Support, agent 7.'],
      ['2020-11-02T20:50:12Z', 'customer', 'sticker omitted'],
      ['2020-11-03T07:00:00Z', 'agent', 'Is there anything else I can help you with?'],
    ]);
  });
});
