import type { Conversation, Message } from '../model/message.js';

/**
 * Gathers messages into conversations, whatever order and files they arrive in, then orders each
 * conversation by time. Array.prototype.sort is stable, so equal times keep the order they were read in.
 */
export class ConversationCollector {
  private readonly byId = new Map<string, Message[]>();

  add(message: Message): void {
    const list = this.byId.get(message.conversationId);
    if (list) list.push(message);
    else this.byId.set(message.conversationId, [message]);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Conversations ordered by their first message's time, then id; empties the collector. */
  *drain(): Generator<Conversation> {
    const conversations: Conversation[] = [];
    for (const [id, messages] of this.byId) {
      messages.sort((a, b) => a.timestamp - b.timestamp);
      const meta: Record<string, string> = {};
      for (const m of messages) if (m.meta) for (const [k, v] of Object.entries(m.meta)) meta[k] ??= v;
      conversations.push({ id, messages, meta });
    }
    this.byId.clear();
    conversations.sort((a, b) => (a.messages[0]?.timestamp ?? 0) - (b.messages[0]?.timestamp ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    yield* conversations;
  }
}
