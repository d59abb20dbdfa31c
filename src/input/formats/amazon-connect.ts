/**
 * Amazon Connect chat transcripts, in the two shapes Connect writes to S3:
 *
 * - the chat transcript (`{"Version", "InstanceId", "ContactId", "InitialContactId", "Participants": [...],
 *   "Transcript": [...]}`), each item with `AbsoluteTime` (ISO 8601 UTC), `Content`, `ContentType`, `Type`
 *   (MESSAGE, EVENT, ATTACHMENT …), `ParticipantId`, `ParticipantRole` (CUSTOMER, AGENT, SYSTEM,
 *   CUSTOM_BOT …) and `DisplayName`;
 * - the Contact Lens analysis output for chats (`{"Channel": "CHAT", "CustomerMetadata": {"ContactId"…},
 *   "Participants": [{ParticipantId, ParticipantRole}], "Transcript": [...]}`), whose items carry
 *   `ParticipantId` and `AbsoluteTime` or only `BeginOffsetMillis` (from the start of the chat: the start is
 *   read from the file name, which Contact Lens writes as `<ContactId>_analysis_<ISO time>.json`).
 *
 * - Records: items of type MESSAGE (or, in Contact Lens output, any item with Content); EVENT items
 *   (joins, leaves, typing, chat ended) are not records. ATTACHMENT items are messages whose text is the
 *   attachment's name, with meta.attachment.
 * - Roles: CUSTOMER → customer; AGENT → agent (agentId = the participant id, agentName = DisplayName;
 *   `--agents` / input.agents naming a DisplayName makes it the id instead, for the agent's user name);
 *   SYSTEM → system; CUSTOM_BOT / BOT / LEX → bot. An item without a role or name takes its participant's,
 *   from `Participants` or from another item of the same participant.
 * - Conversation: ContactId (CustomerMetadata.ContactId in Contact Lens output), else the file name.
 */
import type { ReadEvent, Role } from '../../model/message.js';
import { parseTimestamp } from '../time/timestamps.js';
import type { ProductFormat, ReaderContext, SniffSample } from './types.js';
import { fileStem, isObject, nonEmpty, objects, openJsonExport, show, str, type JsonObject } from './shared.js';

const ROLES: Record<string, Role> = { CUSTOMER: 'customer', AGENT: 'agent', SYSTEM: 'system', CUSTOM_BOT: 'bot', BOT: 'bot', LEX: 'bot', SUPERVISOR: 'agent' };

function transcriptOf(doc: unknown): JsonObject | undefined {
  return isObject(doc) && Array.isArray(doc['Transcript']) ? doc : undefined;
}

const isContactLens = (doc: JsonObject): boolean => isObject(doc['CustomerMetadata']) || doc['Channel'] === 'CHAT';

function sniff(sample: SniffSample): boolean {
  const doc = transcriptOf(sample.json);
  if (!doc) return false;
  const items = objects(doc['Transcript']).slice(0, 20);
  if (items.length === 0) return nonEmpty(doc['ContactId']) !== undefined && Array.isArray(doc['Participants']);
  const connectItem = (item: JsonObject) =>
    ('AbsoluteTime' in item || 'BeginOffsetMillis' in item) && (typeof item['Content'] === 'string' || typeof item['Type'] === 'string');
  return items.every(connectItem) && (nonEmpty(doc['ContactId']) !== undefined || isContactLens(doc) || Array.isArray(doc['Participants']));
}

/** The chat's start for offsets: an ISO time in the file name (`…_analysis_2026-03-02T10:00:00Z.json`). */
function startFromFileName(file: string): number | null {
  const m = /(\d{4}-\d{2}-\d{2}T\d{2}[:_-]?\d{2}[:_-]?\d{2}(?:\.\d+)?Z)/.exec(file);
  if (!m?.[1]) return null;
  const iso = m[1].replace(/T(\d{2})[_-]?(\d{2})[_-]?(\d{2})/, 'T$1:$2:$3');
  const time = Date.parse(iso);
  return Number.isNaN(time) ? null : time;
}

