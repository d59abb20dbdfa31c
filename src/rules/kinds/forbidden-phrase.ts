import { z } from 'zod';
import { once } from '../../model/once.js';
import type { Conversation, Message } from '../../model/message.js';
import { defineKind, type RawFinding } from '../kind.js';
import { commonRuleFields, regexSource } from '../schema.js';
import { foldedTexts, PhraseMatcher, phraseSetSchema, type TextMatch } from '../matcher.js';

const schema = once(() =>
  z
    .strictObject({
      ...commonRuleFields(),
      kind: z.literal('forbidden-phrase'),
      phrases: z
        .array(z.string().min(1))
        .default([])
        .describe('Literal phrases; width-folded, and bounded at word edges where they begin or end with a letter or digit.'),
      patterns: z.array(regexSource()).default([]).describe('Regular expressions run on the width-folded text.'),
      ignoreCase: z.boolean().default(true).describe('Match letters regardless of case.'),
      position: z
        .enum(['anywhere', 'start'])
        .default('anywhere')
        .describe(
          '`anywhere`, or `start`: only at the start of a message, after leading whitespace and punctuation — for filler openings (啊 / 嗯 / 那). The phrase alone decides: "那" at the start fires on "那个订单…" too; write a pattern such as "那[,，、 ]" to flag only the filler.',
        ),
      exceptions: phraseSetSchema()
        .optional()
        .describe(
          'Phrases and patterns that cancel a hit they contain: the longest match wins, so a rule flagging "你" allows "你们" or a quoted product name "你的名字" listed here. A hit longer than every exception stays.',
        ),
    })
    .refine((r) => r.phrases.length + r.patterns.length > 0, { message: 'needs at least one phrase or pattern', path: ['phrases'] }),
);
export type ForbiddenPhraseRule = z.infer<ReturnType<typeof schema>>;

export interface OccurrenceOptions {
  /** Keep only hits at the start of the message (after leading whitespace and punctuation). */
  atStart?: boolean;
  /** Drop a hit when an exception match contains it. */
  exceptions?: PhraseMatcher | undefined;
}

/** Leading whitespace, punctuation and symbols (emoji included) before a message's first word. */
const LEADING = /^[\s\p{P}\p{S}]*/u;

/** Every occurrence in every checked message is one finding with the matched text and its offset. */
export function occurrenceChecker(matcher: PhraseMatcher, role: string, options: OccurrenceOptions = {}) {
  const { atStart = false, exceptions } = options;
  return (conversation: Conversation): RawFinding[] => {
    const findings: RawFinding[] = [];
    const folded = foldedTexts(conversation);
    const { messages } = conversation;
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index] as Message;
      if (message.role !== role) continue;
      let hits: readonly TextMatch[] = matcher.findAllIn(folded, index);
      if (hits.length === 0) continue;
      if (atStart) {
        const start = (LEADING.exec(message.text)?.[0] ?? '').length;
        hits = hits.filter((h) => h.offset === start);
      }
      if (exceptions && hits.length > 0) {
        const covered = exceptions.coverageIn(folded, index);
        hits = hits.filter((h) => !covered(h.offset, h.offset + h.text.length));
      }
      for (const hit of hits) findings.push({ messageIndex: index, match: hit.text, offset: hit.offset });
    }
    return findings;
  };
}

export const forbiddenPhrase = defineKind<ForbiddenPhraseRule>({
  kind: 'forbidden-phrase',
  summary:
    'Each occurrence of a phrase or pattern in a checked message is one finding. Text is width-folded first (ＯＫ = OK, ！ = !); Latin/digit phrase edges match only at word boundaries. position: start keeps only hits at the start of a message (after leading whitespace and punctuation); a hit contained in a match of `exceptions` is dropped (longest match wins).',
  placeholders: [],
  defaultMessage: 'Forbidden phrase "{match}"',
  schema,
  compile(rule) {
    return occurrenceChecker(new PhraseMatcher(rule.phrases, rule.patterns, rule.ignoreCase), rule.role, {
      atStart: rule.position === 'start',
      exceptions: rule.exceptions ? PhraseMatcher.of(rule.exceptions, rule.ignoreCase) : undefined,
    });
  },
});
