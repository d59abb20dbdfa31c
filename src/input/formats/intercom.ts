/**
 * Intercom REST API conversations: a single conversation (`GET /conversations/{id}`), an array of them,
 * or a page `{ "type": "conversation.list", "conversations": [...] }`.
 *
 * - The first message is `source` (REST 2.x) or `conversation_message` (REST 1.x), with its own `author`
 *   and the conversation's `created_at` as its time; then `conversation_parts` (either
 *   `{ conversation_parts: [...] }` or a bare array), each with its own `created_at`.
 * - Records: the first message, parts of type `comment` and `quick_reply`, and `assignment` / `open` /
 *   `close` parts that carry a non-empty body (Intercom puts the reply text on the part when an admin
 *   replies and assigns or closes in one step). Every other part that carries text is a record too, and is
 *   skipped with its reason (`note` parts are internal, never messages); parts without text (assignment or
 *   close without a body, attribute updates, custom actions …) are events. A conversation with neither a
 *   first message nor parts is skipped: nothing in the file is dropped without a skip entry.
 * - Author: user / lead / contact → customer; admin / team → agent (agentId = author id, agentName = name);
 *   bot, or any author with `from_ai_agent: true` → bot.
 * - Bodies are HTML (or plain text in newer webhooks): tags removed, <p>/<br> → line breaks, entities decoded.
 * - Times are Unix seconds (ms tolerated). meta: channel, tags, team (team_assignee_id), state.
 */
import type { ReadEvent, Role } from '../../model/message.js';
import { parseTimestamp } from '../time/timestamps.js';
import type { ReaderContext, ProductFormat, SniffSample } from './types.js';
import { compactMeta, htmlToText, isObject, joinNames, nonEmpty, objects, openJsonExport, show, str, type JsonObject } from './shared.js';

const MESSAGE_PARTS = new Set(['comment', 'quick_reply']);
const MESSAGE_IF_BODY = new Set(['assignment', 'open', 'close']);
const INTERNAL_PARTS = new Set(['note', 'note_and_reopen']);

const AUTHOR_ROLES: Record<string, Role> = {
  user: 'customer', lead: 'customer', contact: 'customer',
  admin: 'agent', team: 'agent',
  bot: 'bot',
};

function conversationsOf(doc: unknown): JsonObject[] | undefined {
  if (Array.isArray(doc)) return doc.every(isObject) ? doc.filter(isObject) : undefined;
  if (!isObject(doc)) return undefined;
  if (Array.isArray(doc['conversations'])) return objects(doc['conversations']);
  return [doc];
}

function isConversation(value: JsonObject): boolean {
  return value['type'] === 'conversation' && nonEmpty(value['id']) !== undefined;
}

/** The opening message: `source` in REST 2.x, `conversation_message` in REST 1.x. */
const openingOf = (conversation: JsonObject): JsonObject | undefined =>
  isObject(conversation['source']) ? conversation['source'] : isObject(conversation['conversation_message']) ? conversation['conversation_message'] : undefined;

const hasMessages = (value: JsonObject): boolean => openingOf(value) !== undefined || 'conversation_parts' in value;

function sniff(sample: SniffSample): boolean {
  const conversations = conversationsOf(sample.json);
  if (!conversations || conversations.length === 0) return false;
  const head = conversations.slice(0, 20);
  return head.every(isConversation) && head.some(hasMessages);
}

/** The conversation's parts as listed (anything that is not an object is skipped by the reader, not dropped here). */
function partsOf(conversation: JsonObject): unknown[] {
  const parts = conversation['conversation_parts'];
  if (Array.isArray(parts)) return parts;
  if (isObject(parts) && Array.isArray(parts['conversation_parts'])) return parts['conversation_parts'];
  return [];
}

type Author = { role: Role; agentId?: string; agentName?: string };

