/**
 * Genesys Cloud chat and web messaging transcripts, as the Platform API returns them: a conversation
 * (`GET /api/v2/conversations/{id}`, or an analytics conversation) with `participants[]`, each with a
 * `purpose` (customer, external, agent, user, acd, workflow, ivr …), `id`, `userId` and `name`, together with
 * its messages in one of the lists the recordings API gives for a chat or a message conversation:
 *
 * - `messagingTranscript[]` (web messaging, `MessagingTranscriptEntry`): `timestamp`, `messageText`, `from`
 *   (participant id), `fromUser.id` for an agent, `fromExternalContact` for a customer, `id`;
 * - `transcript[]` (chat recordings, `ChatMessage`): `utc` or `timestamp`, `body`, `participantPurpose`,
 *   `senderCommunicationId` / `from`, `user.id`, `bodyType` (`standard` text; `notice`, `member-join` … are events).
 *
 * A file may hold one such conversation, an array of them, or `{"conversations": [...]}` / `{"entities": [...]}`.
 * - Roles by the sender's purpose: customer / external → customer; agent / user → agent (agentId = userId,
 *   agentName = the participant's name); workflow / bot → bot (Architect bot flows); acd / ivr / system → system.
 * - Conversation: `conversationId` or `id`. Times are ISO 8601 (UTC).
 */
import type { ReadEvent, Role } from '../../model/message.js';
import { parseTimestamp } from '../time/timestamps.js';
import type { ProductFormat, ReaderContext, SniffSample } from './types.js';
import { isObject, nonEmpty, objects, openJsonExport, show, str, type JsonObject } from './shared.js';

const PURPOSES: Record<string, Role> = {
  customer: 'customer', external: 'customer',
  agent: 'agent', user: 'agent',
  workflow: 'bot', bot: 'bot',
  acd: 'system', ivr: 'system', system: 'system',
};
const MESSAGE_LISTS = ['messagingTranscript', 'transcript'] as const;
const EVENT_BODY_TYPES = new Set(['notice', 'member-join', 'member-leave', 'typing']);

function conversationsOf(doc: unknown): JsonObject[] | undefined {
  const list = Array.isArray(doc) ? doc : isObject(doc) ? (doc['conversations'] ?? doc['entities'] ?? [doc]) : undefined;
  if (!Array.isArray(list) || !list.every(isObject)) return undefined;
  return list.filter(isObject);
}

const messagesOf = (conversation: JsonObject): unknown[] | undefined => {
  for (const key of MESSAGE_LISTS) if (Array.isArray(conversation[key])) return conversation[key] as unknown[];
  return undefined;
};

function isGenesysConversation(value: JsonObject): boolean {
  const participants = objects(value['participants']);
  return participants.length > 0 && participants.every((p) => typeof p['purpose'] === 'string') && messagesOf(value) !== undefined;
}

function sniff(sample: SniffSample): boolean {
  const conversations = conversationsOf(sample.json);
  return conversations !== undefined && conversations.length > 0 && conversations.slice(0, 20).every(isGenesysConversation);
}

interface Sender {
  role: Role;
  agentId?: string;
  agentName?: string;
}

function* read(text: string, json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const opened = openJsonExport(text, json, ctx.file, conversationsOf, 'not a Genesys Cloud conversation: expected participants[] with a purpose and a messagingTranscript[] or transcript[]');
  if (!opened.ok) {
    yield opened.skip;
    return;
  }
  const { found: conversations, counter } = opened;
  for (const conversation of conversations) {
    const conversationId = nonEmpty(conversation['conversationId']) ?? nonEmpty(conversation['id']);
    const messages = messagesOf(conversation);
    if (!conversationId || !messages || !isGenesysConversation(conversation)) {
      yield counter.skip(`not a Genesys Cloud conversation with messages (id ${show(conversation['conversationId'] ?? conversation['id'])})`);
      continue;
    }
    // Participants by every id a message may name them by: participant id, user id, communication ids.
    const byId = new Map<string, JsonObject>();
    for (const p of objects(conversation['participants'])) {
      for (const id of [p['id'], p['participantId'], p['userId'], ...objects(p['messages']).map((m) => m['id']), ...objects(p['chats']).map((c) => c['id'])]) {
        const key = nonEmpty(id);
        if (key) byId.set(key, p);
      }
    }
    const senderOf = (m: JsonObject): Sender | string => {
      const userId = nonEmpty(isObject(m['fromUser']) ? m['fromUser']['id'] : undefined) ?? nonEmpty(isObject(m['user']) ? m['user']['id'] : undefined);
      const participant = [userId, nonEmpty(m['from']), nonEmpty(m['senderCommunicationId']), nonEmpty(m['participantId'])]
        .map((id) => (id ? byId.get(id) : undefined))
        .find((p) => p !== undefined);
      const purpose = (nonEmpty(m['participantPurpose']) ?? nonEmpty(participant?.['purpose']) ?? (isObject(m['fromExternalContact']) ? 'customer' : userId ? 'agent' : undefined))?.toLowerCase();
      if (!purpose) return 'sender not among the participants';
      const role = PURPOSES[purpose];
      if (!role) return `unknown participant purpose ${show(purpose)}`;
      if (role !== 'agent' && role !== 'bot') return { role };
      const id = userId ?? nonEmpty(participant?.['userId']) ?? nonEmpty(participant?.['id']);
      const name = nonEmpty(participant?.['name']) ?? nonEmpty(participant?.['participantName']);
      return { role, ...(id ? { agentId: id } : {}), ...(name ? { agentName: name } : {}) };
    };
    for (const m of messages) {
      if (!isObject(m)) {
        yield counter.skip(`conversation ${conversationId}: a message that is not an object (${show(m)})`);
        continue;
      }
      const bodyType = nonEmpty(m['bodyType'])?.toLowerCase();
      if (bodyType && EVENT_BODY_TYPES.has(bodyType)) continue;
      const body = str(m['messageText']) ?? str(m['body']);
      if (body === undefined) continue; // typing indicators, receipts, media-only events
      const label = `conversation ${conversationId}, message ${nonEmpty(m['id']) ?? '?'}`;
      const time = parseTimestamp(m['timestamp'] ?? m['utc'], 'UTC');
      if (time === null) {
        yield counter.skip(`${label}: unusable timestamp ${show(m['timestamp'] ?? m['utc'])}`);
        continue;
      }
      const sender = senderOf(m);
      if (typeof sender === 'string') {
        yield counter.skip(`${label}: ${sender}`);
        continue;
      }
      yield counter.message({ conversationId, timestamp: time, ...sender, text: body, ...(nonEmpty(m['id']) ? { id: nonEmpty(m['id']) } : {}) });
    }
  }
}

export const genesys: ProductFormat = {
  name: 'genesys',
  reads: 'json',
  description: 'Genesys Cloud chat / web messaging conversations: participants with purpose, messagingTranscript[] or transcript[]',
  sniff,
  read,
};
