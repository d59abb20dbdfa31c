import { z } from 'zod';
import { once } from '../../model/once.js';
import type { Conversation, Message } from '../../model/message.js';
import { findDurations, type Duration } from '../../text/duration.js';
import { placeholderProblems } from '../../text/template.js';
import { COMMON_PLACEHOLDERS, defineKind, type AnnouncedWait, type Checker, type RawFinding } from '../kind.js';
import { commonRuleFields, regexSource } from '../schema.js';
import { foldedTexts, PhraseMatcher, type TextMatch } from '../matcher.js';

const PLACEHOLDERS = ['promisedSeconds', 'graceSeconds'] as const;
const DEFAULT_LATE_MESSAGE = 'Promised a wait of {promisedSeconds} s but came back after {seconds} s';

const schema = once(() =>
  z
    .strictObject({
      ...commonRuleFields(),
      kind: z.literal('wait-notice'),
      phrases: z
        .array(z.string().min(1))
        .default([])
        .describe('Literal phrases that ask the customer to wait ("请稍等", "please hold"); matched like forbidden-phrase.'),
      patterns: z
        .array(regexSource())
        .default([])
        .describe('Regular expressions that ask the customer to wait, run on the width-folded text.'),
      ignoreCase: z.boolean().default(true).describe('Match letters regardless of case.'),
      graceSeconds: z.number().min(0).default(0).describe('Seconds allowed beyond the promised time before a return counts as late.'),
      requireTime: z
        .boolean()
        .default(true)
        .describe('Report a wait notice that states no concrete time (with `message`). False: judge only promises kept.'),
      lateMessage: z
        .string()
        .optional()
        .describe('Message template for a late return; placeholders {promisedSeconds} {seconds} {graceSeconds} and the common ones.'),
    })
    .refine((r) => r.phrases.length + r.patterns.length > 0, { message: 'needs at least one phrase or pattern', path: ['phrases'] })
    .superRefine((r, ctx) => {
      for (const message of placeholderProblems(r.lateMessage, [...COMMON_PLACEHOLDERS, ...PLACEHOLDERS])) {
        ctx.addIssue({ code: 'custom', path: ['lateMessage'], message });
      }
    }),
);
export type WaitNoticeRule = z.infer<ReturnType<typeof schema>>;

const toSeconds = (ms: number) => Math.round(ms) / 1000;

/** The longest time a notice promises (a past time is no promise), or null when it states none. */
export function longestPromise(text: string): Duration | null {
  let best: Duration | null = null;
  for (const d of findDurations(text)) if (!d.past && (best === null || d.seconds > best.seconds)) best = d;
  return best;
}

/**
 * longestPromise of the notices seen lately, by text: agents send the same notice again and again (a
 * team's scripted lines), and finding its times costs microseconds. Cleared when full.
 */
const promises = new Map<string, Duration | null>();
const MAX_PROMISES = 2_000;

export function promiseIn(text: string): Duration | null {
  let promise = promises.get(text);
  if (promise === undefined) {
    promise = longestPromise(text);
    if (promises.size >= MAX_PROMISES) promises.clear();
    promises.set(text, promise);
  }
  return promise;
}

interface Analysis {
  waits: AnnouncedWait[];
  findings: RawFinding[];
}

/** The analysis of a conversation without wait notices, shared (callers only read it). */
const NOTHING_FOUND: Analysis = Object.freeze({ waits: Object.freeze([]) as unknown as AnnouncedWait[], findings: Object.freeze([]) as unknown as RawFinding[] });

export const waitNotice = defineKind<WaitNoticeRule>({
  kind: 'wait-notice',
  summary:
    'When a checked message asks the customer to wait (a phrase or pattern), the same message must state a concrete time ("2分钟", "两分钟", "三十秒", "半分钟", "一分半", "1分30秒", "2-3分钟" = its upper bound, "2 minutes", "half a minute"); a notice without one is a finding (requireTime). When a time is stated (the longest one; "5分钟前" / "ago" is a past time, not a promise), the next agent message, from any agent, must come within it plus graceSeconds; a late return is one finding on the notice, with the actual wait as {seconds} and {promisedSeconds}, under lateMessage. Customer messages in between do not end the wait, and response-time does not also measure them. A wait the log ends without an agent return is not judged.',
  placeholders: PLACEHOLDERS,
  defaultMessage: 'Asked the customer to wait without saying for how long',
  schema,
  compile(rule) {
    const matcher = new PhraseMatcher(rule.phrases, rule.patterns, rule.ignoreCase);
    const graceMs = rule.graceSeconds * 1000;
    const lateTemplate = rule.lateMessage ?? DEFAULT_LATE_MESSAGE;
    // The conversation analysed last and what was found (checked once for its waits, once for its findings).
    let lastConversation: Conversation | undefined;
    let last: Analysis = NOTHING_FOUND;

    const analyse = (conversation: Conversation): Analysis => {
      if (lastConversation === conversation) return last;
      // Made only when something is found: most conversations announce no wait.
      let analysis: Analysis = NOTHING_FOUND;
      const { messages } = conversation;
      const folded = foldedTexts(conversation);
      for (let index = 0; index < messages.length; index++) {
        const message = messages[index] as Message;
        if (message.role !== rule.role) continue;
        const notices = matcher.findAllIn(folded, index);
        if (notices.length === 0) continue;
        const notice = notices[0] as TextMatch;
        if (analysis === NOTHING_FOUND) analysis = { waits: [], findings: [] };
        const promise = promiseIn(message.text);
        if (!promise) {
          if (rule.requireTime) {
            analysis.findings.push({ messageIndex: index, match: notice.text, offset: notice.offset, data: { graceSeconds: rule.graceSeconds } });
          }
          continue;
        }
        let returnIndex: number | null = null;
        for (let j = index + 1; j < messages.length; j++) {
          if (messages[j]?.role === rule.role) {
            returnIndex = j;
            break;
          }
        }
        analysis.waits.push({ ruleId: rule.id, noticeIndex: index, returnIndex, promisedSeconds: promise.seconds });
        if (returnIndex === null) continue;
        const waitedMs = (messages[returnIndex] as Message).timestamp - message.timestamp;
        if (waitedMs > promise.seconds * 1000 + graceMs) {
          analysis.findings.push({
            messageIndex: index,
            match: promise.text,
            offset: promise.offset,
            seconds: toSeconds(waitedMs),
            data: { promisedSeconds: promise.seconds, graceSeconds: rule.graceSeconds },
            template: lateTemplate,
          });
        }
      }
      lastConversation = conversation;
      last = analysis;
      return analysis;
    };

    const check: Checker = Object.assign((conversation: Conversation) => analyse(conversation).findings, {
      announcedWaits: (conversation: Conversation) => analyse(conversation).waits,
    });
    return check;
  },
});
