import type { Transcript } from '../model/transcript.js';
import type { TranscriptSet } from './formatter.js';
import { worstFirst } from './ranking.js';
import { IdHashTable } from '../engine/id-table.js';

/** Characters of message text kept as whole timelines: about 10 MB of HTML for Chinese text (measured). */
export const DEFAULT_TIMELINE_BUDGET_CHARS = 2_000_000;

/** Only the messages that have findings, for a conversation whose whole timeline did not fit the budget. */
function partial(transcript: Transcript): Transcript {
  const flagged = new Set(transcript.findings.map((f) => f.messageIndex));
  return { ...transcript, complete: false, messages: transcript.messages.filter((m) => flagged.has(m.index)) };
}

const textChars = (t: Transcript) => t.messages.reduce((sum, m) => sum + m.text.length, 0);

/** Whole timelines may pass the budget by this share before they are cut back (each cut is a sort). */
const TRIM_SLACK = 1.25;

/**
 * What the HTML report keeps of a run's conversations: every reply delay (for the histogram), and for each
 * conversation with findings its whole timeline while the budget lasts, worst conversations first; the
 * rest keep only the messages that have findings. So a night of a million messages makes a file that
 * still opens from a mail attachment, and memory stays bounded by the budget plus the findings.
 *
 * Which timelines stay whole does not depend on the order conversations come in: the worst first, as many
 * as fit the budget, stopping at the first that does not (one cut off then never fits again, as conversations
 * only add to those worse than it). A conversation given again (checked early, then whole after its later
 * messages were read) replaces what was kept of it, its reply delays included.
 */
export class TranscriptKeeper implements TranscriptSet {
  private readonly kept = new Map<string, Transcript>();
  // Every delay in the order given; a replaced conversation's delays become NaN (left out when read).
  private delays = new Float64Array(4096);
  private delayCount = 0;
  private replaced = 0;
  // Per conversation id: where its delays start, and how many.
  private readonly delaysOf = new IdHashTable(2);
  private whole: Transcript[] = [];
  private wholeChars = 0;
  private readonly order: (a: Transcript, b: Transcript) => number;

  constructor(scored: boolean, private readonly budgetChars = DEFAULT_TIMELINE_BUDGET_CHARS) {
    const byScore = worstFirst(scored);
    // Worst first; equal ones by id, so which timelines are kept does not depend on the order of checking.
    this.order = (a, b) => byScore(a.summary, b.summary) || (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0);
  }

  add(transcript: Transcript): void {
    const id = transcript.conversationId;
    const slot = this.delaysOf.find(id);
    if (slot >= 0) this.forget(id, this.delaysOf.value(slot, 0), this.delaysOf.value(slot, 1));
    const start = this.delayCount;
    for (const m of transcript.messages) if (m.replySeconds !== null) this.pushDelay(m.replySeconds);
    this.delaysOf.set(id, start, this.delayCount - start);
    if (transcript.findings.length === 0) return;
    this.kept.set(id, transcript);
    this.whole.push(transcript);
    this.wholeChars += textChars(transcript);
    if (this.wholeChars > this.budgetChars * TRIM_SLACK) this.trim();
  }

  /** What was kept for each conversation with findings: its whole timeline, or its flagged messages. */
  get byConversation(): ReadonlyMap<string, Transcript> {
    if (this.wholeChars > this.budgetChars) this.trim();
    return this.kept;
  }

  /** Every agent reply's delay in seconds, in the order given (a replaced conversation's left out). */
  get replyDelays(): readonly number[] {
    const delays = Array.from(this.delays.subarray(0, this.delayCount));
    return this.replaced === 0 ? delays : delays.filter((d) => !Number.isNaN(d));
  }

  private pushDelay(seconds: number): void {
    if (this.delayCount === this.delays.length) {
      const grown = new Float64Array(this.delays.length * 2);
      grown.set(this.delays);
      this.delays = grown;
    }
    this.delays[this.delayCount++] = seconds;
  }

  /** Drops what was kept of a conversation given before. */
  private forget(id: string, start: number, count: number): void {
    this.delays.fill(Number.NaN, start, start + count);
    this.replaced += count;
    const before = this.kept.get(id);
    if (!before) return;
    this.kept.delete(id);
    const at = this.whole.indexOf(before);
    if (at >= 0) {
      this.whole.splice(at, 1);
      this.wholeChars -= textChars(before);
    }
  }

  /** Keeps whole the worst timelines that fit the budget, up to the first that does not; the rest keep their flagged messages. */
  private trim(): void {
    this.whole.sort(this.order);
    let chars = 0;
    let fit = 0;
    while (fit < this.whole.length && chars + textChars(this.whole[fit] as Transcript) <= this.budgetChars) chars += textChars(this.whole[fit++] as Transcript);
    for (const dropped of this.whole.splice(fit)) this.kept.set(dropped.conversationId, partial(dropped));
    this.wholeChars = chars;
  }
}
