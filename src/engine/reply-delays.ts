import type { Conversation } from '../model/message.js';

/**
 * Per message, the reply delay in seconds for agent messages that answer a waiting customer, else null.
 * The clock is response-time's: it starts at the oldest unanswered customer message and stops at the next
 * agent message (bots and system messages do not stop it). Announced waits are not taken out here: this is
 * the delay the customer saw, shown beside each reply and in the HTML report's histogram.
 */
export function replyDelays(conversation: Conversation): Array<number | null> {
  let waitingSince: number | null = null;
  return conversation.messages.map((message) => {
    if (message.role === 'customer') {
      waitingSince ??= message.timestamp;
      return null;
    }
    if (message.role !== 'agent' || waitingSince === null) return null;
    const seconds = Math.round(message.timestamp - waitingSince) / 1000;
    waitingSince = null;
    return seconds;
  });
}
