import { z } from 'zod';
import type { Conversation } from '../../model/message.js';
import { commonRuleFields, defineKind, type RawFinding } from '../common.js';

const schema = z.strictObject({
  ...commonRuleFields,
  kind: z.literal('response-time'),
  /** Longest allowed wait in seconds; a reply exactly this late is still in time. */
  maxSeconds: z.number().positive(),
});
export type ResponseTimeRule = z.infer<typeof schema>;

/** Rounds to milliseconds so 61.0004 s prints as 61 and binary noise never shows. */
const toSeconds = (ms: number) => Math.round(ms) / 1000;

export const responseTime = defineKind<ResponseTimeRule>({
  kind: 'response-time',
  summary:
    'The clock starts at the oldest customer message not yet answered and stops at the next message of the checked role (agent); bot and system messages do not stop it. A wait above maxSeconds is one finding on the late reply. A customer message never answered is not counted.',
  placeholders: ['maxSeconds'],
  defaultMessage: 'Reply after {seconds} s (limit {maxSeconds} s)',
  schema,
  compile(rule) {
    const limitMs = rule.maxSeconds * 1000;
    return (conversation: Conversation): RawFinding[] => {
      const findings: RawFinding[] = [];
      let waitingSince: number | null = null;
      conversation.messages.forEach((message, index) => {
        if (message.role === 'customer') {
          waitingSince ??= message.timestamp;
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
