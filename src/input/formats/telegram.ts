/**
 * Telegram Desktop's JSON chat export (`result.json`: Settings › Advanced › Export chat history, format
 * "Machine-readable JSON"): `{"name", "type", "id", "messages": [...]}`, each message with `id`, `type`
 * (`message`; `service` for joins, pins, calls … which are events), `date` (local wall-clock time, no zone)
 * and `date_unixtime` (epoch seconds, preferred), `from`, `from_id` (`user123…`, `channel…`), `text` as a
 * string or a list of strings and entities (`{"type": "link", "text": …}`), `reply_to_message_id`.
 *
 * - Telegram does not say who is staff: a sender is an agent when `--agents` / input.agents names their
 *   `from` or `from_id`, or when input.roles lists their `from_id` or `from` under a role
 *   (`roles: {agent: [user5550001]}`); every other sender is a customer. agentId = from_id, agentName = from.
 * - A message without text that carries media (`photo`, `file`, `media_type`, `sticker_emoji`) is a message
 *   whose text is the media's kind, with meta.attachment.
 * - Replies: `reply_to_message_id` links a message to the one it answers (message.replyTo), so the
 *   response-time rules can follow reply threads.
 * - Conversation: the chat's `id` (else its `name`, else the file name). A full-account export
 *   (`chats.list[]`) is read chat by chat.
 */
import type { ReadEvent, Role } from '../../model/message.js';
import { parseTimestamp } from '../time/timestamps.js';
import type { ProductFormat, ReaderContext, SniffSample } from './types.js';
import { fileStem, isObject, nonEmpty, objects, openJsonExport, show, type JsonObject } from './shared.js';

function chatsOf(doc: unknown): JsonObject[] | undefined {
  if (!isObject(doc)) return undefined;
  if (Array.isArray(doc['messages'])) return [doc];
  const chats = isObject(doc['chats']) ? doc['chats']['list'] : undefined;
  return Array.isArray(chats) ? objects(chats) : undefined;
}

const isTelegramMessage = (m: JsonObject): boolean =>
  (m['type'] === 'message' || m['type'] === 'service') && (typeof m['date'] === 'string' || typeof m['date_unixtime'] === 'string');

function sniff(sample: SniffSample): boolean {
  const chats = chatsOf(sample.json);
  if (!chats || chats.length === 0) return false;
  const messages = chats.flatMap((c) => (Array.isArray(c['messages']) ? c['messages'] : [])).slice(0, 20);
  return messages.length > 0 && messages.every((m) => isObject(m) && isTelegramMessage(m));
}

/** Text as a string or a list of strings and entities `{type, text}`. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  return value.map((part) => (typeof part === 'string' ? part : isObject(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('');
}

function mediaOf(m: JsonObject): string | undefined {
  if (nonEmpty(m['photo'])) return 'photo';
  if (nonEmpty(m['sticker_emoji'])) return `sticker ${m['sticker_emoji'] as string}`;
  const media = nonEmpty(m['media_type']);
  const file = nonEmpty(m['file_name']) ?? nonEmpty(m['file']);
  return media ?? (file ? `file ${file}` : undefined);
}

function* read(text: string, json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const opened = openJsonExport(text, json, ctx.file, chatsOf, 'not a Telegram export: expected result.json with "messages" (or "chats": {"list": [...]})');
  if (!opened.ok) {
    yield opened.skip;
    return;
  }
  const { found: chats, counter } = opened;
  const agents = new Set(ctx.agents.map((a) => a.trim().toLowerCase()));
  const roleOf = (from: string | undefined, fromId: string | undefined): Role => {
    for (const key of [fromId, from]) {
      if (key === undefined) continue;
      if (agents.has(key.toLowerCase())) return 'agent';
      const mapped = ctx.roleOf?.(key);
      if (mapped) return mapped;
    }
    return 'customer';
  };
  for (const chat of chats) {
    const conversationId = nonEmpty(chat['id']) ?? nonEmpty(chat['name']) ?? fileStem(ctx.file);
    for (const m of Array.isArray(chat['messages']) ? (chat['messages'] as unknown[]) : []) {
      if (!isObject(m)) {
        yield counter.skip(`chat ${conversationId}: a message that is not an object (${show(m)})`);
        continue;
      }
      if (m['type'] === 'service') continue; // joins, pins, calls, title changes: events
      const label = `chat ${conversationId}, message ${nonEmpty(m['id']) ?? '?'}`;
      if (m['type'] !== 'message') {
        yield counter.skip(`${label}: unknown message type ${show(m['type'])}`);
        continue;
      }
      const time = m['date_unixtime'] !== undefined ? parseTimestamp(m['date_unixtime'], 'UTC') : parseTimestamp(m['date'], ctx.timezone);
      if (time === null) {
        yield counter.skip(`${label}: unusable date ${show(m['date_unixtime'] ?? m['date'])}`);
        continue;
      }
      const from = nonEmpty(m['from']);
      const fromId = nonEmpty(m['from_id']);
      if (!from && !fromId) {
        yield counter.skip(`${label}: no sender (from / from_id)`);
        continue;
      }
      const role = roleOf(from, fromId);
      const body = textOf(m['text']) ?? '';
      const media = body === '' ? mediaOf(m) : undefined;
      const staff = role === 'agent' || role === 'bot';
      const replyTo = nonEmpty(m['reply_to_message_id']);
      yield counter.message({
        conversationId,
        timestamp: time,
        role,
        ...(staff ? { agentId: fromId ?? from, ...(from ? { agentName: from } : {}) } : {}),
        text: body === '' && media ? `<${media}>` : body,
        ...(media ? { meta: { attachment: media } } : {}),
        ...(nonEmpty(m['id']) ? { id: nonEmpty(m['id']) } : {}),
        ...(replyTo ? { replyTo } : {}),
      });
    }
  }
}

export const telegram: ProductFormat = {
  name: 'telegram',
  reads: 'json',
  description: 'Telegram Desktop JSON export (result.json); agents are the from / from_id named in --agents or input.roles',
  sniff,
  read,
};
