import type { z } from 'zod';
import type { Conversation } from '../model/message.js';

/** The contract of a rule kind: what its checker is given and returns, and the kind's own definition. */

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
  /**
   * The message template for this finding instead of the rule's `message`, for a kind that reports more
   * than one kind of failure (wait-notice: no time stated vs. a late return, which has `lateMessage`).
   */
  template?: string;
}

/**
 * A wait an agent announced with a concrete time ("请稍等2分钟"), found by a wait-notice rule. From the
 * notice until the next agent message, the wait-notice rule owns the customer's wait: response-time does
 * not also measure customer messages sent in that stretch.
 */
export interface AnnouncedWait {
  /** Rule that found it. */
  ruleId: string;
  /** Index of the notice message. */
  noticeIndex: number;
  /** Index of the next agent message (the return), or null when the log ends first. */
  returnIndex: number | null;
  promisedSeconds: number;
}

/** What the engine knows about a conversation before any rule runs, computed from all active rules. */
export interface CheckContext {
  /** Announced waits from every enabled wait-notice rule that applies to the conversation. */
  announcedWaits: readonly AnnouncedWait[];
}

/**
 * A compiled rule. Kinds that need no context may ignore the second argument: `(conversation) => …` is a
 * Checker. A checker may also contribute to the context (computed before any rule runs).
 */
export interface Checker {
  (conversation: Conversation, context: CheckContext): RawFinding[];
  /** Waits this rule finds announced in the conversation (wait-notice). */
  announcedWaits?: (conversation: Conversation) => AnnouncedWait[];
}

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
  trustPatterns?: boolean | undefined;
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

/**
 * Defines a kind with its type checked against the interface while keeping the precise rule type. The
 * schema is given as a function (see once) and built when a rule is first validated against it.
 */
export function defineKind<Rule extends CommonRule>(kind: Omit<RuleKind<Rule>, 'schema'> & { schema: () => z.ZodType<Rule> }): RuleKind<Rule> {
  const { schema, ...rest } = kind;
  return {
    ...rest,
    get schema() {
      return schema();
    },
  };
}
