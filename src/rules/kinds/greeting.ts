import { z } from 'zod';
import { once } from '../../model/once.js';
import type { Conversation, Message } from '../../model/message.js';
import { foldPatternSource, literalSource } from '../../text/fold.js';
import { defineKind, type RawFinding } from '../kind.js';
import { commonRuleFields } from '../schema.js';
import { regexSource } from '../schema.js';
import { foldedTexts, PhraseMatcher } from '../matcher.js';

const PLACEHOLDERS = ['agentId', 'agentName'] as const;
/** Any agent id as a whole token, for telling "greeted with someone else's id" from "did not greet". */
const ANY_ID = '(?<![A-Za-z0-9])[A-Za-z0-9][A-Za-z0-9._-]*(?![A-Za-z0-9])';

/**
 * What counts as a customer's question by default (for exemptIfCustomerAsked): a question mark, a Chinese
 * question particle or question word, or an English question word as a whole word. Run on width-folded
 * text ignoring case, so "？" is "?" and "How" is "how".
 */
export const DEFAULT_QUESTION_PATTERNS: readonly string[] = [
  '[?]',
  '吗',
  '呢',
  '怎么',
  '什么',
  '如何',
  '为什么',
  '多少',
  '能不能',
  '可以',
  '(?<![A-Za-z])(?:how|what|why|when|where|can|could)(?![A-Za-z])',
];

const schema = once(() =>
  z.strictObject({
    ...commonRuleFields(),
    kind: z.literal('greeting'),
    within: z.number().int().min(1).default(1).describe("The greeting must come in each agent's first N messages of the conversation."),
    patterns: z
      .array(regexSource(PLACEHOLDERS))
      .min(1)
      .describe("Regular expressions; {agentId} and {agentName} stand for that agent's own values, as whole tokens."),
    ignoreCase: z.boolean().default(true).describe('Match letters regardless of case.'),
    exemptIfCustomerAsked: z
      .boolean()
      .default(false)
      .describe(
        "The conversation's first agent may skip the greeting and answer directly when the customer already asked a question before that agent's first message — not counting a question a bot answered (a bot message after it, before the agent). A transferred-in agent still greets.",
      ),
    questionPatterns: z.array(regexSource()).min(1).default([...DEFAULT_QUESTION_PATTERNS]).describe(
        "Regular expressions for a customer's question, for exemptIfCustomerAsked (run on width-folded text, ignoring case); the default: a question mark, 吗 呢 怎么 什么 如何 为什么 多少 能不能 可以, or how/what/why/when/where/can/could as a word.",
      ),
    notAskingPatterns: z
      .array(regexSource())
      .default([])
      .describe(
        "Regular expressions for parts of a customer message that ask nothing — greetings (\"在吗\", \"hi\"), a channel's menu text or order card, a request for a human — removed before questionPatterns are tried, so \"你好，在吗？\" is not a question but \"你好，我想退货\" can be. Run on width-folded text, ignoring case.",
      ),
  }),
);
export type GreetingRule = z.infer<ReturnType<typeof schema>>;

/** Substitutes the agent's own values, escaped and bounded, so agent 102 is not greeted by "云客服1024". */
function instantiate(pattern: string, agentId: string, agentName: string | undefined): string | null {
  let source = foldPatternSource(pattern);
  if (source.includes('{agentName}')) {
    if (!agentName) return null;
    source = source.split('{agentName}').join(`(?:${literalSource(agentName)})`);
  }
  return source.split('{agentId}').join(`(?:${literalSource(agentId)})`);
}

/** Whether one of the expressions matches the text. */
function anyTests(expressions: readonly RegExp[], text: string): boolean {
  for (let i = 0; i < expressions.length; i++) if ((expressions[i] as RegExp).test(text)) return true;
  return false;
}

