import { z } from 'zod';
import { ROLES } from '../model/message.js';
import { once } from '../model/once.js';
import { severitySchema } from '../model/report.js';
import { foldPatternSource } from '../text/fold.js';
import { describeHazard, PLACEHOLDER_SAMPLES, regexHazard } from './regex-safety.js';

/** The rules' part of the rule-file schema: the fields every kind shares, and user-written patterns. */

/**
 * Fields every rule kind shares, whatever it checks. Descriptions live in `.describe()` so the JSON
 * Schema and docs/rules.md are generated from them.
 */
export const commonRuleFields = once(() => ({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'use letters, digits, "-", "_", "." or ":"')
    .describe('Unique id, used in reports, waivers and overrides.'),
  severity: severitySchema().default('error').describe('error findings fail the run (exit 1); warning and info are reported only.'),
  description: z.string().optional().describe('One line saying what the rule checks, shown by `chatlint rules`.'),
  message: z.string().optional().describe('Message template for findings; placeholders such as {agentId}, {match}, {seconds}.'),
  role: z.enum(ROLES as [string, ...string[]]).default('agent').describe('Whose messages the rule checks.'),
  enabled: z.boolean().default(true).describe('false turns the rule off (useful when overriding an extended pack).'),
  points: z.number().min(0).optional().describe("Points deducted from the conversation's score per finding."),
  maxPoints: z
    .number()
    .min(0)
    .optional()
    .describe('Most points the rule deducts in one conversation; default: `points` once (deduct once per rule per conversation).'),
  critical: z.boolean().default(false).describe("A bottom-line item (服务底线): a single finding sets the conversation's score to 0."),
  appliesTo: z
    .record(z.string(), z.union([z.string(), z.array(z.string()).min(1)]))
    .optional()
    .describe(
      'Only check conversations whose metadata matches: each key names a field carried from the input (team, queue, channel, a tag column); the value is one accepted value or a list.',
    ),
  trustPatterns: z
    .boolean()
    .optional()
    .describe("true skips the check for catastrophic backtracking on this rule's patterns (you vouch for them); the report lists the rule under ruleset.trustedPatterns."),
  examples: z
    .strictObject({
      pass: z.array(z.array(z.string()).min(1)).default([]).describe('Conversations that must give no finding.'),
      fail: z.array(z.array(z.string()).min(1)).default([]).describe('Conversations that must give at least one finding.'),
    })
    .optional()
    .describe('Short conversations (lines such as "customer: 在吗", "65s agent: 在的") run by `chatlint rules test`.'),
}));

/**
 * A regular expression written by a user: it must compile (after width folding, with the `u` flag)
 * and must not match the empty string, which would report a finding at every position.
 * `sample` replaces placeholders such as {agentId} before the check.
 */
export function regexSource(placeholders: readonly string[] = []) {
  return z.string().min(1, 'empty pattern').superRefine((pattern, ctx) => {
    let source = foldPatternSource(pattern);
    for (const name of placeholders) source = source.split(`{${name}}`).join('x');
    try {
      if (new RegExp(source, 'u').test('')) {
        ctx.addIssue({ code: 'custom', message: `pattern "${pattern}" matches empty text` });
        return;
      }
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `invalid regular expression "${pattern}": ${(error as Error).message}` });
      return;
    }
    // Analysed as it will run: folded, placeholders standing for a typical agent id and name.
    let compiled = foldPatternSource(pattern);
    for (const name of placeholders) compiled = compiled.split(`{${name}}`).join(`(?:${PLACEHOLDER_SAMPLES[name] ?? 'x'})`);
    const hazard = regexHazard(compiled);
    if (hazard) ctx.addIssue({ code: 'custom', message: `pattern "${pattern}" ${describeHazard(hazard)}` });
  });
}
