/** Who wrote a message. Readers map every export's own vocabulary onto these four. */
export type Role = 'agent' | 'customer' | 'bot' | 'system';
export const ROLES: readonly Role[] = ['agent', 'customer', 'bot', 'system'];

/** Where a record came from, so every finding and skip can be traced back to the export. */
export interface SourceRef {
  file: string;
  /** 1-based line in the file, when the format has lines (JSONL, CSV, text transcripts). */
  line: number | null;
  /** 1-based record number within the file (message order as read). */
  record: number;
}

/**
 * Made before any reader runs, with the widest values the fields take. Every object written `{ file, line,
 * record }` (a message's source, a skip, a parsed finding's source) shares one chain of V8 hidden classes, which
 * starts from the values of the first one made. Begun by a reader's whole-number lines and records, it was
 * widened mid-run (a missing line is null; a source made again from a held conversation's numbers holds them as
 * doubles): the hidden classes the hot code was compiled for went stale, and holdFields, deoptimized, ran ~0.9 s
 * longer at 100 MB. zod's schema shapes (`{ file, line, record }` of schemas) used to widen the chain by chance
 * at start-up, until the schemas were built on first use.
 */
const SOURCE_SHAPE = { file: '', line: null as number | null, record: null as number | null };
// A call, so the bundler keeps the object it would drop as unused.
Object.freeze(SOURCE_SHAPE);

/** One chat message, as every reader produces it and every rule sees it. */
export interface Message {
  conversationId: string;
  /** Milliseconds since the Unix epoch, UTC. */
  timestamp: number;
  role: Role;
  /** Set for agent messages; readers may also set it for bot messages. */
  agentId?: string;
  agentName?: string;
  text: string;
  source: SourceRef;
  /** Extra columns carried through (team, queue, channel, tags, …) for `appliesTo`. */
  meta?: Record<string, string>;
  /** The message's own id in the export, where the export links replies (Telegram, Twitter, Slack threads). */
  id?: string;
  /** The id of the message this one answers, where the export says so (reply threads). */
  replyTo?: string;
}

/** A record that could not be used; reported with file, line and reason. */
export interface SkippedRecord {
  file: string;
  line: number | null;
  record: number;
  reason: string;
}

/** What a reader yields: each record it read is either a message or a skip. */
export type ReadEvent =
  | { type: 'message'; message: Message }
  /** `shardOwned`: the reader already decided this shard keeps the skip (see input/jsonl.ts). */
  | { type: 'skip'; skip: SkippedRecord; shardOwned?: true }
  /** A record of a conversation another shard checks: read and counted, not parsed here. */
  | { type: 'elsewhere' };

/** A conversation with its messages ordered by time (stable for equal times). */
export interface Conversation {
  id: string;
  messages: Message[];
  meta: Record<string, string>;
}
