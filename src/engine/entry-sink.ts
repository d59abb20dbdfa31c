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

/** The entries that count, held in memory (a night's worth of findings is the stream engineer's spilling store). */
export class MemoryEntrySink implements EntrySink {
  private readonly byId = new Map<string, ConversationEntry[]>();

  add(entry: ConversationEntry): void {
    const id = entry.summary.conversationId;
    const list = this.byId.get(id);
    if (list) list.push(entry);
    else this.byId.set(id, [entry]);
  }

  supersede(conversationId: string): void {
    this.byId.delete(conversationId);
  }

  /** Every entry that counts (in no particular order: the report sorts them). */
  entries(): ConversationEntry[] {
    return [...this.byId.values()].flat();
  }
}
