import { z } from 'zod';
import { once } from '../../model/once.js';
import { defineKind } from '../kind.js';
import { commonRuleFields, regexSource } from '../schema.js';
import { PhraseMatcher } from '../matcher.js';
import { occurrenceChecker } from './forbidden-phrase.js';

const schema = once(() =>
  z.strictObject({
    ...commonRuleFields(),
    kind: z.literal('forbidden-punctuation'),
    patterns: z
      .array(regexSource())
      .min(1)
      .describe('Regular expressions for punctuation runs, e.g. "[!！]{2,}"; run on width-folded text, so "！！" and "!!" are one run.'),
  }),
);
export type ForbiddenPunctuationRule = z.infer<ReturnType<typeof schema>>;

export const forbiddenPunctuation = defineKind<ForbiddenPunctuationRule>({
  kind: 'forbidden-punctuation',
  summary: 'Each run of forbidden punctuation (a pattern match on width-folded text) in a checked message is one finding.',
  placeholders: [],
  defaultMessage: 'Forbidden punctuation "{match}"',
  schema,
  compile(rule) {
    return occurrenceChecker(new PhraseMatcher([], rule.patterns, false), rule.role);
  },
});
