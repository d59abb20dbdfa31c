import { z } from 'zod';
import { ROLES, type Conversation, type Message } from '../model/message.js';
import { severitySchema } from '../model/report.js';
import { foldPatternSource } from '../text/fold.js';

/** Fields every rule kind shares, whatever it checks. */
export const commonRuleFields = {
  /** Unique id used in reports, waivers and overrides. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'use letters, digits, "-", "_", "." or ":"'),
  severity: severitySchema.default('error'),
  /** One line saying what the rule checks, shown by `chatlint rules`. */
  description: z.string().optional(),
  /** Message template; placeholders such as {agentId}, {match}, {seconds}. */
  message: z.string().optional(),
  /** Whose messages the rule checks. */
  role: z.enum(ROLES as [string, ...string[]]).default('agent'),
  enabled: z.boolean().default(true),
  /** Points deducted from the conversation's score per finding. */
  points: z.number().min(0).optional(),
  /** Most points this rule deducts in one conversation; default: `points` once (deduct once per rule per conversation). */
  maxPoints: z.number().min(0).optional(),
  /** A bottom-line item (服务底线): any finding sets the conversation's score to 0. */
  critical: z.boolean().default(false),
  /**
   * Only check conversations whose metadata matches: each key names a field carried from the input
   * (team, queue, channel, a tag column); the value is one accepted value or a list of them.
   */
  appliesTo: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).optional(),
  /** Short conversations that must pass or fail this rule; run by `chatlint rules test`. See docs/rules.md. */
  examples: z
    .strictObject({
      pass: z.array(z.array(z.string()).min(1)).default([]),
      fail: z.array(z.array(z.string()).min(1)).default([]),
    })
    .optional(),
};

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
      if (new RegExp(source, 'u').test('')) ctx.addIssue({ code: 'custom', message: `pattern "${pattern}" matches empty text` });
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `invalid regular expression "${pattern}": ${(error as Error).message}` });
    }
  });
}

/** What a checker reports; the engine adds rule id, kind, severity, the rendered message and the source. */
export interface RawFinding {
  messageIndex: number;
  /** Who is held responsible; defaults to the message's agent. */
  agentId?: string | null;
  match?: string;
  offset?: number;
  seconds?: number;
  /** Extra values for the message template. */
  data?: Record<string, string | number>;
}

export type Checker = (conversation: Conversation) => RawFinding[];

/** The common fields after parsing, as every kind's compile step sees them. */
export interface CommonRule {
  id: string;
  kind: string;
  severity: 'error' | 'warning' | 'info';
  description?: string | undefined;
  message?: string | undefined;
  role: string;
  enabled: boolean;
  points?: number | undefined;
  maxPoints?: number | undefined;
  critical: boolean;
  appliesTo?: Record<string, string | string[]> | undefined;
  examples?: { pass: string[][]; fail: string[][] } | undefined;
}

/** One kind of rule: its strict schema, what it checks, and the factory that turns a definition into a checker. */
export interface RuleKind<Rule extends CommonRule = CommonRule> {
  kind: string;
  /** What every rule of this kind checks, for `chatlint rules` and the docs. */
  summary: string;
  /** Placeholders its message template may use (beyond the common ones). */
  placeholders: readonly string[];
  /** Default message template. */
  defaultMessage: string;
  schema: z.ZodType<Rule>;
  compile(rule: Rule): Checker;
}

export const COMMON_PLACEHOLDERS = ['ruleId', 'agentId', 'agentName', 'conversationId', 'match', 'seconds'] as const;

/** Messages of the checked role, with their positions in the conversation. */
export function messagesOfRole(conversation: Conversation, role: string): Array<[number, Message]> {
  const out: Array<[number, Message]> = [];
  conversation.messages.forEach((m, i) => {
    if (m.role === role) out.push([i, m]);
  });
  return out;
}

/** Defines a kind with its type checked against the interface while keeping the precise rule type. */
export function defineKind<Rule extends CommonRule>(kind: RuleKind<Rule>): RuleKind<Rule> {
  return kind;
}
