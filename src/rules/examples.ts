import type { Conversation, Message, Role } from '../model/message.js';
import { ExampleSyntaxError } from '../errors.js';

/** Agent id (and name) used by example lines that do not name one: `agent: 您好，云客服1024为您服务`. */
export const EXAMPLE_AGENT_ID = '1024';
export const EXAMPLE_AGENT_NAME = '小美';
const DEFAULT_GAP_SECONDS = 10;
const START = Date.UTC(2026, 0, 5, 2, 0, 0);

// "[61s] who[ id [name]]: text"
const LINE = /^\s*(?:(\d+(?:\.\d+)?)s\s+)?(customer|agent|bot|system)(?:\s+([^\s:]+)(?:\s+([^:]+?))?)?\s*:\s?([\s\S]*)$/;

/**
 * Turns an example's lines into a conversation. Each line is `who: text`, where who is customer, bot,
 * system or agent (optionally `agent 2048` or `agent 2048 小雨`); a leading `61s` sets the time in
 * seconds from the start, otherwise each message comes 10 s after the previous one.
 */
export function exampleConversation(lines: readonly string[], id = 'example'): Conversation {
  let seconds = 0;
  const messages: Message[] = lines.map((line, index) => {
    const m = LINE.exec(line);
    if (!m) throw new ExampleSyntaxError(`line ${index + 1} "${line}": expected "customer: …", "agent: …", "agent 2048: …", "bot: …" or "system: …", optionally after a time such as "65s"`);
    const [, at, who, agentId, agentName, text = ''] = m;
    seconds = at !== undefined ? Number(at) : index === 0 ? 0 : seconds + DEFAULT_GAP_SECONDS;
    const role = who as Role;
    const message: Message = { conversationId: id, timestamp: START + Math.round(seconds * 1000), role, text, source: { file: id, line: index + 1, record: index + 1 } };
    if (role === 'agent') {
      message.agentId = agentId ?? EXAMPLE_AGENT_ID;
      message.agentName = agentName ?? (agentId ? undefined : EXAMPLE_AGENT_NAME);
      if (message.agentName === undefined) delete message.agentName;
    }
    return message;
  });
  return { id, messages, meta: {} };
}
