import { z } from 'zod';

/** A rule file's top level; each entry of `rules` is checked against its kind's own schema. */
export const ruleFileSchema = z.strictObject({
  /** A built-in pack name (zh-CN, en) or a path relative to this file; rules below override it by id. */
  extends: z.string().min(1).optional(),
  /** Name of the pack, shown in reports. */
  name: z.string().min(1).optional(),
  /** One line about the pack. */
  description: z.string().optional(),
  /** IANA time zone for timestamps without an offset (overridden by --timezone). */
  timezone: z.string().min(1).optional(),
  /** Conversation scoring (评分细则): base score and pass mark. */
  scoring: z
    .strictObject({
      /** Score a conversation starts from before deductions. */
      base: z.number().positive().default(100),
      /** Lowest passing score. */
      passMark: z.number().min(0).default(80),
    })
    .default({ base: 100, passMark: 80 }),
  /** The rules; each names its `kind`. */
  rules: z.array(z.unknown()).default([]),
});
export type RuleFile = z.infer<typeof ruleFileSchema>;
