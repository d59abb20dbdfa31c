import { z } from 'zod';
import { once } from '../../model/once.js';
import { ROLES, type Conversation } from '../../model/message.js';
import { defineKind, type RawFinding } from '../kind.js';
import { commonRuleFields } from '../schema.js';
import { foldedTexts, PhraseMatcher, phraseSetSchema, type TextMatch } from '../matcher.js';

const schema = once(() =>
  z.strictObject({
    ...commonRuleFields(),
    kind: z.literal('reply-to-trigger'),
    triggerRole: z.enum(ROLES as [string, ...string[]]).default('customer').describe('Whose messages can trigger the rule.'),
    trigger: phraseSetSchema().describe('What triggers it: phrases and patterns, e.g. { phrases: [谢谢, 多谢, thanks] }.'),
    triggerUnless: phraseSetSchema()
      .optional()
      .describe(
        'A trigger message that also matches this is not a trigger: a thanks that ends a request ("麻烦退款，谢谢", "please help, thanks"), declines an offer ("没有了，谢谢") or is sarcastic ("thanks for ruining my weekend").',
      ),
    expect: phraseSetSchema().describe("What one of the checked role's next `within` messages must contain, e.g. { phrases: [不客气, 不用谢] }."),
    within: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe("How many of the checked role's messages after the trigger may carry the expected reply."),
    once: z.boolean().default(false).describe('Check only the first trigger of a conversation (a habitual thanker is answered once).'),
    ignoreCase: z.boolean().default(true).describe('Match letters regardless of case.'),
  }),
);
export type ReplyToTriggerRule = z.infer<ReturnType<typeof schema>>;

export const replyToTrigger = defineKind<ReplyToTriggerRule>({
  kind: 'reply-to-trigger',
  summary:
    "When a message of triggerRole (customer) matches `trigger`, one of the checked role's next `within` messages must match `expect` (thanks → 不客气, a complaint → an apology). A message that also matches `triggerUnless` is no trigger. The finding goes on the first checked message after the trigger, held against its agent. Triggers with no checked message between them are one trigger; once: true checks only the first trigger of the conversation; a trigger the log ends before any checked message answers is not a finding.",
  placeholders: ['trigger', 'within'],
  defaultMessage: 'No expected reply to "{trigger}" within {within} message(s)',
  schema,
  compile(rule) {
    const trigger = PhraseMatcher.of(rule.trigger, rule.ignoreCase);
    const expected = PhraseMatcher.of(rule.expect, rule.ignoreCase);
    const unless = rule.triggerUnless ? PhraseMatcher.of(rule.triggerUnless, rule.ignoreCase) : undefined;
    return (conversation: Conversation): RawFinding[] => {
      const findings: RawFinding[] = [];
      const { messages } = conversation;
      const folded = foldedTexts(conversation);
      // Index of the last trigger checked, so a burst of triggers before any reply counts once.
      let pendingSince: number | null = null;
      let checked = 0;
      for (let i = 0; i < messages.length; i++) {
        const message = messages[i];
        if (!message) continue;
        if (message.role === rule.role) {
          pendingSince = null;
          continue;
        }
        if (message.role !== rule.triggerRole || pendingSince !== null) continue;
        const hits = trigger.findAllIn(folded, i);
        if (hits.length === 0 || unless?.testIn(folded, i)) continue;
        const hit = hits[0] as TextMatch;
        pendingSince = i;
        if (rule.once && checked > 0) continue;
        checked++;
        const replies: number[] = [];
        for (let j = i + 1; j < messages.length && replies.length < rule.within; j++) {
          if (messages[j]?.role === rule.role) replies.push(j);
        }
        if (replies.length === 0) continue;
        if (replies.some((j) => expected.testIn(folded, j))) continue;
        findings.push({ messageIndex: replies[0] as number, data: { trigger: hit.text, within: rule.within } });
      }
      return findings;
    };
  },
});
