import { z } from 'zod';
import type { Conversation, Message } from '../../model/message.js';
import { foldPatternSource, foldWidth, literalSource } from '../../text/fold.js';
import { commonRuleFields, defineKind, type RawFinding } from '../common.js';
import { regexSource } from '../common.js';

const PLACEHOLDERS = ['agentId', 'agentName'] as const;

const schema = z.strictObject({
  ...commonRuleFields,
  kind: z.literal('greeting'),
  /** The greeting must come in each agent's first N messages of the conversation. */
  within: z.number().int().min(1).default(1),
  /** Regular expressions; {agentId} and {agentName} stand for that agent's own values, as whole tokens. */
  patterns: z.array(regexSource(PLACEHOLDERS)).min(1),
  ignoreCase: z.boolean().default(true),
});
export type GreetingRule = z.infer<typeof schema>;

/** Substitutes the agent's own values, escaped and bounded, so agent 102 is not greeted by "云客服1024". */
function instantiate(pattern: string, agentId: string, agentName: string | undefined): string | null {
  let source = foldPatternSource(pattern);
  if (source.includes('{agentName}')) {
    if (!agentName) return null;
    source = source.split('{agentName}').join(`(?:${literalSource(agentName)})`);
  }
  return source.split('{agentId}').join(`(?:${literalSource(agentId)})`);
}

export const greeting = defineKind<GreetingRule>({
  kind: 'greeting',
  summary:
    "Every agent who takes part in a conversation greets within their first `within` messages there, with a message matching one of `patterns`; {agentId}/{agentName} match only that agent's own values as whole tokens.",
  placeholders: ['within'],
  defaultMessage: 'Agent {agentId} did not greet with their own ID in their first {within} message(s)',
  schema,
  compile(rule) {
    const flags = rule.ignoreCase ? 'iu' : 'u';
    const cache = new Map<string, RegExp[]>();
    const expressionsFor = (message: Message): RegExp[] => {
      const key = `${message.agentId ?? ''}\u0000${message.agentName ?? ''}`;
      let expressions = cache.get(key);
      if (!expressions) {
        expressions = rule.patterns
          .map((p) => instantiate(p, message.agentId ?? '', message.agentName))
          .filter((s): s is string => s !== null)
          .map((s) => new RegExp(s, flags));
        if (cache.size > 5_000) cache.clear();
        cache.set(key, expressions);
      }
      return expressions;
    };

    return (conversation: Conversation): RawFinding[] => {
      const seen = new Map<string, { first: number; count: number; greeted: boolean }>();
      conversation.messages.forEach((message, index) => {
        if (message.role !== rule.role) return;
        const agent = message.agentId ?? '';
        let state = seen.get(agent);
        if (!state) {
          state = { first: index, count: 0, greeted: false };
          seen.set(agent, state);
        }
        if (state.greeted || state.count >= rule.within) return;
        state.count++;
        const folded = foldWidth(message.text);
        if (expressionsFor(message).some((e) => e.test(folded))) state.greeted = true;
      });
      const findings: RawFinding[] = [];
      for (const [agentId, state] of seen) {
        if (!state.greeted) findings.push({ messageIndex: state.first, agentId, data: { within: rule.within } });
      }
      return findings;
    };
  },
});
