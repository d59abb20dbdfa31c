import type { Transcript } from '../model/transcript.js';
import type { TranscriptSet } from './formatter.js';
import { worstFirst } from './ranking.js';

/** Characters of message text kept as whole timelines: about 10 MB of HTML for Chinese text (measured). */
export const DEFAULT_TIMELINE_BUDGET_CHARS = 2_000_000;

/** Only the messages that have findings, for a conversation whose whole timeline did not fit the budget. */
function partial(transcript: Transcript): Transcript {
  const flagged = new Set(transcript.findings.map((f) => f.messageIndex));
  return { ...transcript, complete: false, messages: transcript.messages.filter((m) => flagged.has(m.index)) };
}

const textChars = (t: Transcript) => t.messages.reduce((sum, m) => sum + m.text.length, 0);

/**
 * What the HTML report keeps of a run's conversations: every reply delay (for the histogram), and for each
 * conversation with findings its whole timeline while the budget lasts, worst conversations first; the
 * rest keep only the messages that have findings. So a night of a million messages makes a file that
 * still opens from a mail attachment, and memory stays bounded by the budget plus the findings.
 */
export class TranscriptKeeper implements TranscriptSet {
  readonly byConversation = new Map<string, Transcript>();
  readonly replyDelays: number[] = [];
  private whole: Transcript[] = [];
  private wholeChars = 0;
  private readonly order: (a: Transcript, b: Transcript) => number;

  constructor(scored: boolean, private readonly budgetChars = DEFAULT_TIMELINE_BUDGET_CHARS) {
    const byScore = worstFirst(scored);
    // Worst first; equal ones by id, so which timelines are kept does not depend on the order of checking.
    this.order = (a, b) => byScore(a.summary, b.summary) || (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0);
  }

  add(transcript: Transcript): void {
    for (const m of transcript.messages) if (m.replySeconds !== null) this.replyDelays.push(m.replySeconds);
    if (transcript.findings.length === 0) return;
    this.byConversation.set(transcript.conversationId, transcript);
    this.whole.push(transcript);
    this.wholeChars += textChars(transcript);
    if (this.wholeChars > this.budgetChars) this.trim();
  }

  /**
   * Cuts the least bad whole timelines down to their flagged messages until the rest fit in nine tenths of
   * the budget (the slack keeps trims, each a sort, rare).
   */
  private trim(): void {
    this.whole.sort(this.order);
    while (this.wholeChars > this.budgetChars * 0.9 && this.whole.length > 0) {
      const dropped = this.whole.pop() as Transcript;
      this.wholeChars -= textChars(dropped);
      this.byConversation.set(dropped.conversationId, partial(dropped));
    }
  }
}
