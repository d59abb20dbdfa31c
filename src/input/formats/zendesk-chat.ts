/**
 * Zendesk Chat (formerly Zopim) REST API v2 chat objects: a single chat, an array of chats, or a page
 * `{ "chats": [...] }` (list, search and incremental export endpoints).
 *
 * - `type: "chat"`: every `history` entry of type `chat.msg` is a record; join/leave, rating, comment,
 *   department-transfer and other entries are events, not records.
 * - `type: "offline_msg"`: the visitor's single `message` is one customer record.
 * - Author: the entry's `sender_type` (Fivetran exports), else its `nick` (`agent:<id>`, `agent:trigger`,
 *   `visitor…`), else its `name` matched against the chat's `agent_names` / `visitor.name`.
 * - agentId is the Zendesk agent id (from the nick, the entry's `agent_id`, or the `agent_ids` entry
 *   paired with the name), else the display name; agentName is the display name.
 * - Timestamps: ISO 8601 (`2014-10-09T05:28:35Z`) or epoch numbers; zone-less wall clock in ctx.timezone.
 * - meta: department, tags, chatType (`chat` / `offline_msg`), chatChannel (the entry's channel, e.g. "#widget").
 */
import type { ReadEvent, Role } from '../../model/message.js';
import { parseTimestamp } from '../time/timestamps.js';
import type { ReaderContext, ProductFormat, SniffSample } from './types.js';
import { arr, compactMeta, isObject, joinNames, nonEmpty, objects, openJsonExport, show, str, type JsonObject } from './shared.js';

const CHAT_TYPES = new Set(['chat', 'offline_msg']);

function chatsOf(doc: unknown): JsonObject[] | undefined {
  if (Array.isArray(doc)) return doc.every(isObject) ? doc.filter(isObject) : undefined;
  if (!isObject(doc)) return undefined;
  if (Array.isArray(doc['chats'])) return objects(doc['chats']);
  return [doc];
}

function isChat(value: JsonObject): boolean {
  const type = value['type'];
  if (typeof type !== 'string' || !CHAT_TYPES.has(type) || typeof value['id'] !== 'string') return false;
  if (type === 'offline_msg') return isObject(value['visitor']) && 'message' in value;
  return Array.isArray(value['history']) && (isObject(value['visitor']) || Array.isArray(value['agent_names']));
}

function sniff(sample: SniffSample): boolean {
  const chats = chatsOf(sample.json);
  if (!chats || chats.length === 0) return false;
  return chats.slice(0, 20).every(isChat);
}

interface Author {
  role: Role;
  agentId?: string;
  agentName?: string;
}

const SENDER_TYPES: Record<string, Role> = {
  visitor: 'customer', customer: 'customer', 'end-user': 'customer', enduser: 'customer', end_user: 'customer',
  agent: 'agent',
  trigger: 'bot', bot: 'bot', chatbot: 'bot', answer_bot: 'bot', answerbot: 'bot',
  system: 'system',
};

function authorOf(entry: JsonObject, chat: JsonObject): Author | string {
  const name = nonEmpty(entry['name']);
  const nick = nonEmpty(entry['nick']);
  const agentNames = arr(chat['agent_names']).map((n) => str(n));
  const agentIds = arr(chat['agent_ids']).map((n) => str(n));
  const pairedId = name !== undefined ? agentIds[agentNames.indexOf(name)] : undefined;
  const nickId = nick?.toLowerCase().startsWith('agent:') ? nick.slice('agent:'.length) : undefined;
  const agentId = (nickId && nickId.toLowerCase() !== 'trigger' ? nickId : undefined) ?? nonEmpty(entry['agent_id']) ?? pairedId ?? name;
  const agent = (): Author => ({ role: 'agent', ...(agentId ? { agentId } : {}), ...(name ? { agentName: name } : {}) });
  const bot = (): Author => ({ role: 'bot', ...(name ? { agentId: name, agentName: name } : {}) });

  const senderType = nonEmpty(entry['sender_type'])?.toLowerCase();
  if (senderType !== undefined) {
    const role = SENDER_TYPES[senderType];
    if (role === 'agent') return agent();
    if (role === 'bot') return bot();
    if (role) return { role };
    return `unknown sender_type ${show(entry['sender_type'])}`;
  }
  if (nick !== undefined) {
    const lower = nick.toLowerCase();
    if (lower === 'agent:trigger' || lower === 'trigger' || lower.startsWith('trigger:')) return bot();
    if (lower.startsWith('agent:')) return agent();
    if (lower === 'visitor' || lower.startsWith('visitor:') || lower.startsWith('visitor.')) return { role: 'customer' };
  }
  if (name !== undefined) {
    if (agentNames.includes(name)) return agent();
    const visitor = isObject(chat['visitor']) ? nonEmpty(chat['visitor']['name']) : undefined;
    if (name === visitor || /^Visitor \d+$/.test(name)) return { role: 'customer' };
  }
  return `cannot tell who wrote it: nick ${show(entry['nick'])}, name ${show(entry['name'])} is neither a listed agent nor the visitor`;
}

function* read(text: string, json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const opened = openJsonExport(text, json, ctx.file, chatsOf, 'not a Zendesk Chat export: expected a chat object, an array of chats or {"chats": [...]}');
  if (!opened.ok) {
    yield opened.skip;
    return;
  }
  const { found: chats, counter } = opened;
  for (const chat of chats) {
    if (!isChat(chat) && !Array.isArray(chat['history'])) {
      yield counter.skip(`not a Zendesk Chat chat object (type ${show(chat['type'])}, id ${show(chat['id'])})`);
      continue;
    }
    const conversationId = nonEmpty(chat['id']);
    const chatMeta = {
      department: nonEmpty(chat['department_name']) ?? nonEmpty(chat['department_id']),
      tags: joinNames(chat['tags']),
      chatType: nonEmpty(chat['type']),
    };
    if (chat['type'] === 'offline_msg') {
      const time = parseTimestamp(chat['timestamp'], ctx.timezone);
      if (!conversationId) yield counter.skip('offline message without a chat id');
      else if (time === null) yield counter.skip(`offline message ${conversationId}: unusable timestamp ${show(chat['timestamp'])}`);
      else {
        const meta = compactMeta(chatMeta);
        yield counter.message({ conversationId, timestamp: time, role: 'customer', text: str(chat['message']) ?? '', ...(meta ? { meta } : {}) });
      }
      continue;
    }
    for (const entry of objects(chat['history'])) {
      if (entry['type'] !== 'chat.msg') continue;
      if (!conversationId) {
        yield counter.skip('chat message in a chat without an id');
        continue;
      }
      const time = parseTimestamp(entry['timestamp'], ctx.timezone);
      if (time === null) {
        yield counter.skip(`chat ${conversationId}: unusable timestamp ${show(entry['timestamp'])}`);
        continue;
      }
      const author = authorOf(entry, chat);
      if (typeof author === 'string') {
        yield counter.skip(`chat ${conversationId}: ${author}`);
        continue;
      }
      const meta = compactMeta({ ...chatMeta, chatChannel: nonEmpty(entry['channel']) });
      yield counter.message({ conversationId, timestamp: time, ...author, text: str(entry['msg']) ?? '', ...(meta ? { meta } : {}) });
    }
  }
}

export const zendeskChat: ProductFormat = {
  name: 'zendesk-chat',
  reads: 'json',
  description: 'Zendesk Chat (Zopim) API chats: history chat.msg entries; offline messages as one customer message',
  sniff,
  read,
};
