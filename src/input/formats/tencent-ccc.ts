/**
 * Tencent Cloud Contact Center (腾讯云联络中心) DescribeChatMessages results: `{ "Response": { "Messages": [...] } }`,
 * `{ "Messages": [...] }`, or the bare `Messages` array of MessageBody objects
 * `{ "Timestamp": 1600007226, "From": "John", "Messages": [{ "Type": "Text", "Content": "…" }] }`.
 *
 * - Each MessageBody is one record; its text is the Text parts joined with line breaks (Content that is
 *   JSON text is unwrapped); a body with no text part reads `[Image]` etc.
 * - Timestamp: Unix seconds (ms tolerated).
 * - Roles: the API does not say who is staff. A `SenderType` / `Role` field, when an export adds one, is
 *   used (AGENT/CUSTOMER/VISITOR/BOT/SYSTEM, 坐席/客服/访客/客户/机器人/系统); otherwise a `From` named in
 *   ctx.agents is an agent (agentId = agentName = From) and every other sender is a customer.
 * - Conversation id: `SessionId` when the file carries it (top level or inside Response), else the file's
 *   base name (one file per DescribeChatMessages call, as the API returns one session).
 * - meta: contentType (the part types, e.g. "Text,Image").
 */
import type { ReadEvent, Role } from '../../model/message.js';
import { parseTimestamp } from '../time/timestamps.js';
import { contentText } from './ccc-content.js';
import type { ReaderContext, ProductFormat, SniffSample } from './types.js';
import { fileStem, isObject, nonEmpty, objects, openJsonExport, show, type JsonObject } from './shared.js';

const ROLE_NAMES: Record<string, Role> = {
  agent: 'agent', staff: 'agent', 坐席: 'agent', 客服: 'agent', 人工: 'agent',
  customer: 'customer', visitor: 'customer', user: 'customer', 访客: 'customer', 客户: 'customer', 用户: 'customer',
  bot: 'bot', robot: 'bot', 机器人: 'bot',
  system: 'system', admin: 'system', 系统: 'system',
};

function unwrap(doc: unknown): { messages: JsonObject[] | undefined; sessionId: string | undefined } {
  if (Array.isArray(doc)) return { messages: doc.every(isObject) ? doc.filter(isObject) : undefined, sessionId: undefined };
  if (!isObject(doc)) return { messages: undefined, sessionId: undefined };
  const response = isObject(doc['Response']) ? doc['Response'] : doc;
  const sessionId = nonEmpty(doc['SessionId']) ?? nonEmpty(response['SessionId']);
  return { messages: Array.isArray(response['Messages']) ? objects(response['Messages']) : undefined, sessionId };
}

const isBody = (m: JsonObject): boolean => 'From' in m && 'Timestamp' in m && Array.isArray(m['Messages']);

function sniff(sample: SniffSample): boolean {
  const { messages } = unwrap(sample.json);
  if (!messages || messages.length === 0) return false;
  return messages.slice(0, 50).every(isBody);
}

function* read(text: string, json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const opened = openJsonExport(
    text,
    json,
    ctx.file,
    (document: unknown) => {
      const unwrapped = unwrap(document);
      return unwrapped.messages === undefined ? undefined : { ...unwrapped, messages: unwrapped.messages };
    },
    'not a Tencent CCC export: expected {"Response": {"Messages": [...]}} or a Messages array',
  );
  if (!opened.ok) {
    yield opened.skip;
    return;
  }
  const { found: { messages, sessionId }, counter } = opened;
  const conversationId = sessionId ?? fileStem(ctx.file);
  const agents = new Set(ctx.agents.map((a) => a.trim().toLowerCase()));
  for (const body of messages) {
    const from = nonEmpty(body['From']);
    const time = parseTimestamp(body['Timestamp'], ctx.timezone);
    if (time === null) {
      yield counter.skip(`message from ${show(body['From'])}: unusable Timestamp ${show(body['Timestamp'])}`);
      continue;
    }
    const declared = nonEmpty(body['SenderType']) ?? nonEmpty(body['Role']);
    let role: Role;
    if (declared !== undefined) {
      const mapped = ROLE_NAMES[declared.toLowerCase()];
      if (!mapped) {
        yield counter.skip(`message from ${show(body['From'])}: unknown SenderType ${show(declared)}`);
        continue;
      }
      role = mapped;
    } else if (!from) {
      yield counter.skip('message without a From sender');
      continue;
    } else role = agents.has(from.toLowerCase()) ? 'agent' : 'customer';

    const texts: string[] = [];
    const types: string[] = [];
    for (const part of objects(body['Messages'])) {
      const type = nonEmpty(part['Type']) ?? 'Text';
      types.push(type);
      if (type.toLowerCase() === 'text') {
        const { text: partText } = contentText(part['Content']);
        if (partText !== '') texts.push(partText);
      }
    }
    const messageText = texts.length > 0 ? texts.join('\n') : types.map((t) => `[${t}]`).join(' ');
    const who = role === 'agent' || role === 'bot' ? (from ? { agentId: from, agentName: from } : {}) : {};
    yield counter.message({
      conversationId,
      timestamp: time,
      role,
      ...who,
      text: messageText,
      ...(types.length > 0 ? { meta: { contentType: [...new Set(types)].join(',') } } : {}),
    });
  }
}

export const tencentCcc: ProductFormat = {
  name: 'tencent-ccc',
  reads: 'json',
  description: 'Tencent Cloud Contact Center DescribeChatMessages (From, s timestamps, typed parts); agents are the senders named in --agents',
  sniff,
  read,
};