function authorOf(author: unknown): Author | string {
  if (!isObject(author)) return 'no author';
  const type = nonEmpty(author['type'])?.toLowerCase();
  const role = type !== undefined ? AUTHOR_ROLES[type] : undefined;
  if (!role) return `unknown author type ${show(author['type'])}`;
  const id = nonEmpty(author['id']);
  const name = nonEmpty(author['name']);
  if (role === 'customer') return { role };
  return {
    role: author['from_ai_agent'] === true ? 'bot' : role,
    ...(id ?? name ? { agentId: id ?? name } : {}),
    ...(name ? { agentName: name } : {}),
  };
}

function bodyText(body: unknown): string {
  const text = str(body);
  return text === undefined ? '' : htmlToText(text);
}

function* read(text: string, json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const opened = openJsonExport(text, json, ctx.file, conversationsOf, 'not an Intercom export: expected a conversation, an array of them or {"conversations": [...]}');
  if (!opened.ok) {
    yield opened.skip;
    return;
  }
  const { found: conversations, counter } = opened;
  for (const conversation of conversations) {
    const conversationId = nonEmpty(conversation['id']);
    if (!isConversation(conversation) || !conversationId) {
      yield counter.skip(`not an Intercom conversation (type ${show(conversation['type'])}, id ${show(conversation['id'])})`);
      continue;
    }
    const channel = isObject(conversation['channel']) ? nonEmpty(conversation['channel']['current']) ?? nonEmpty(conversation['channel']['initial']) : undefined;
    const tags = isObject(conversation['tags']) ? joinNames(conversation['tags']['tags']) : joinNames(conversation['tags']);
    const meta = compactMeta({
      channel,
      tags,
      team: nonEmpty(conversation['team_assignee_id']),
      state: nonEmpty(conversation['state']),
    });
    const withMeta = meta ? { meta } : {};

    const opening = openingOf(conversation);
    const parts = partsOf(conversation);
    if (!opening && parts.length === 0) {
      yield counter.skip(`conversation ${conversationId}: no first message and no conversation parts`);
      continue;
    }
    if (opening) {
      const openingText = bodyText(opening['body']);
      const time = parseTimestamp(conversation['created_at'], ctx.timezone);
      const author = authorOf(opening['author']);
      if (time === null) yield counter.skip(`conversation ${conversationId}, first message: unusable created_at ${show(conversation['created_at'])}`);
      else if (typeof author === 'string') yield counter.skip(`conversation ${conversationId}, first message: ${author}`);
      else yield counter.message({ conversationId, timestamp: time, ...author, text: openingText, ...withMeta });
    }

    for (const part of parts) {
      if (!isObject(part)) {
        yield counter.skip(`conversation ${conversationId}: a conversation part that is not an object (${show(part)})`);
        continue;
      }
      const partType = nonEmpty(part['part_type'])?.toLowerCase() ?? '';
      const partText = bodyText(part['body']);
      const isMessage = MESSAGE_PARTS.has(partType) || (MESSAGE_IF_BODY.has(partType) && partText !== '');
      if (!isMessage) {
        // Text that is not a message to the customer is still a record: say why it is not checked.
        if (partText !== '') {
          const why = INTERNAL_PARTS.has(partType) ? 'internal note, not a message to the customer' : `part type ${show(part['part_type'])} is not a message`;
          yield counter.skip(`conversation ${conversationId}, part ${nonEmpty(part['id']) ?? '?'}: ${why}`);
        }
        continue;
      }
      const label = `conversation ${conversationId}, part ${nonEmpty(part['id']) ?? '?'}`;
      const time = parseTimestamp(part['created_at'], ctx.timezone);
      if (time === null) {
        yield counter.skip(`${label}: unusable created_at ${show(part['created_at'])}`);
        continue;
      }
      const author = authorOf(part['author']);
      if (typeof author === 'string') {
        yield counter.skip(`${label}: ${author}`);
        continue;
      }
      yield counter.message({ conversationId, timestamp: time, ...author, text: partText, ...withMeta });
    }
  }
}

export const intercom: ProductFormat = {
  name: 'intercom',
  reads: 'json',
  description: 'Intercom API conversations (REST 1.x and 2.x): source or conversation_message + conversation_parts (comments; notes skipped), HTML bodies to text',
  sniff,
  read,
};
