import { z } from 'zod';
import { inputSectionSchema } from '../input/schema.js';
import { once } from '../model/once.js';

/**
 * A rule file's top level; each entry of `rules` is checked against its kind's own schema. Built on first use
 * (see topValidatedAtBuild).
 */
export const ruleFileSchema = once(() =>
  z.strictObject({
    extends: z.string().min(1).optional().describe('A built-in pack name (zh-CN, en) or a path relative to this file; rules below override it by id.'),
    name: z.string().min(1).optional().describe('Name of the pack, shown in reports.'),
    description: z.string().optional().describe('One line about the pack.'),
    timezone: z.string().min(1).optional().describe('IANA time zone for timestamps without an offset (overridden by --timezone).'),
    scoring: z
      .strictObject({
        base: z.number().positive().default(100).describe('Score a conversation starts from before deductions.'),
        passMark: z.number().min(0).default(80).describe('Lowest passing score.'),
      })
      .default({ base: 100, passMark: 80 })
      .describe('Conversation scoring (评分细则): base score and pass mark.'),
    input: inputSectionSchema().optional(),
    rules: z.array(z.unknown()).default([]).describe('The rules; each names its `kind` (or, when extending, overrides a rule by `id`).'),
  }),
);
export type RuleFile = z.infer<ReturnType<typeof ruleFileSchema>>;