export const greeting = defineKind<GreetingRule>({
  kind: 'greeting',
  summary:
    "Every agent who takes part in a conversation greets within their first `within` messages there, with a message matching one of `patterns`; {agentId}/{agentName} match only that agent's own values as whole tokens. With exemptIfCustomerAsked, the first agent may skip it when the customer asked a question (questionPatterns: ? 吗 呢 怎么 什么 如何 为什么 多少 能不能 可以 how what why when where can could; parts matching notAskingPatterns, such as a bare greeting, are removed first) before that agent's first message and no bot spoke after the question — unless that agent greets with someone else's id, which is always a finding.",
  placeholders: ['within'],
  defaultMessage: 'Agent {agentId} did not greet with their own ID in their first {within} message(s)',
  schema,
  compile(rule) {
    const flags = rule.ignoreCase ? 'iu' : 'u';
    // Per agent id, then per name given: a name per id is the rule, so no key string is made per lookup.
    const cache = new Map<string, Map<string, RegExp[]>>();
    let cached = 0;
    const expressionsFor = (message: Message): RegExp[] => {
      const agentId = message.agentId ?? '';
      const agentName = message.agentName ?? '';
      let byName = cache.get(agentId);
      let expressions = byName?.get(agentName);
      if (!expressions) {
        expressions = rule.patterns
          .map((p) => instantiate(p, agentId, message.agentName))
          .filter((s): s is string => s !== null)
          .map((s) => new RegExp(s, flags));
        if (cached > 5_000) {
          cache.clear();
          cached = 0;
          byName = undefined;
        }
        if (!byName) cache.set(agentId, (byName = new Map()));
        byName.set(agentName, expressions);
        cached++;
      }
      return expressions;
    };

    // The same greeting with anybody's id: an exempt agent who greets anyway must not give a wrong id.
    const anyIdExpressions = rule.patterns
      .filter((p) => p.includes('{agentId}'))
      .map((p) => new RegExp(foldPatternSource(p).split('{agentName}').join('[^\\s]{1,16}').split('{agentId}').join(ANY_ID), flags));

    const question = new PhraseMatcher([], rule.questionPatterns, true);
    const notAsking = rule.notAskingPatterns.map((p) => new RegExp(foldPatternSource(p), 'giu'));
    const asks = (folded: string) => question.test(notAsking.reduce((rest, e) => rest.replace(e, ' '), folded));
    /** Index of the conversation's first checked message when the customer asked before it (and no bot took the question). */
    const exemptIndex = (conversation: Conversation): number | null => {
      if (!rule.exemptIfCustomerAsked) return null;
      const first = conversation.messages.findIndex((m) => m.role === rule.role);
      if (first === -1) return null;
      for (let i = first - 1; i >= 0; i--) {
        const m = conversation.messages[i] as Message;
        if (m.role === 'bot') return null;
        if (m.role === 'customer' && asks(foldedTexts(conversation).at(i))) return first;
      }
      return null;
    };

    interface AgentState {
      agentId: string;
      first: number;
      count: number;
      greeted: boolean;
      wrongId: boolean;
    }
    // Each agent of the conversation being checked, in order of their first message: kept from one
    // conversation to the next (a conversation is checked at a time), so checking one makes none.
    const states: AgentState[] = [];
    return (conversation: Conversation): RawFinding[] => {
      let agents = 0;
      const texts = foldedTexts(conversation);
      const { messages } = conversation;
      let last: AgentState | undefined;
      for (let index = 0; index < messages.length; index++) {
        const message = messages[index] as Message;
        if (message.role !== rule.role) continue;
        const agent = message.agentId ?? '';
        // An agent usually sends several messages in a row, and a conversation has few agents.
        let state = last !== undefined && last.agentId === agent ? last : undefined;
        for (let i = 0; state === undefined && i < agents; i++) if ((states[i] as AgentState).agentId === agent) state = states[i];
        if (!state) {
          state = states[agents];
          if (!state) states.push((state = { agentId: agent, first: index, count: 0, greeted: false, wrongId: false }));
          state.agentId = agent;
          state.first = index;
          state.count = 0;
          state.greeted = false;
          state.wrongId = false;
          agents++;
        }
        last = state;
        if (state.greeted || state.count >= rule.within) continue;
        state.count++;
        const folded = texts.at(index);
        if (anyTests(expressionsFor(message), folded)) state.greeted = true;
        else if (anyTests(anyIdExpressions, folded)) state.wrongId = true;
      }
      const findings: RawFinding[] = [];
      // Whether the customer asked first matters only for an agent who did not greet (few): looked at then.
      let exempt: { index: number | null } | undefined;
      for (let i = 0; i < agents; i++) {
        const state = states[i] as AgentState;
        if (state.greeted) continue;
        exempt ??= { index: exemptIndex(conversation) };
        if (state.first === exempt.index && !state.wrongId) continue;
        findings.push({ messageIndex: state.first, agentId: state.agentId, data: { within: rule.within } });
      }
      return findings;
    };
  },
});
