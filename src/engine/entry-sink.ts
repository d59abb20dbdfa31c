import type { ConversationEntry, PackedEntry } from './entry.js';

/**
 * Where checked conversations go. A conversation may be checked twice: early (memory ran short, or another
 * worker saw part of it) and again, whole, later. `supersede(id)` says that the entries added so far for
 * that conversation no longer count; only entries added after the call do.
 */
export interface EntrySink {
  add(entry: ConversationEntry): void;
  /** An entry packed already (where it was checked). */
  addPacked(entry: PackedEntry): void;
  supersede(conversationId: string): void;
}
