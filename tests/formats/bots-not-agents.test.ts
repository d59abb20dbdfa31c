import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { chatlint, tempDir } from '../helpers/cli.js';
import { FORMAT_FIXTURES as FIXTURES } from '../helpers/reading.js';

interface Listed {
  agents: Array<{ agentId: string }>;
  conversations: Array<{ agents: string[] }>;
}

async function agentsOf(argv: string[]): Promise<string[]> {
  const { stdout } = await chatlint(['check', ...argv, '--preset', 'en', '--format', 'json']);
  const report = JSON.parse(stdout) as Listed;
  const inConversations = report.conversations.flatMap((c) => c.agents);
  expect(new Set(inConversations)).toEqual(new Set(report.agents.map((a) => a.agentId)));
  return report.agents.map((a) => a.agentId).sort();
}

describe('bots and integrations that never wrote a message are not agents', () => {
  it('intercom: the routing/operator bot that only assigns, and bot authors, are not listed', async () => {
    expect(await agentsOf([join(FIXTURES, 'intercom')])).not.toEqual(expect.arrayContaining(['42']));
    const agents = await agentsOf([join(FIXTURES, 'intercom/v1-conversation-5520.json')]);
    expect(agents).toEqual(['2291847']);
  });

  it('slack: a bot user listed only in users.json, and an app user that writes, are not agents', async () => {
    const dir = tempDir({
      'users.json': JSON.stringify([
        { id: 'U1', team_id: 'T1', name: 'ana', real_name: 'Ana Agent', is_bot: false },
        { id: 'U2', team_id: 'T1', name: 'cal', real_name: 'Cal Customer', is_restricted: true, is_bot: false },
        { id: 'UBOT', team_id: 'T1', name: 'pagerbot', real_name: 'Pager Bot', is_bot: true },
        { id: 'UAPP', team_id: 'T1', name: 'helpapp', real_name: 'Help App', is_bot: false, is_app_user: true },
      ]),
      '2026-03-02.json': JSON.stringify([
        { type: 'message', user: 'U2', text: 'my login fails', ts: '1772442000.000100' },
        { type: 'message', user: 'UAPP', text: 'Ticket #55 opened', ts: '1772442001.000100' },
        { type: 'message', user: 'U1', text: 'Hello, this is Ana (agent U1)', ts: '1772442030.000100' },
      ]),
    });
    expect(await agentsOf([join(dir, '2026-03-02.json'), '--input-format', 'slack'])).toEqual(['U1']);
  });
});
