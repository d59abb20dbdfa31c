import { z } from 'zod';
import type { Conversation } from '../../model/message.js';
import { foldWidth } from '../../text/fold.js';
import { foldedTexts } from '../matcher.js';
import { defineKind, type RawFinding } from '../kind.js';
import { commonRuleFields } from '../schema.js';

const schema = z.strictObject({
  ...commonRuleFields,
  kind: z.literal('repeated-message'),
  minLength: z
    .number()
    .int()
    .min(1)
    .default(4)
    .describe('Messages shorter than this many characters after normalising ("好的", "嗯嗯") are ignored entirely.'),
  max: z
    .number()
    .int()
    .min(1)
    .default(2)
    .describe(
      'How many times one agent may send the same text in a conversation (not counting a repeat in a row, which is always a finding).',
    ),
});
export type RepeatedMessageRule = z.infer<typeof schema>;

/** Trimmed, whitespace collapsed, width-folded and case-folded: the text an agent copy-pasted. */
export function normaliseMessage(text: string, folded = foldWidth(text)): string {
  return folded.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Whether `text` has fewer than `count` characters (code points), without spreading it into an array. */
function shorterThan(text: string, count: number): boolean {
  if (text.length < count) return true;
  let characters = 0;
  for (let i = 0; i < text.length && characters < count; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    characters++;
  }
  return characters < count;
}

export const repeatedMessage = defineKind<RepeatedMessageRule>({
  kind: 'repeated-message',
  summary:
    'The same agent sends the same text (trimmed, whitespace collapsed, width- and case-folded) twice in a row among their own messages, or more than `max` times in a conversation: each repeat beyond that allowance is one finding, with the text as {match} and its occurrence as {count}. Messages shorter than minLength characters are ignored (also for "in a row"); different agents never repeat each other.',
  placeholders: ['count', 'max'],
  defaultMessage: 'Same message sent again ({count}×): "{match}"',
  schema,
  compile(rule) {
    return (conversation: Conversation): RawFinding[] => {
      const findings: RawFinding[] = [];
      const perAgent = new Map<string, { previous: string | null; counts: Map<string, number> }>();
      const folded = foldedTexts(conversation);
      conversation.messages.forEach((message, index) => {
        if (message.role !== rule.role) return;
        const text = normaliseMessage(message.text, folded.at(index));
        if (shorterThan(text, rule.minLength)) return;
        const agent = message.agentId ?? '';
        let state = perAgent.get(agent);
        if (!state) perAgent.set(agent, (state = { previous: null, counts: new Map() }));
        const count = (state.counts.get(text) ?? 0) + 1;
        state.counts.set(text, count);
        if (state.previous === text || count > rule.max) {
          const trimmed = message.text.trim();
          findings.push({ messageIndex: index, match: trimmed, offset: message.text.indexOf(trimmed), data: { count, max: rule.max } });
        }
        state.previous = text;
      });
      return findings;
    };
  },
});
