/**
 * LiveChat (text.com) Agent Chat API v3.x chats: `list_archives` / `list_chats` pages `{ "chats": [...] }`,
 * a single `get_chat` object, or an array of chats. Each chat has `users[]` and a `thread` (v3.2+) or
 * `threads[]` (v3.1) with `events[]`.
 *
 * - Records: events of type `message`, `rich_message` (title/subtitle/button texts) and `file` (the
 *   file name). `system_message`, `filled_form`, `custom` and other event types are events, not records.
 * - Events with `visibility: "agents"` are internal (whispers) and never messages.
 * - Author: `author_id` resolved through `users[]`: type agent → agent (agentId = the user id, usually
 *   the agent's e-mail; agentName = name), customer → customer, bot → bot. Unknown author → skip.
 * - Conversation id: `<chat id>/<thread id>` (a LiveChat chat is a long-lived channel with one customer;
 *   each thread is one visit). Times: RFC 3339 with microseconds.
 * - meta: tags (thread tags), group (access group ids).
 */
import type { ReadEvent, Role } from '../../model/message.js';
import { parseTimestamp } from '../time/timestamps.js';
import type { ReaderContext, ProductFormat, SniffSample } from './types.js';
import { arr, compactMeta, isObject, joinNames, nonEmpty, objects, openJsonExport, show, str, type JsonObject } from './shared.js';

const MESSAGE_EVENTS = new Set(['message', 'rich_message', 'file']);

const USER_ROLES: Record<string, Role> = { agent: 'agent', customer: 'customer', bot: 'bot' };

function chatsOf(doc: unknown): JsonObject[] | undefined {
  if (Array.isArray(doc)) return doc.every(isObject) ? doc.filter(isObject) : undefined;
  if (!isObject(doc)) return undefined;
  if (Array.isArray(doc['chats'])) return objects(doc['chats']);
  if (isObject(doc['chat'])) return [doc['chat']];
  return [doc];
}

function threadsOf(chat: JsonObject): JsonObject[] {
  if (isObject(chat['thread'])) return [chat['thread']];
  return objects(chat['threads']);
}

function isChat(value: JsonObject): boolean {
  if (typeof value['id'] !== 'string' || !Array.isArray(value['users'])) return false;
  const threads = isObject(value['thread']) ? [value['thread']] : Array.isArray(value['threads']) ? value['threads'] : undefined;
  return threads !== undefined && threads.every((t) => isObject(t) && Array.isArray(t['events']));
}

function sniff(sample: SniffSample): boolean {
  const chats = chatsOf(sample.json);
  if (!chats || chats.length === 0) return false;
  return chats.slice(0, 20).every(isChat);
}

function eventText(event: JsonObject): string {
  const type = event['type'];
  if (type === 'file') return nonEmpty(event['name']) ?? nonEmpty(event['url']) ?? '';
  if (type === 'rich_message') {
    const parts: string[] = [];
    for (const element of objects(event['elements'])) {
      for (const key of ['title', 'subtitle']) {
        const value = nonEmpty(element[key]);
        if (value) parts.push(value);
      }
      for (const button of objects(element['buttons'])) {
        const value = nonEmpty(button['text']);
        if (value) parts.push(value);
      }
    }
    return parts.join('\n');
  }
  return str(event['text']) ?? '';
}

function* read(text: string, json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const opened = openJsonExport(text, json, ctx.file, chatsOf, 'not a LiveChat export: expected a chat, an array of chats or {"chats": [...]}');
  if (!opened.ok) {
    yield opened.skip;
    return;
  }
  const { found: chats, counter } = opened;
  for (const chat of chats) {
    const chatId = nonEmpty(chat['id']);
    if (!isChat(chat) || !chatId) {
      yield counter.skip(`not a LiveChat chat (id ${show(chat['id'])}): expected users[] and a thread with events[]`);
      continue;
    }
    const users = new Map<string, JsonObject>();
    for (const user of objects(chat['users'])) {
      const id = nonEmpty(user['id']);
      if (id) users.set(id, user);
    }
    for (const thread of threadsOf(chat)) {
      const threadId = nonEmpty(thread['id']);
      const conversationId = threadId ? `${chatId}/${threadId}` : chatId;
      const access = isObject(thread['access']) ? thread['access'] : isObject(chat['access']) ? chat['access'] : undefined;
      const groups = access ? arr(access['group_ids']).map((g) => str(g)).filter((g): g is string => g !== undefined) : [];
      const meta = compactMeta({ tags: joinNames(thread['tags']), group: groups.length > 0 ? groups.join(',') : undefined });
      for (const event of objects(thread['events'])) {
        const type = nonEmpty(event['type']);
        if (!type || !MESSAGE_EVENTS.has(type)) continue;
        if (nonEmpty(event['visibility'])?.toLowerCase() === 'agents') continue;
        const label = `chat ${conversationId}, event ${nonEmpty(event['id']) ?? '?'}`;
        const time = parseTimestamp(event['created_at'], ctx.timezone);
        if (time === null) {
          yield counter.skip(`${label}: unusable created_at ${show(event['created_at'])}`);
          continue;
        }
        const authorId = nonEmpty(event['author_id']);
        const user = authorId !== undefined ? users.get(authorId) : undefined;
        if (!authorId || !user) {
          yield counter.skip(`${label}: author ${show(event['author_id'])} is not in the chat's users[]`);
          continue;
        }
        const userType = nonEmpty(user['type'])?.toLowerCase();
        const role = userType !== undefined ? USER_ROLES[userType] : undefined;
        if (!role) {
          yield counter.skip(`${label}: unknown user type ${show(user['type'])} for author ${show(authorId)}`);
          continue;
        }
        const name = nonEmpty(user['name']);
        const who = role === 'customer' ? {} : { agentId: authorId, ...(name ? { agentName: name } : {}) };
        yield counter.message({ conversationId, timestamp: time, role, ...who, text: eventText(event), ...(meta ? { meta } : {}) });
      }
    }
  }
}

export const livechat: ProductFormat = {
  name: 'livechat',
  reads: 'json',
  description: 'LiveChat Agent Chat API v3 chats: thread events, authors from users[], internal (agents-only) events excluded',
  sniff,
  read,
};
