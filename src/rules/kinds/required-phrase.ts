import { z } from 'zod';
import { once } from '../../model/once.js';
import type { Conversation, Message } from '../../model/message.js';
import { defineKind, type RawFinding } from '../kind.js';
import { commonRuleFields, regexSource } from '../schema.js';
import { foldedTexts, PhraseMatcher, type FoldedTexts } from '../matcher.js';

const schema = once(() =>
  z
    .strictObject({
      ...commonRuleFields(),
      kind: z.literal('required-phrase'),
      phrases: z
        .array(z.string().min(1))
        .default([])
        .describe('Literal phrases, matched like forbidden-phrase (width-folded, word-edge bounded).'),
      patterns: z.array(regexSource()).default([]).describe('Regular expressions run on the width-folded text.'),
      ignoreCase: z.boolean().default(true).describe('Match letters regardless of case.'),
      position: z
        .enum(['first', 'last', 'any'])
        .default('any')
        .describe('Where the phrase must appear: in the `first` N messages, the `last` N, or `any` message.'),
      within: z
        .number()
        .int()
        .min(1)
        .default(1)
        .describe("N for `first` and `last`: how many of the checked role's messages count. Ignored for `any`."),
      perAgent: z
        .boolean()
        .default(false)
        .describe("Check each agent's own messages separately (one finding per agent) instead of the conversation's."),
    })
    .refine((r) => r.phrases.length + r.patterns.length > 0, { message: 'needs at least one phrase or pattern', path: ['phrases'] }),
);
export type RequiredPhraseRule = z.infer<ReturnType<typeof schema>>;

export const requiredPhrase = defineKind<RequiredPhraseRule>({
  kind: 'required-phrase',
  summary:
    "A phrase or pattern must appear in the checked role's messages: in the first `within` of them (position: first), the last `within` (last: a closing line), or any (any). One finding per conversation, or per agent with perAgent: true, on the last checked message for `last` and the first for `first`/`any`. A conversation where the checked role never speaks yields nothing.",
  placeholders: ['position', 'within'],
  defaultMessage: 'Required phrase missing (position: {position}, within: {within})',
  schema,
  compile(rule) {
    const matcher = new PhraseMatcher(rule.phrases, rule.patterns, rule.ignoreCase);
    /** The finding for one group of checked messages (their indexes, in order), or null when the phrase is there. */
    const judge = (indexes: readonly number[], folded: FoldedTexts): RawFinding | null => {
      if (indexes.length === 0) return null;
      const from = rule.position === 'last' ? Math.max(0, indexes.length - rule.within) : 0;
      const to = rule.position === 'first' ? Math.min(indexes.length, rule.within) : indexes.length;
      for (let k = from; k < to; k++) {
        const index = indexes[k] as number;
        if (matcher.testIn(folded, index)) return null;
      }
      const at = (rule.position === 'last' ? indexes[indexes.length - 1] : indexes[0]) as number;
      return { messageIndex: at, data: { position: rule.position, within: rule.within } };
    };
    return (conversation: Conversation): RawFinding[] => {
      const { messages } = conversation;
      // The checked messages' indexes: all in one group, or one group per agent.
      const all: number[] = [];
      const groups = rule.perAgent ? new Map<string, number[]>() : undefined;
      for (let index = 0; index < messages.length; index++) {
        const message = messages[index] as Message;
        if (message.role !== rule.role) continue;
        if (!groups) {
          all.push(index);
          continue;
        }
        const key = message.agentId ?? '';
        let list = groups.get(key);
        if (!list) groups.set(key, (list = []));
        list.push(index);
      }
      const findings: RawFinding[] = [];
      const folded = foldedTexts(conversation);
      for (const indexes of groups ? groups.values() : [all]) {
        const finding = judge(indexes, folded);
        if (finding) findings.push(finding);
      }
      return findings;
    };
  },
});
