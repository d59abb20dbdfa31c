/**
 * Alibaba Cloud Contact Center (阿里云云联络中心) chat messages, as returned by ListVisitorChatMessages /
 * ListGroupChatMessages: `{ "Data": { "Messages": [...] } }`, the bare `Messages` array, or an array of
 * such responses (one per page).
 *
 * - Each message is a record: `JobId` (conversation), `SenderType` ADMIN → system, CUSTOMER → customer,
 *   AGENT → agent (others are skipped), `Timestamp` (Unix ms; seconds tolerated), `Content` (JSON text
 *   `{"text": …, "contentType": "Text"}`; the text is extracted and HTML removed; non-text content becomes
 *   `[<contentType>]`), `SenderId`, `SenderName`.
 * - agentId = SenderId (else SenderName); agentName = SenderName.
 * - meta: contentType, recalled ("true" for messages the sender recalled — kept, so rules can decide).
 */
import type { ReadEvent, Role } from '../../model/message.js';
import { parseTimestamp } from '../time/timestamps.js';
import { contentText } from './ccc-content.js';
import type { ReaderContext, ProductFormat, SniffSample } from './types.js';
import { compactMeta, isObject, nonEmpty, objects, openJsonExport, show, type JsonObject } from './shared.js';

const SENDER_ROLES: Record<string, Role> = { ADMIN: 'system', SYSTEM: 'system', CUSTOMER: 'customer', VISITOR: 'customer', AGENT: 'agent', BOT: 'bot', ROBOT: 'bot' };

function messagesOf(doc: unknown): JsonObject[] | undefined {
  if (Array.isArray(doc)) {
    if (doc.length > 0 && doc.every((d) => isObject(d) && isObject(d['Data']))) return doc.flatMap((d) => messagesOf(d) ?? []);
    return doc.every(isObject) ? doc.filter(isObject) : undefined;
  }
  if (!isObject(doc)) return undefined;
  const data = isObject(doc['Data']) ? doc['Data'] : doc;
  return Array.isArray(data['Messages']) ? objects(data['Messages']) : undefined;
}

const isMessage = (m: JsonObject): boolean => 'SenderType' in m && 'Content' in m && 'Timestamp' in m;

function sniff(sample: SniffSample): boolean {
  const messages = messagesOf(sample.json);
  if (!messages || messages.length === 0) return false;
  return messages.slice(0, 50).every(isMessage);
}

function* read(text: string, json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const opened = openJsonExport(text, json, ctx.file, messagesOf, 'not an Aliyun CCC export: expected {"Data": {"Messages": [...]}} or a Messages array');
  if (!opened.ok) {
    yield opened.skip;
    return;
  }
  const { found: messages, counter } = opened;
  for (const m of messages) {
    const conversationId = nonEmpty(m['JobId']);
    if (!conversationId) {
      yield counter.skip(`message without a JobId (sender ${show(m['SenderName'])})`);
      continue;
    }
    const time = parseTimestamp(m['Timestamp'], ctx.timezone);
    if (time === null) {
      yield counter.skip(`job ${conversationId}: unusable Timestamp ${show(m['Timestamp'])}`);
      continue;
    }
    const senderType = nonEmpty(m['SenderType'])?.toUpperCase();
    const role = senderType !== undefined ? SENDER_ROLES[senderType] : undefined;
    if (!role) {
      yield counter.skip(`job ${conversationId}: unknown SenderType ${show(m['SenderType'])}`);
      continue;
    }
    const { text: body, contentType } = contentText(m['Content']);
    const name = nonEmpty(m['SenderName']);
    const id = nonEmpty(m['SenderId']) ?? name;
    const who = role === 'agent' || role === 'bot' ? { ...(id ? { agentId: id } : {}), ...(name ? { agentName: name } : {}) } : {};
    const meta = compactMeta({ contentType, recalled: m['Recalled'] === true ? 'true' : undefined });
    yield counter.message({ conversationId, timestamp: time, role, ...who, text: body, ...(meta ? { meta } : {}) });
  }
}

export const aliyunCcc: ProductFormat = {
  name: 'aliyun-ccc',
  reads: 'json',
  description: 'Alibaba Cloud Contact Center chat messages (ListVisitorChatMessages / ListGroupChatMessages): SenderType, ms timestamps, JSON Content',
  sniff,
  read,
};
