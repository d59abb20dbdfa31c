import type { Conversation, Message } from '../model/message.js';
import { SpillStore } from './spill.js';
import { keyedByInput } from '../model/records.js';

const EMPTY: [string, Message[]] = ['', []];

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
   * Every conversation, each ordered by time, with its exact duplicates left out (see Grouped); empties the
   * collector. In memory they come ordered by first message, then id; after a spill, partition by partition
   * (the report sorts them).
   */
  *drain(): Generator<Grouped> {
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

  private *drainMemory(): Generator<Grouped> {
    this.heldBytes = 0;
    const lists = [...this.byId];
    this.byId.clear();
    for (const [, list] of lists) list.sort((a, b) => a.timestamp - b.timestamp);
    lists.sort(([a, x], [b, y]) => ((x[0] as Message).timestamp - (y[0] as Message).timestamp) || (a < b ? -1 : a > b ? 1 : 0));
    // Let go of each conversation once it is handed out, so its messages can be collected while the rest are checked.
    for (let i = 0; i < lists.length; i++) {
      const [id, sorted] = lists[i] as [string, Message[]];
      lists[i] = EMPTY;
      yield groupedConversation(id, sorted);
    }
  }
}

/** A conversation as grouping hands it out: its messages, and the exact duplicates left out of it. */
export interface Grouped {
  conversation: Conversation;
  /** Each duplicate (same timestamp, role, agent id and name, text) with the message read before it. */
  duplicates: Array<{ copy: Message; original: Message }>;
}

/** One conversation's time-ordered messages, duplicates dropped, meta gathered from the messages in order. */
function groupedConversation(id: string, sorted: Message[]): Grouped {
  const duplicates: Grouped['duplicates'] = [];
  const messages = withoutDuplicates(sorted, (copy, original) => duplicates.push({ copy, original }));
  const meta = keyedByInput<string>();
  for (const m of messages) if (m.meta) for (const [k, v] of Object.entries(m.meta)) if (!Object.hasOwn(meta, k)) meta[k] = v;
  return { conversation: { id, messages, meta }, duplicates };
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
