import { z } from 'zod';

/** Bumped when a field is renamed or removed; adding fields keeps it. */
export const SCHEMA_VERSION = 1;

export const severitySchema = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof severitySchema>;
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export const sourceSchema = z.object({
  file: z.string(),
  /** 1-based line in the file, or null for formats without lines (JSON). */
  line: z.number().int().nullable(),
  /** 1-based record number within the file. */
  record: z.number().int(),
});

export const findingSchema = z.object({
  ruleId: z.string(),
  kind: z.string(),
  severity: severitySchema,
  agentId: z.string().nullable(),
  agentName: z.string().nullable(),
  conversationId: z.string(),
  /** 0-based position of the message in the conversation, in time order. */
  messageIndex: z.number().int(),
  /** ISO 8601 UTC time of that message. */
  timestamp: z.string(),
  /** The rule's message with placeholders filled in. */
  message: z.string(),
  /** The matched text, when the rule matched text. */
  match: z.string().nullable(),
  /** Offset of the match in the message text (UTF-16 units), when the rule matched text. */
  offset: z.number().int().nullable(),
  /** The measured delay in seconds, for timing rules. */
  seconds: z.number().nullable(),
  /** The message text around the match (whole text for short messages). */
  excerpt: z.string(),
  source: sourceSchema,
});
export type Finding = z.infer<typeof findingSchema>;

export const skippedSchema = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  record: z.number().int(),
  reason: z.string(),
});

export const agentSummarySchema = z.object({
  agentId: z.string(),
  agentName: z.string().nullable(),
  conversations: z.number().int(),
  messages: z.number().int(),
  findings: z.number().int(),
  byRule: z.record(z.string(), z.number().int()),
});
export type AgentSummary = z.infer<typeof agentSummarySchema>;

export const summarySchema = z.object({
  files: z.number().int(),
  conversations: z.number().int(),
  messages: z.number().int(),
  findings: z.number().int(),
  skippedRecords: z.number().int(),
  /** Every record read: recordsRead = messages + skippedRecords. */
  recordsRead: z.number().int(),
  bySeverity: z.object({ error: z.number().int(), warning: z.number().int(), info: z.number().int() }),
});

export const reportSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.string(), version: z.string() }),
  ruleset: z.object({ name: z.string(), hash: z.string() }),
  summary: summarySchema,
  agents: z.array(agentSummarySchema),
  findings: z.array(findingSchema),
  skipped: z.array(skippedSchema),
});
export type Report = z.infer<typeof reportSchema>;
