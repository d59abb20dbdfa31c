import { z } from 'zod';
import { once } from './once.js';
import { reportSchemas } from './report.js';

/** One message as people read it in a timeline (audit, HTML report); not part of the JSON report. */
export const transcriptMessageSchema = z.object({
  /** 0-based position in the conversation, in time order (shown to people as position + 1). */
  index: z.number().int(),
  /** ISO 8601 UTC. */
  timestamp: z.string(),
  role: z.enum(['agent', 'customer', 'bot', 'system']),
  agentId: z.string().nullable(),
  agentName: z.string().nullable(),
  /** The full text (masked under --redact). */
  text: z.string(),
  /** For an agent reply: seconds since the oldest customer message it answers; null for other messages. */
  replySeconds: z.number().nullable(),
});
export type TranscriptMessage = z.infer<typeof transcriptMessageSchema>;

/** A checked conversation with every message, its findings and its score: what a timeline shows (built on first use, as the report's schemas). */
export const transcriptSchema = once(() =>
  z.object({
    conversationId: z.string(),
    /** False when only the messages with findings were kept (a big night's HTML report keeps whole timelines for the worst only). */
    complete: z.boolean(),
    messages: z.array(transcriptMessageSchema),
    findings: z.array(reportSchemas().finding),
    summary: reportSchemas().conversationSummary,
  }),
);
export type Transcript = z.infer<ReturnType<typeof transcriptSchema>>;
