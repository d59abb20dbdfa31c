import { z } from 'zod';
import { once } from '../../model/once.js';
import type { Conversation, Message } from '../../model/message.js';
import { defineKind, type CheckContext, type RawFinding } from '../kind.js';
import { commonRuleFields } from '../schema.js';

const schema = once(() =>
  z.strictObject({
    ...commonRuleFields(),
    kind: z.literal('response-time'),
    maxSeconds: z.number().positive().describe('Longest allowed wait in seconds; a reply exactly this late is still in time.'),
    honourWaitNotices: z
      .boolean()
      .default(true)
      .describe(
        "Leave announced waits to wait-notice rules: a customer message sent after an agent's \"请稍等2分钟\" and before the agent's next message starts no clock here (wait-notice judges that return, in time or late). Set false to measure every customer message regardless.",
      ),
  }),
);
export type ResponseTimeRule = z.infer<ReturnType<typeof schema>>;

const noWait = () => false;
const NO_WAITS: CheckContext['announcedWaits'] = [];

/** Rounds to milliseconds so 61.0004 s prints as 61 and binary noise never shows. */
const toSeconds = (ms: number) => Math.round(ms) / 1000;

/**
 * For exports that say which message a reply answers (message.replyTo): the messages each message
 * replies to, directly or through its parent's parent, as positions in the conversation. null when
 * no message of the conversation links to another one there (the clock then runs in time order).
 */
export function replyAncestors(messages: readonly Message[]): Array<Set<number>> | null {
  // Most exports link no replies: nothing to build.
  if (!linksReplies(messages)) return null;
  const position = new Map<string, number>();
  messages.forEach((m, i) => {
    if (m.id !== undefined && !position.has(m.id)) position.set(m.id, i);
  });
  const parent = messages.map((m) => (m.replyTo !== undefined ? position.get(m.replyTo) : undefined));
  if (parent.every((p) => p === undefined)) return null;
  return messages.map((_, i) => {
    const ancestors = new Set<number>();
    // A loop of links (a malformed export) stops at the first message seen twice.
    for (let p = parent[i]; p !== undefined && !ancestors.has(p) && p !== i; p = parent[p]) ancestors.add(p);
    return ancestors;
  });
}

/**
 * The response clock, per message: for each message of `role` that answers a waiting customer, how long
 * (ms) the customer waited; null for every other message. `quiet(index)` says a customer message starts
 * no clock (one sent during an announced wait).
 *
 * Without reply links the clock starts at the oldest customer message not yet answered and stops at the
 * next message of `role`. In reply-linked threads, which can branch, each customer message that is not
 * part of a wait already open on its own branch (an earlier open customer message it replies to, directly
 * or not) starts a clock, and a message of `role` stops the clocks of the customer messages it replies
 * to, directly or through later messages of the same branch (one without a link stops every open clock,
 * as in time order); its wait is the longest it ends.
 */
export function replyWaits(messages: readonly Message[], role: string, quiet: (index: number) => boolean = noWait): Array<number | null> {
  const waits = new Array<number | null>(messages.length).fill(null);
  const ancestors = replyAncestors(messages);
  if (!ancestors) {
    timeOrderWaits(messages, role, quiet, (index, wait) => (waits[index] = wait));
    return waits;
  }
  const open = new Set<number>();
  messages.forEach((message, index) => {
    const above = ancestors[index] ?? new Set<number>();
    if (message.role === 'customer') {
      const waitOpen = [...open].some((c) => above.has(c));
      if (!waitOpen && !quiet(index)) open.add(index);
      return;
    }
    if (message.role !== role) return;
    const linked = message.replyTo !== undefined && above.size > 0;
    const answered = [...open].filter((c) => !linked || above.has(c));
    if (answered.length === 0) return;
    waits[index] = Math.max(...answered.map((c) => message.timestamp - (messages[c]?.timestamp ?? message.timestamp)));
    for (const c of answered) open.delete(c);
  });
  return waits;
}

/** Whether some message says which message it replies to. */
function linksReplies(messages: readonly Message[]): boolean {
  for (let i = 0; i < messages.length; i++) if ((messages[i] as Message).replyTo !== undefined) return true;
  return false;
}

/**
 * replyWaits in time order (no reply links): each wait, as `wait(index, ms)` for the message of `role`
 * that ends it, from the oldest customer message not yet answered.
 */
function timeOrderWaits(messages: readonly Message[], role: string, quiet: (index: number) => boolean, wait: (index: number, ms: number) => void): void {
  let waitingSince: number | null = null;
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index] as Message;
    if (message.role === 'customer') {
      if (waitingSince === null && !quiet(index)) waitingSince = message.timestamp;
    } else if (message.role === role && waitingSince !== null) {
      wait(index, message.timestamp - waitingSince);
      waitingSince = null;
    }
  }
}

export const responseTime = defineKind<ResponseTimeRule>({
  kind: 'response-time',
  summary:
    'The clock starts at the oldest customer message not yet answered and stops at the next message of the checked role (agent); bot and system messages do not stop it. A wait above maxSeconds is one finding on the late reply. A customer message never answered is not counted. In exports that link replies (Twitter threads, Telegram replies) a thread can branch: a customer message is answered by the first agent message that replies to it, or to a later message of its branch; an agent reply in another branch does not stop its clock (an agent message without a link stops all of them). A customer message sent during a wait the agent announced with a concrete time (found by an active wait-notice rule: from the notice to the next agent message) starts no clock: wait-notice judges that return, once, in time or late (honourWaitNotices: false measures it anyway).',
  placeholders: ['maxSeconds'],
  defaultMessage: 'Reply after {seconds} s (limit {maxSeconds} s)',
  schema,
  compile(rule) {
    const limitMs = rule.maxSeconds * 1000;
    // The same for every finding, and only read.
    const data = { maxSeconds: rule.maxSeconds };
    return (conversation: Conversation, context: CheckContext): RawFinding[] => {
      const findings: RawFinding[] = [];
      const waits = rule.honourWaitNotices ? context.announcedWaits : NO_WAITS;
      const duringAnnouncedWait =
        waits.length === 0 ? noWait : (index: number) => waits.some((w) => w.noticeIndex < index && (w.returnIndex === null || index < w.returnIndex));
      const { messages } = conversation;
      // Most exports link no replies: the waits in time order, without an array of them.
      if (!linksReplies(messages)) {
        timeOrderWaits(messages, rule.role, duringAnnouncedWait, (index, wait) => {
          if (wait > limitMs) findings.push({ messageIndex: index, seconds: toSeconds(wait), data });
        });
        return findings;
      }
      const late = replyWaits(messages, rule.role, duringAnnouncedWait);
      for (let index = 0; index < late.length; index++) {
        const wait = late[index] as number | null;
        if (wait !== null && wait > limitMs) findings.push({ messageIndex: index, seconds: toSeconds(wait), data });
      }
      return findings;
    };
  },
});
