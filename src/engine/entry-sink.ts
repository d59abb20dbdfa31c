import type { ConversationEntry } from './entry.js';

/**
 * Where checked conversations go. A conversation may be checked twice: early (memory ran short, or another
 * worker saw part of it) and again, whole, later. `supersede(id)` says that the entries added so far for
 * that conversation no longer count; only entries added after the call do.
 */
export interface EntrySink {
  add(entry: ConversationEntry): void;
  supersede(conversationId: string): void;
}
