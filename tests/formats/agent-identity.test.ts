import { describe, expect, it } from 'vitest';
import { compileSignaturePattern, resolveAgentIdentity } from '../../src/input/agent-identity.js';
import type { Message, Role } from '../../src/model/message.js';

let n = 0;
function m(role: Role, text: string, agentId?: string): Message {
  n += 1;
  return {
    conversationId: 'c1',
    timestamp: Date.UTC(2026, 2, 2, 8, 0, n),
    role,
    text,
    source: { file: 't.csv', line: n + 1, record: n },
    ...(agentId !== undefined ? { agentId, agentName: agentId } : {}),
  };
}

// Signatures at the end: "^JK", "-Becky", "- Anwar", "*HCK", optionally followed by a part marker "2/2".
const TWITTER = String.raw`(?:^|\s)[\^*~–-]\s?(?<agentId>\p{Lu}[\p{L}]{0,11})(?:\s+\d/\d)?\s*$`;
const CHINESE = String.raw`(?<agentId>云客服\d+)`;

describe('resolveAgentIdentity', () => {
  it('takes the signed id, and gives it to unsigned messages of the same account when one agent signed', () => {
    const messages = [
      m('customer', '@Brand my bag is lost'),
      m('agent', '@c1 Sorry! DM us. ^JK', 'Ask_Brand'),
      m('customer', '@Brand done'),
      m('agent', '@c1 Thanks, found it.', 'Ask_Brand'),
    ];
    const result = resolveAgentIdentity(messages, { pattern: TWITTER });
    expect(result.messages.map((x) => x.agentId)).toEqual([undefined, 'JK', undefined, 'JK']);
    expect(result.unresolvedAccounts).toEqual([]);
    // names, texts and sources are untouched; the input is not modified
    expect(result.messages[3]).toEqual({ ...messages[3], agentId: 'JK' });
    expect(messages[1]?.agentId).toBe('Ask_Brand');
  });

  it.each([
    ['Thanks for waiting -Becky', 'Becky'],
    ['We are on it - Anwar', 'Anwar'],
    ['Sorry for the wait *HCK', 'HCK'],
    ['Thanks - Lee 2/2', 'Lee'],
    ['Please DM us.\n^HSB', 'HSB'],
  ])('reads the signature in %j', (text, id) => {
    expect(resolveAgentIdentity([m('agent', text, 'Brand')], { pattern: TWITTER }).messages[0]?.agentId).toBe(id);
  });

  it('keeps the account id and reports the account when nobody signed', () => {
    const result = resolveAgentIdentity([m('agent', 'Hello', 'AppleSupport'), m('customer', 'hi'), m('agent', 'Bye', 'AppleSupport')], { pattern: TWITTER });
    expect(result.messages.map((x) => x.agentId)).toEqual(['AppleSupport', undefined, 'AppleSupport']);
    expect(result.unresolvedAccounts).toEqual(['AppleSupport']);
  });

  it('leaves unsigned messages on the account when several agents signed', () => {
    const result = resolveAgentIdentity(
      [m('agent', 'Hi ^JK', 'Brand'), m('agent', 'More info please', 'Brand'), m('agent', 'Taking over ^MM', 'Brand')],
      { pattern: TWITTER },
    );
    expect(result.messages.map((x) => x.agentId)).toEqual(['JK', 'Brand', 'MM']);
    expect(result.unresolvedAccounts).toEqual([]);
  });

  it('resolves each account separately', () => {
    const result = resolveAgentIdentity(
      [m('agent', 'Hi ^JK', 'BrandA'), m('agent', 'ok', 'BrandA'), m('agent', 'hello', 'BrandB'), m('agent', 'yes -Ann', 'BrandC'), m('agent', 'no', 'BrandC')],
      { pattern: TWITTER },
    );
    expect(result.messages.map((x) => x.agentId)).toEqual(['JK', 'JK', 'BrandB', 'Ann', 'Ann']);
    expect(result.unresolvedAccounts).toEqual(['BrandB']);
  });

  it('works with Chinese seat names and the u flag', () => {
    const result = resolveAgentIdentity([m('agent', '您好，云客服1024为您服务', '官方客服'), m('agent', '请稍等', '官方客服')], { pattern: CHINESE });
    expect(result.messages.map((x) => x.agentId)).toEqual(['云客服1024', '云客服1024']);
  });

  it('applies to the chosen role only', () => {
    const messages = [m('bot', 'Auto reply -Bot', 'helper'), m('agent', 'Hi -Kim', 'Brand')];
    const bots = resolveAgentIdentity(messages, { pattern: TWITTER, appliesTo: 'bot' });
    expect(bots.messages.map((x) => x.agentId)).toEqual(['Bot', 'Brand']);
    expect(bots.unresolvedAccounts).toEqual([]);
  });

  it('treats an empty capture as no signature, and handles messages without an account', () => {
    const result = resolveAgentIdentity([m('agent', 'Hi ^JK'), m('agent', 'plain')], { pattern: String.raw`\^(?<agentId>\p{Lu}*)` });
    expect(result.messages.map((x) => x.agentId)).toEqual(['JK', undefined]);
    expect(result.unresolvedAccounts).toEqual([]);
    expect(resolveAgentIdentity([], { pattern: TWITTER })).toEqual({ messages: [], unresolvedAccounts: [] });
  });

  it('rejects patterns that do not compile or have no agentId group', () => {
    expect(() => compileSignaturePattern('(?<agentId>[a-')).toThrow(/invalid agent signature pattern/);
    expect(() => compileSignaturePattern(String.raw`\^(\w+)$`)).toThrow(/no named group/);
    expect(compileSignaturePattern(String.raw`\^(?<agentId>\w+)$`).flags).toBe('u');
  });
});
