import { z } from 'zod';
import type { Conversation } from '../../model/message.js';
import { defineKind, type CheckContext, type RawFinding } from '../kind.js';
import { commonRuleFields } from '../schema.js';

const schema = z.strictObject({
  ...commonRuleFields,
  kind: z.literal('response-time'),
  maxSeconds: z.number().positive().describe('Longest allowed wait in seconds; a reply exactly this late is still in time.'),
  honourWaitNotices: z
    .boolean()
    .default(true)
    .describe(
      "Leave announced waits to wait-notice rules: a customer message sent after an agent's \"请稍等2分钟\" and before the agent's next message starts no clock here (wait-notice judges that return, in time or late). Set false to measure every customer message regardless.",
    ),
});
export type ResponseTimeRule = z.infer<typeof schema>;

/** Rounds to milliseconds so 61.0004 s prints as 61 and binary noise never shows. */
const toSeconds = (ms: number) => Math.round(ms) / 1000;

export const responseTime = defineKind<ResponseTimeRule>({
  kind: 'response-time',
  summary:
    'The clock starts at the oldest customer message not yet answered and stops at the next message of the checked role (agent); bot and system messages do not stop it. A wait above maxSeconds is one finding on the late reply. A customer message never answered is not counted. A customer message sent during a wait the agent announced with a concrete time (found by an active wait-notice rule: from the notice to the next agent message) starts no clock: wait-notice judges that return, once, in time or late (honourWaitNotices: false measures it anyway).',
  placeholders: ['maxSeconds'],
  defaultMessage: 'Reply after {seconds} s (limit {maxSeconds} s)',
  schema,
  compile(rule) {
    const limitMs = rule.maxSeconds * 1000;
    return (conversation: Conversation, context: CheckContext): RawFinding[] => {
      const findings: RawFinding[] = [];
      const waits = rule.honourWaitNotices ? context.announcedWaits : [];
      const duringAnnouncedWait = (index: number) =>
        waits.some((w) => w.noticeIndex < index && (w.returnIndex === null || index < w.returnIndex));
      let waitingSince: number | null = null;
      conversation.messages.forEach((message, index) => {
        if (message.role === 'customer') {
          if (waitingSince === null && !duringAnnouncedWait(index)) waitingSince = message.timestamp;
        } else if (message.role === rule.role && waitingSince !== null) {
          const delay = message.timestamp - waitingSince;
          if (delay > limitMs) {
            findings.push({ messageIndex: index, seconds: toSeconds(delay), data: { maxSeconds: rule.maxSeconds } });
          }
          waitingSince = null;
        }
      });
      return findings;
    };
  },
});
