import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRuleText } from '../../src/config/compile.js';
import { runCheck } from '../../src/engine/run.js';
import { materialize } from '../../src/model/report.js';
import { readInput } from '../../src/input/read.js';
import { openFile, openInput } from '../../src/input/source.js';
import { chatlint, ROOT, tempDir } from '../helpers/cli.js';
import { BASE_OPTIONS, fixture } from '../helpers/reading.js';

const EXAMPLE = join(ROOT, 'examples/twitter-support.yaml');
const examplePattern = (): string => {
  const input = compileRuleText(readFileSync(EXAMPLE, 'utf8'), 'twitter-support.yaml').input;
  if (!input?.agentIdFrom) throw new Error('the example has no agentIdFrom');
  return input.agentIdFrom.pattern;
};

// Four threads: one agent signs and leaves an unsigned follow-up (given to them); two agents sign in one
// thread; an account that never signs; another account whose agent signs with the same initials.
const TWEETS = [
  'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id',
  '1,c1,True,Mon Mar 02 08:00:00 +0000 2026,@Brand my bag,2,',
  '2,Brand,False,Mon Mar 02 08:03:00 +0000 2026,@c1 Sorry! DM us ^JK,3,1',
  '3,c1,True,Mon Mar 02 08:04:00 +0000 2026,@Brand done,4,2',
  '4,Brand,False,Mon Mar 02 08:10:00 +0000 2026,@c1 Thanks found it,,3',
  '10,c2,True,Mon Mar 02 09:00:00 +0000 2026,@Brand hello,11,',
  '11,Brand,False,Mon Mar 02 09:00:30 +0000 2026,@c2 hi there -Ann,12,10',
  '12,c2,True,Mon Mar 02 09:01:00 +0000 2026,@Brand ok,13,11',
  '13,Brand,False,Mon Mar 02 09:05:00 +0000 2026,@c2 taking over ^JK https://t.co/x,,12',
  '20,c3,True,Mon Mar 02 10:00:00 +0000 2026,@Other help,21,',
  '21,Other,False,Mon Mar 02 10:02:00 +0000 2026,@c3 we are on it,22,20',
  '22,c3,True,Mon Mar 02 10:03:00 +0000 2026,@Other thanks,23,21',
  '23,Other,False,Mon Mar 02 10:09:00 +0000 2026,@c3 anytime,,22',
  '30,c4,True,Mon Mar 02 11:00:00 +0000 2026,@Other2 q,31,',
  '31,Other2,False,Mon Mar 02 11:01:00 +0000 2026,@c4 a ^JK 2/2,,30',
].join('\n');

const rules = (agentIdFrom: string) => `
name: identity-test
timezone: UTC
input:
  agentIdFrom:
${agentIdFrom}
rules:
  - id: reply-60s
    kind: response-time
    maxSeconds: 60
`;

async function run(ruleText: string, content = TWEETS) {
  const ruleset = compileRuleText(ruleText, 'identity.yaml');
  const input = await openInput('tweets.csv', (async function* () {
    yield Buffer.from(content);
  })());
  const result = await runCheck(readInput(input, { ...BASE_OPTIONS, timezone: 'UTC' }), ruleset);
  return { ...result, report: materialize(result.report) };
}