function* read(text: string, json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const opened = openJsonExport(text, json, ctx.file, transcriptOf, 'not an Amazon Connect transcript: expected an object with a "Transcript" list');
  if (!opened.ok) {
    yield opened.skip;
    return;
  }
  const { found: doc, counter } = opened;
  const metadata = isObject(doc['CustomerMetadata']) ? doc['CustomerMetadata'] : {};
  const conversationId = nonEmpty(doc['ContactId']) ?? nonEmpty(metadata['ContactId']) ?? fileStem(ctx.file);
  // A participant's role and name, from Participants and from any item that states them (the S3
  // transcript's Participants list has ids only, and some items carry neither role nor name).
  const participants = new Map<string, string>();
  const names = new Map<string, string>();
  for (const p of [...objects(doc['Participants']), ...objects(doc['Transcript'])]) {
    const id = nonEmpty(p['ParticipantId']);
    const role = nonEmpty(p['ParticipantRole']);
    const name = nonEmpty(p['DisplayName']);
    if (id && role && !participants.has(id)) participants.set(id, role);
    if (id && name && !names.has(id)) names.set(id, name);
  }
  const agentNames = new Set(ctx.agents.map((a) => a.trim().toLowerCase()));
  const start = startFromFileName(ctx.file);

  for (const item of doc['Transcript'] as unknown[]) {
    if (!isObject(item)) {
      yield counter.skip(`contact ${conversationId}: a transcript item that is not an object (${show(item)})`);
      continue;
    }
    const type = nonEmpty(item['Type'])?.toUpperCase();
    const content = str(item['Content']);
    const attachments = objects(item['Attachments']);
    // Events (joins, leaves, typing, chat ended) carry no message; Contact Lens items have no Type.
    if (type !== undefined ? type !== 'MESSAGE' && type !== 'ATTACHMENT' : content === undefined) continue;
    const label = `contact ${conversationId}, item ${nonEmpty(item['Id']) ?? '?'}`;
    const participantId = nonEmpty(item['ParticipantId']);
    const roleName = (nonEmpty(item['ParticipantRole']) ?? (participantId ? participants.get(participantId) : undefined))?.toUpperCase();
    const role = roleName ? ROLES[roleName] : undefined;
    if (!role) {
      yield counter.skip(`${label}: ${roleName ? `unknown participant role ${show(roleName)}` : 'no participant role'}`);
      continue;
    }
    let time = item['AbsoluteTime'] !== undefined ? parseTimestamp(item['AbsoluteTime'], 'UTC') : null;
    if (item['AbsoluteTime'] === undefined && typeof item['BeginOffsetMillis'] === 'number') {
      if (start === null) {
        yield counter.skip(`${label}: only BeginOffsetMillis, and the file name holds no start time (<ContactId>_analysis_<ISO time>.json)`);
        continue;
      }
      time = start + item['BeginOffsetMillis'];
    }
    if (time === null) {
      yield counter.skip(`${label}: unusable AbsoluteTime ${show(item['AbsoluteTime'])}`);
      continue;
    }
    const attachment = nonEmpty(attachments[0]?.['AttachmentName']);
    const displayName = nonEmpty(item['DisplayName']) ?? (participantId ? names.get(participantId) : undefined);
    const staff = role === 'agent' || role === 'bot';
    const agentId = displayName && agentNames.has(displayName.toLowerCase()) ? displayName : (participantId ?? displayName);
    yield counter.message({
      conversationId,
      timestamp: time,
      role,
      ...(staff && agentId ? { agentId } : {}),
      ...(staff && displayName ? { agentName: displayName } : {}),
      text: content ?? attachment ?? '',
      ...(attachment ? { meta: { attachment } } : {}),
      ...(nonEmpty(item['Id']) ? { id: nonEmpty(item['Id']) } : {}),
    });
  }
}

export const amazonConnect: ProductFormat = {
  name: 'amazon-connect',
  reads: 'json',
  description: 'Amazon Connect chat transcripts from S3 (Transcript[] with ParticipantRole, AbsoluteTime) and Contact Lens chat analysis output',
  sniff,
  read,
};
