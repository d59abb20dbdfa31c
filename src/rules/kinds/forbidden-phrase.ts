import { z } from 'zod';
import type { Conversation } from '../../model/message.js';
import { commonRuleFields, defineKind, regexSource, type RawFinding } from '../common.js';
import { PhraseMatcher } from '../matcher.js';

const schema = z
  .strictObject({
    ...commonRuleFields,
    kind: z.literal('forbidden-phrase'),
    /** Literal phrases; width-folded, and bounded at word edges where they begin or end with a letter or digit. */
    phrases: z.array(z.string().min(1)).default([]),
    /** Regular expressions run on the width-folded text. */
    patterns: z.array(regexSource()).default([]),
    ignoreCase: z.boolean().default(true),
  })
  .refine((r) => r.phrases.length + r.patterns.length > 0, { message: 'needs at least one phrase or pattern', path: ['phrases'] });
export type ForbiddenPhraseRule = z.infer<typeof schema>;

/** Every occurrence in every checked message is one finding with the matched text and its offset. */
export function occurrenceChecker(matcher: PhraseMatcher, role: string) {
  return (conversation: Conversation): RawFinding[] => {
    const findings: RawFinding[] = [];
    conversation.messages.forEach((message, index) => {
      if (message.role !== role) return;
      for (const hit of matcher.findAll(message.text)) findings.push({ messageIndex: index, match: hit.text, offset: hit.offset });
    });
    return findings;
  };
}

export const forbiddenPhrase = defineKind<ForbiddenPhraseRule>({
  kind: 'forbidden-phrase',
  summary:
    'Each occurrence of a phrase or pattern in a checked message is one finding. Text is width-folded first (ＯＫ = OK, ！ = !); Latin/digit phrase edges match only at word boundaries.',
  placeholders: [],
  defaultMessage: 'Forbidden phrase "{match}"',
  schema,
  compile(rule) {
    return occurrenceChecker(new PhraseMatcher(rule.phrases, rule.patterns, rule.ignoreCase), rule.role);
  },
});
