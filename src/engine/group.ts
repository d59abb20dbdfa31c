import type { Conversation, Message } from '../model/message.js';
import { SpillStore } from './spill.js';
import { keyedByInput } from '../model/records.js';

const EMPTY: Conversation = { id: '', messages: [], meta: {} };

/** Rough heap cost of a message beyond its text: object, source, ids, map entry. */
const MESSAGE_OVERHEAD_BYTES = 320;
export const DEFAULT_MEMORY_BUDGET_BYTES = 512 * 1024 * 1024;

/**
 * Gathers messages into conversations, whatever order and files they arrive in, then orders each
 * conversation by time. Array.prototype.sort is stable, so equal times keep the order they were read in.
 * Past the memory budget, messages move to a partitioned spill on disk; results are the same.
 */
export class ConversationCollector {
  private readonly byId = new Map<string, Message[]>();
  private spill: SpillStore | undefined;
  private heldBytes = 0;
  /**
   * Called for each exact duplicate (same conversation, timestamp, role, agent id and name, text) with the
   * copy read first; the duplicate is left out of its conversation. Unset, duplicates are kept.
   */
  onDuplicate: ((copy: Message, original: Message) => void) | undefined;

  constructor(private readonly memoryBudgetBytes = DEFAULT_MEMORY_BUDGET_BYTES) {}

  /** True once messages went to disk (reported so a nightly log shows why a run was slower). */
  get spilled(): boolean {
    return this.spill !== undefined;
  }

  add(message: Message): void {
    if (this.spill) {
      this.spill.add(message);
      return;
    }
    const list = this.byId.get(message.conversationId);
    if (list) {
      // Every record parsed its own copy of the id: keep one per conversation (tens of MB on a big night).
      message.conversationId = (list[0] as Message).conversationId;
      list.push(message);
    } else this.byId.set(message.conversationId, [message]);
    this.heldBytes += message.text.length * 2 + MESSAGE_OVERHEAD_BYTES;
    if (this.heldBytes > this.memoryBudgetBytes) {
      this.spill = new SpillStore();
      for (const messages of this.byId.values()) for (const m of messages) this.spill.add(m);
      this.byId.clear();
    }
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * Every conversation, each ordered by time; empties the collector. In memory they come ordered by
   * first message, then id; after a spill, partition by partition (the report sorts them).
   */
  *drain(): Generator<Conversation> {
    if (this.spill) {
      for (const partition of this.spill.partitions()) {
        for (const m of partition) {
          const list = this.byId.get(m.conversationId);
          if (list) list.push(m);
          else this.byId.set(m.conversationId, [m]);
        }
        yield* this.drainMemory();
      }
      this.spill = undefined;
      return;
    }
    yield* this.drainMemory();
  }

  private *drainMemory(): Generator<Conversation> {
    this.heldBytes = 0;
    const conversations: Conversation[] = [];
    for (const [id, sorted] of this.byId) {
      sorted.sort((a, b) => a.timestamp - b.timestamp);
      const messages = this.onDuplicate ? withoutDuplicates(sorted, this.onDuplicate) : sorted;
      const meta = keyedByInput<string>();
      for (const m of messages) if (m.meta) for (const [k, v] of Object.entries(m.meta)) if (!Object.hasOwn(meta, k)) meta[k] = v;
      conversations.push({ id, messages, meta });
    }
    this.byId.clear();
    conversations.sort((a, b) => (a.messages[0]?.timestamp ?? 0) - (b.messages[0]?.timestamp ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // Let go of each conversation once it is handed out, so its messages can be collected while the rest are checked.
    for (let i = 0; i < conversations.length; i++) {
      const conversation = conversations[i] as Conversation;
      conversations[i] = EMPTY;
      yield conversation;
    }
  }
}

/** Drops exact duplicates from time-ordered messages (they can only sit among equal timestamps), keeping the first read. */
function withoutDuplicates(sorted: Message[], onDuplicate: (copy: Message, original: Message) => void): Message[] {
  let kept: Message[] | undefined;
  for (let start = 0; start < sorted.length; ) {
    let end = start + 1;
    while (end < sorted.length && (sorted[end] as Message).timestamp === (sorted[start] as Message).timestamp) end++;
    if (end - start > 1) {
      const seen = new Map<string, Message>();
      for (let i = start; i < end; i++) {
        const m = sorted[i] as Message;
        const key = `${m.role}\u0000${m.agentId ?? ''}\u0000${m.agentName ?? ''}\u0000${m.text}`;
        const original = seen.get(key);
        if (original) {
          kept ??= sorted.slice(0, i);
          onDuplicate(m, original);
          continue;
        }
        seen.set(key, m);
        kept?.push(m);
      }
    } else kept?.push(sorted[start] as Message);
    start = end;
  }
  return kept ?? sorted;
}
