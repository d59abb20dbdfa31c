import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSlackMetadataFile } from '../../src/input/formats/slack.js';
import { tempDir } from '../helpers/cli.js';
import { brief, readProduct, readProductFixture, sampleOf } from '../helpers/reading.js';

const DAY = 'slack/export/help-desk/2026-03-02.json';

describe('slack', () => {
  it('reads a day file with users.json one folder up: threads, bots, members as agents, guests and outsiders as customers', () => {
    const { messages, skips, records } = readProductFixture('slack', DAY);
    const thread = 'help-desk/1772442060.000200';
    expect(messages.map(brief)).toEqual([
      { conversationId: thread, time: '2026-03-02T09:01:00Z', role: 'customer', agentId: undefined, text: "Hi team, the export button is greyed out & I can't download <report.csv>" },
      { conversationId: thread, time: '2026-03-02T09:01:01Z', role: 'bot', agentId: 'B07TRIAGE1', text: 'Ticket #5512 created for this thread.' },
      { conversationId: thread, time: '2026-03-02T09:02:05Z', role: 'agent', agentId: 'U07AGENT01', text: 'Hi @Fenna Kroon, Noor here. Which workspace? See the export guide.' },
      // Piet belongs to another team (Slack Connect): a customer
      { conversationId: 'help-desk', time: '2026-03-02T10:00:00Z', role: 'customer', agentId: undefined, text: 'Same problem here @here' },
      { conversationId: 'help-desk', time: '2026-03-02T10:01:40Z', role: 'agent', agentId: 'U07AGENT02', text: 'Looking into it, Piet. Posted in #status.' },
      // not in users.json: treated as outside the workspace
      { conversationId: 'help-desk', time: '2026-03-02T10:03:20Z', role: 'customer', agentId: undefined, text: 'message from someone who left the workspace' },
    ]);
    expect(messages[2]?.agentName).toBe('Noor Haddad');
    expect(messages[2]?.timestamp).toBe(Date.UTC(2026, 2, 2, 9, 2, 5, 500));
    expect(messages[0]?.meta).toEqual({ channel: 'help-desk', thread: '1772442060.000200' });
    expect(messages[3]?.meta).toEqual({ channel: 'help-desk' });
    // channel_join and message_changed are events, not records
    expect(records).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(skips).toEqual([{ file: expect.stringContaining('2026-03-02.json'), line: null, record: 4, reason: 'channel help-desk: unusable ts "not-a-ts"' }]);
  });

  it('with ctx.agents, only the users it names are agents (by id, handle, real or display name)', () => {
    const { messages } = readProductFixture('slack', DAY, { agents: ['noor'] });
    expect(messages.map((m) => m.role)).toEqual(['customer', 'bot', 'agent', 'customer', 'customer', 'customer']);
    const byHandle = readProductFixture('slack', DAY, { agents: ['lars.e', 'U07GUEST01'] });
    expect(byHandle.messages.map((m) => m.role)).toEqual(['agent', 'bot', 'customer', 'customer', 'agent', 'customer']);
  });

  it('finds users.json beside the file and takes the channel from a "<channel>_<date>.json" name', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'users.json'), JSON.stringify([{ id: 'U1', team_id: 'T1', real_name: 'Ada', is_bot: false }, { id: 'U2', team_id: 'T1', name: 'helper', is_bot: true }]));
    const day = [
      { type: 'message', user: 'U1', text: 'hi <@U2>', ts: '1772442000.000001' },
      { type: 'message', user: 'U2', text: 'beep', ts: '1772442001.000002' },
    ];
    const file = join(dir, 'support_2026-03-02.json');
    writeFileSync(file, JSON.stringify(day));
    const { messages } = readProduct('slack', JSON.stringify(day), { file }, day);
    expect(messages.map((m) => [m.conversationId, m.role, m.agentName, m.text])).toEqual([
      ['support', 'agent', 'Ada', 'hi @helper'],
      ['support', 'bot', 'helper', 'beep'],
    ]);
  });

  it('works without users.json (ids as names; nobody known, so everybody is a customer unless named)', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'general'));
    const day = [{ type: 'message', user: 'U9', text: 'hello', ts: '1772442000.000001' }];
    const file = join(dir, 'general', '2026-03-02.json');
    expect(readProduct('slack', '', { file }, day).messages.map((m) => [m.conversationId, m.role])).toEqual([['general', 'customer']]);
    expect(readProduct('slack', '', { file, agents: ['U9'] }, day).messages.map((m) => [m.role, m.agentId])).toEqual([['agent', 'U9']]);
  });

  it('never throws on bad content', () => {
    expect(readProduct('slack', '[', { file: 'x/2026-01-01.json' }).skips[0]?.reason).toMatch(/not valid JSON/);
    expect(readProduct('slack', '', { file: 'x/2026-01-01.json' }, { ok: true }).skips[0]?.reason).toMatch(/expected a JSON array/);
    const odd = readProduct('slack', '', { file: 'x/2026-01-01.json' }, [42, { type: 'message', text: 'x', ts: '1772442000.1' }]);
    expect(odd.skips.map((s) => s.reason)).toEqual(['not a Slack message: 42', 'channel x, ts 1772442000.1: message without a user']);
  });
});

describe('slack metadata files', () => {
  it('recognises users.json and channels.json of an export, and nothing else', () => {
    expect(isSlackMetadataFile('export/users.json', sampleOf('slack/export/users.json').json)).toBe(true);
    expect(isSlackMetadataFile('export/channels.json', sampleOf('slack/export/channels.json').json)).toBe(true);
    expect(isSlackMetadataFile('export/help-desk/2026-03-02.json', sampleOf(DAY).json)).toBe(false);
    expect(isSlackMetadataFile('users.json', [{ conversation_id: 'c1', text: 'hi' }])).toBe(false);
  });
});
