import { z } from 'zod';
import { once } from '../../model/once.js';
import type { Conversation, Message } from '../../model/message.js';
import { defineKind, type RawFinding } from '../kind.js';
import { commonRuleFields } from '../schema.js';
import { foldedTexts, PhraseMatcher, phraseSetSchema } from '../matcher.js';

const schema = once(() =>
  z.strictObject({
    ...commonRuleFields(),
    kind: z.literal('silence-handling'),
    afterSeconds: z
      .number()
      .positive()
      .describe('A customer silence longer than this (seconds) before the agent closes calls for prompts first.'),
    prompt: phraseSetSchema().describe('What a prompt looks like: { phrases: [请问您还在线吗, 请问还有什么可以帮您] }.'),
    prompts: z.number().int().min(1).default(1).describe('How many prompts the agent must send in the silence before closing.'),
    promptGapSeconds: z
      .number()
      .min(0)
      .default(0)
      .describe(
        'The wait the customer gets after each prompt: a prompt counts only if sent at least this long after the previous prompt (ask, wait, ask again), and only if the close comes at least this long after it. 0: no spacing.',
      ),
    closing: phraseSetSchema()
      .optional()
      .describe('What a closing line looks like ("感谢您的咨询，再见"); without it, only the last message can be a close.'),
    ignoreCase: z.boolean().default(true).describe('Match letters regardless of case.'),
  }),
);
export type SilenceHandlingRule = z.infer<ReturnType<typeof schema>>;

export const silenceHandling = defineKind<SilenceHandlingRule>({
  kind: 'silence-handling',
  summary:
    "An agent who closes a conversation after the customer has been silent for more than afterSeconds must first send `prompts` prompts (\"请问您还在线吗\"). The silence runs from the agent's first message after the customer's last one (or the agent's first message if the customer never spoke) to the close; a close is an agent message matching `closing`, or the conversation's last customer/agent message when it is the agent's and not a prompt; only the first close of each silent stretch is judged. Every prompt in the stretch counts, its first message included, but with promptGapSeconds each counted prompt must come that long after the previous one and before the close. One finding on the close, with the silence as {seconds}. The seed's silent-caller script (ask, wait 5 s, ask again, wait 5 s, close) is prompts: 2, promptGapSeconds: 5. A chat log has no \"line is silent\" signal: the rule sees only the gaps between messages, not whether the customer left, was typing, or when the window closed.",
  placeholders: ['afterSeconds', 'prompts', 'requiredPrompts'],
  defaultMessage: 'Closed after {seconds} s of customer silence with {prompts} of {requiredPrompts} prompt(s)',
  schema,
  compile(rule) {
    const prompt = PhraseMatcher.of(rule.prompt, rule.ignoreCase);
    const closing = rule.closing ? PhraseMatcher.of(rule.closing, rule.ignoreCase) : null;
    const gapMs = rule.promptGapSeconds * 1000;
    const afterMs = rule.afterSeconds * 1000;
    // The times of the prompts counted in the current silent stretch (the first `picked`), for the
    // conversation being checked: one array for all of them.
    const picks: number[] = [];
    return (conversation: Conversation): RawFinding[] => {
      const { messages } = conversation;
      const folded = foldedTexts(conversation);
      let lastTalk = messages.length - 1;
      while (lastTalk >= 0 && messages[lastTalk]?.role !== 'customer' && messages[lastTalk]?.role !== rule.role) lastTalk--;
      const findings: RawFinding[] = [];
      // The current silent stretch: its first agent message, the prompts counted so far, whether it was closed.
      let anchor: number | null = null;
      let picked = 0;
      let closed = false;
      for (let index = 0; index < messages.length; index++) {
        const message = messages[index] as Message;
        if (message.role === 'customer') {
          anchor = null;
          closed = false;
          continue;
        }
        if (message.role !== rule.role || closed) continue;
        const isPrompt = prompt.testIn(folded, index);
        const isClose = closing?.testIn(folded, index) === true || (index === lastTalk && !isPrompt);
        if (anchor === null) {
          anchor = index;
          picked = 0;
        }
        const start = (messages[anchor] as Message).timestamp;
        if (!isClose) {
          if (isPrompt && (picked === 0 || message.timestamp - (picks[picked - 1] as number) >= gapMs)) picks[picked++] = message.timestamp;
          continue;
        }
        closed = true;
        const silence = message.timestamp - start;
        if (silence <= afterMs) continue;
        let counted = 0;
        for (let k = 0; k < picked; k++) if (message.timestamp - (picks[k] as number) >= gapMs) counted++;
        if (counted >= rule.prompts) continue;
        findings.push({
          messageIndex: index,
          seconds: Math.round(silence) / 1000,
          data: { prompts: counted, requiredPrompts: rule.prompts, afterSeconds: rule.afterSeconds },
        });
      }
      return findings;
    };
  },
});
