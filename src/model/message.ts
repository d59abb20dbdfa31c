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