describe('agent identity from signatures, wired through runCheck', () => {
  it('gives each message the signing agent, keeps accounts that never sign, and says so in the report', async () => {
    const pattern = JSON.stringify(examplePattern());
    const { report, identity } = await run(rules(`    pattern: ${pattern}\n    prefixAccount: true`));
    expect(report.findings.map((f) => [f.conversationId, f.messageIndex, f.agentId, f.seconds])).toEqual([
      ['1', 1, 'Brand/JK', 180],
      ['1', 3, 'Brand/JK', 360],
      ['10', 3, 'Brand/JK', 240],
      ['20', 1, 'Other', 120],
      ['20', 3, 'Other', 360],
    ]);
    expect(report.agents.map((a) => [a.agentId, a.agentName, a.conversations, a.messages, (a as { identity?: string }).identity])).toEqual([
      ['Brand/Ann', 'Brand', 1, 1, 'signed'],
      ['Brand/JK', 'Brand', 2, 3, 'signed'],
      ['Other', 'Other', 1, 2, 'account'],
      ['Other2/JK', 'Other2', 1, 1, 'signed'],
    ]);
    const expected = {
      pattern: examplePattern(),
      appliesTo: 'agent',
      signedMessages: 4,
      attributedMessages: 1,
      accountMessages: 2,
      unresolvedAccounts: [{ account: 'Other', conversations: 1, messages: 2 }],
    };
    expect((report.summary as { agentIdentity?: unknown }).agentIdentity).toEqual(expected);
    expect(identity).toEqual(expected);
    expect(report.conversations.map((c) => [c.conversationId, c.agents])).toEqual([
      ['1', ['Brand/JK']],
      ['10', ['Brand/Ann', 'Brand/JK']],
      ['20', ['Other']],
      ['30', ['Other2/JK']],
    ]);
  });

  it('without prefixAccount, agents who sign alike on different accounts are one agent', async () => {
    const { report } = await run(rules(`    pattern: ${JSON.stringify(examplePattern())}`));
    expect(report.agents.map((a) => [a.agentId, a.conversations, (a as { identity?: string }).identity])).toEqual([
      ['Ann', 1, 'signed'],
      ['JK', 3, 'signed'],
      ['Other', 1, 'account'],
    ]);
  });

  it('adds nothing to the report when the rule file has no agentIdFrom', async () => {
    const { report, identity } = await run('name: plain\ntimezone: UTC\nrules:\n  - id: reply-60s\n    kind: response-time\n    maxSeconds: 60\n');
    expect(identity).toBeUndefined();
    expect('agentIdentity' in report.summary).toBe(false);
    expect(report.agents.map((a) => a.agentId)).toEqual(['Brand', 'Other', 'Other2']);
    expect(report.agents.every((a) => !('identity' in a))).toBe(true);
  });

  it('reads Chinese seat signatures from a CSV export with one shared account', async () => {
    const csv = [
      '会话ID,发送时间,角色,客服昵称,消息内容',
      'z1,2026-11-27 10:00:00,客户,,在吗',
      'z1,2026-11-27 10:00:20,客服,官方旗舰店,您好，云客服1024为您服务',
      'z1,2026-11-27 10:01:00,客户,,退货',
      'z1,2026-11-27 10:03:00,客服,官方旗舰店,请稍等',
      'z2,2026-11-27 11:00:00,客户,,hi',
      'z2,2026-11-27 11:00:10,客服,官方旗舰店,在的',
    ].join('\n');
    const { report } = await run(rules('    pattern: "(?<agentId>云客服\\\\d+)"'), csv);
    expect(report.findings.map((f) => [f.conversationId, f.agentId, f.seconds])).toEqual([['z1', '云客服1024', 120]]);
    expect(report.agents.map((a) => [a.agentId, a.agentName, (a as { identity?: string }).identity])).toEqual([
      ['云客服1024', '官方旗舰店', 'signed'],
      ['官方旗舰店', '官方旗舰店', 'account'],
    ]);
  });

  it('the example rule file resolves the signatures of the Twitter fixture', async () => {
    const ruleset = compileRuleText(readFileSync(EXAMPLE, 'utf8'), 'twitter-support.yaml');
    const input = await openFile(fixture('formats/twitter-replies/tweets.csv'));
    const { report: source, identity } = await runCheck(readInput(input, { ...BASE_OPTIONS, timezone: 'UTC' }), ruleset);
    const report = materialize(source);
    await input.close?.();
    expect(report.agents.map((a) => [a.agentId, a.messages])).toEqual([
      ['BrightAir/Dana', 1],
      ['BrightAir/KS', 3],
    ]);
    expect(identity).toMatchObject({ signedMessages: 3, attributedMessages: 1, accountMessages: 0, unresolvedAccounts: [] });
  });

  it('prints a line about identity on stderr and writes summary.agentIdentity in the CLI JSON report', async () => {
    const dir = tempDir({ 'tweets.csv': TWEETS });
    const ruleFile = join(dir, 'rules.yaml');
    writeFileSync(ruleFile, rules(`    pattern: ${JSON.stringify(examplePattern())}\n    prefixAccount: true`));
    const result = await chatlint(['check', join(dir, 'tweets.csv'), '--rules', ruleFile, '-f', 'json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'chatlint: agent identity: 4 messages signed, 1 given to the one agent who signed in their conversation, 2 left on the account; ' +
        '1 account never signed in some conversations, so their messages there count under the account: Other (1 conversation, 2 messages)\n',
    );
    const report = JSON.parse(result.stdout);
    expect(report.summary.agentIdentity.unresolvedAccounts).toEqual([{ account: 'Other', conversations: 1, messages: 2 }]);
    expect(report.agents.map((a: { identity: string }) => a.identity)).toEqual(['signed', 'signed', 'account', 'signed']);
    expect((await chatlint(['check', join(dir, 'tweets.csv'), '--rules', ruleFile, '-f', 'json', '--quiet'])).stderr).toBe('');
  });
});
