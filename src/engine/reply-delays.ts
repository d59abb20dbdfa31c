import type { Conversation } from '../model/message.js';
import { replyWaits } from '../rules/kinds/response-time.js';

/**
 * Per message, the reply delay in seconds for agent messages that answer a waiting customer, else null.
 * The clock is response-time's (replyWaits: time order, or the branches of a reply-linked thread; bots and
 * system messages do not stop it). Announced waits are not taken out here: this is the delay the customer
 * saw, shown beside each reply and in the HTML report's histogram.
 */
export function replyDelays(conversation: Conversation): Array<number | null> {
  return replyWaits(conversation.messages, 'agent').map((ms) => (ms === null ? null : Math.round(ms) / 1000));
}
