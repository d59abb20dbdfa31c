import type { ConversationSummary } from '../model/report.js';
import type { Transcript } from '../model/transcript.js';
import type { PageConversation, PageTimeline, TimelineFinding, TimelineStream, TimelineTotals, TranscriptSet } from './formatter.js';
import { worstFirst, type Ranked } from './ranking.js';
import { IdHashTable } from '../engine/id-table.js';
import { EntryStore } from '../engine/entry-store.js';
import { AppendFile, SortedRecords } from './transcript-runs.js';
import { join } from 'node:path';
import { messageRow, printedMessages } from './formatters/html-json.js';

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

/** A record's body: its findings (JSON), a tab, its flagged messages as the page prints them (kept as they are). */
function splitBody(body: string | Uint8Array): { findings: TimelineFinding[]; messages: string | Uint8Array } {
  if (typeof body === 'string') {
    const tab = body.indexOf('\t');
    return { findings: JSON.parse(body.slice(0, tab)) as TimelineFinding[], messages: body.slice(tab + 1) };
  }
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.length);
  const tab = bytes.indexOf(9);
  return { findings: JSON.parse(bytes.toString('utf8', 0, tab)) as TimelineFinding[], messages: bytes.subarray(tab + 1) };
}

/** Distinct scores and delays counted as the conversations come, at most (past it, the report counts them in a pass). */
const MAX_TOTALS = 100_000;

/** Bytes of records held in memory before they go to disk as a sorted run. */
export const DEFAULT_TIMELINE_SPILL_BYTES = 2 * 1024 * 1024;

/**
 * What the HTML report keeps of one checked conversation, printed where it was checked (a worker thread
 * prints it for the main thread, which only stores it): its summary and reply delays; with findings, its
 * findings and flagged messages as the page prints them (`body`), and its whole timeline, printed, with the
 * characters of text that count against the budget of whole timelines.
 */
export interface FormattedTimeline {
  conversationId: string;
  summary: ConversationSummary;
  delays: number[];
  body: string;
  whole: { printed: string; chars: number } | null;
}

export function formatTimeline(transcript: Transcript, timezone: string): FormattedTimeline {
  const { conversationId, summary, findings } = transcript;
  const delays: number[] = [];
  for (const m of transcript.messages) if (m.replySeconds !== null) delays.push(m.replySeconds);
  if (findings.length === 0) return { conversationId, summary, delays, body: '', whole: null };
  const flagged = new Set(findings.map((f) => f.messageIndex));
  const compact = findings.map((f): TimelineFinding => [f.messageIndex, f.ruleId, f.severity, f.offset, f.match, f.message]);
  const rows = transcript.messages.map((m) => messageRow(m, timezone));
  const body = `${JSON.stringify(compact)}\t${printedMessages(rows.filter((row) => flagged.has(row[0])))}`;
  return { conversationId, summary, delays, body, whole: { printed: printedMessages(rows), chars: textChars(transcript) } };
}

/** A record's head: its key, what the conversations table shows, and its reply delays (see TranscriptSpill). */
type RecordHead = [
  startedAt: string, conversationId: string, seq: number, agents: string[], messages: number, findings: number, score: number,
  passed: boolean, critical: boolean, deductions: Record<string, number>, file: string, delays: number[],
];

/** A timeline that may be kept whole: what ranks it, its characters of text, where its messages are as the page prints them. */
interface WholeTimeline {
  conversationId: string;
  /** Only what ranks it: a summary holds on to more. */
  rank: Ranked;
  chars: number;
  /** Where in the file of whole timelines, and how many bytes. */
  at: number;
  bytes: number;
}

/**
 * What the HTML report keeps of a run's conversations, in bounded memory: for every conversation given, a
 * record on disk (see SortedRecords) with its table row, its reply delays and, when it has findings, its
 * findings and its flagged messages as the page prints them; read back in report order. The whole timeline
 * of each conversation with findings is printed to a file as it comes; which stay whole (the worst, within
 * the budget of characters) is chosen from what ranks them, held in memory, by the same steps in the same
 * order as TranscriptKeeper, so the same timelines stay whole.
 *
 * A conversation given again replaces what was kept of it. The engine gives one again only after, or just
 * before, its entry store supersedes it (see the EntryStore that storeFor() returns): a transcript is
 * held back until the next one comes, so a supersede that follows its own conversation's transcript
 * still drops the earlier one first, as TranscriptKeeper did at once with a table of every id. Of a
 * superseded conversation only the last record counts, as in the store.
 */
export class TranscriptSpill implements TimelineStream {
  private readonly records: SortedRecords;
  private readonly order: (a: WholeTimeline, b: WholeTimeline) => number;
  private pending: FormattedTimeline | undefined;
  private seq = 0;
  /** Superseded conversations: the sequence number of the record given last since (-1: none yet). */
  private readonly superseded = new Map<string, number>();
  // Printed on disk, not held: the messages of two million characters of text took ~80 MB more peak RSS as objects.
  private whole: WholeTimeline[] = [];
  private wholeFile: AppendFile | undefined;
  private wholeChars = 0;
  private wholeById: Map<string, WholeTimeline> | undefined;
  private counted: { scores: Map<number, number>; delays: Map<number, number>; deducted: Set<string> } | undefined = { scores: new Map(), delays: new Map(), deducted: new Set() };

  constructor(
    scored: boolean,
    private readonly timezone: string,
    private readonly budgetChars = DEFAULT_TIMELINE_BUDGET_CHARS,
    spillBytes = DEFAULT_TIMELINE_SPILL_BYTES,
  ) {
    const byScore = worstFirst(scored);
    // As TranscriptKeeper orders them.
    this.order = (a, b) => byScore(a.rank, b.rank) || (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0);
    this.records = new SortedRecords('chatlint-timelines-', spillBytes);
  }

  add(transcript: Transcript): void {
    this.addFormatted(formatTimeline(transcript, this.timezone));
  }

  /** A conversation as formatTimeline printed it (in a worker thread, or by add). */
  addFormatted(timeline: FormattedTimeline): void {
    if (this.pending) this.commit(this.pending);
    if (this.superseded.has(timeline.conversationId)) this.forget(timeline.conversationId);
    this.pending = timeline;
  }

  /** The run's entries stop counting for this conversation (see EntrySink.supersede). */
  supersede(conversationId: string): void {
    if (this.pending?.conversationId === conversationId) {
      this.forget(conversationId);
      this.commit(this.pending);
      this.pending = undefined;
    }
    if (!this.superseded.has(conversationId)) this.superseded.set(conversationId, -1);
  }

  /** An entry store for the run that tells this keeper what it supersedes. */
  storeFor(budgetBytes: number): EntryStore {
    const keeper = this;
    return new (class extends EntryStore {
      override supersede(conversationId: string): void {
        super.supersede(conversationId);
        keeper.supersede(conversationId);
      }
    })(budgetBytes);
  }

  private commit({ conversationId, summary, delays, body, whole }: FormattedTimeline): void {
    const seq = this.seq++;
    if (this.superseded.has(conversationId)) this.superseded.set(conversationId, seq);
    this.count(summary, delays);
    const head: RecordHead = [
      summary.startedAt, conversationId, seq, summary.agents, summary.messages, summary.findings, summary.score,
      summary.passed, summary.critical, summary.deductions, summary.source.file, delays,
    ];
    if (whole) {
      const file = (this.wholeFile ??= new AppendFile(join(this.records.folder(), 'whole'), 'utf16le'));
      const at = file.size;
      file.append(whole.printed);
      this.whole.push({ conversationId, rank: { score: summary.score, findings: summary.findings, startedAt: summary.startedAt }, chars: whole.chars, at, bytes: file.size - at });
      this.wholeChars += whole.chars;
      if (this.wholeChars > this.budgetChars * TRIM_SLACK) this.trim();
    }
    this.records.add([summary.startedAt, conversationId, seq], JSON.stringify(head), body);
  }

  /** Counts a conversation into the totals, while they stay small. */
  private count(summary: ConversationSummary, delays: readonly number[]): void {
    const totals = this.counted;
    if (!totals) return;
    totals.scores.set(summary.score, (totals.scores.get(summary.score) ?? 0) + 1);
    for (const d of delays) totals.delays.set(d, (totals.delays.get(d) ?? 0) + 1);
    for (const id in summary.deductions) totals.deducted.add(id);
    if (totals.delays.size + totals.scores.size > MAX_TOTALS) this.counted = undefined;
  }

  /** The totals of every conversation given, when each was given once (else a pass over the records leaves out the replaced ones). */
  totals(): TimelineTotals | undefined {
    this.finish();
    return this.superseded.size === 0 ? this.counted : undefined;
  }

  /** The end of the run: the last conversation given counts, and the whole timelines are chosen. */
  private finish(): Map<string, WholeTimeline> {
    if (!this.wholeById) {
      if (this.pending) this.commit(this.pending);
      this.pending = undefined;
      if (this.wholeChars > this.budgetChars) this.trim();
      this.wholeById = new Map(this.whole.map((t) => [t.conversationId, t]));
    }
    return this.wholeById;
  }

  /** Drops the whole timeline held for a conversation given before. */
  private forget(conversationId: string): void {
    const at = this.whole.findIndex((t) => t.conversationId === conversationId);
    if (at < 0) return;
    this.wholeChars -= (this.whole[at] as WholeTimeline).chars;
    this.whole.splice(at, 1);
  }

  /** Keeps whole the worst timelines that fit the budget, up to the first that does not. */
  private trim(): void {
    this.whole.sort(this.order);
    let chars = 0;
    let fit = 0;
    while (fit < this.whole.length && chars + (this.whole[fit] as WholeTimeline).chars <= this.budgetChars) chars += (this.whole[fit++] as WholeTimeline).chars;
    this.whole.splice(fit);
    this.wholeChars = chars;
  }

  *conversations(): Generator<PageConversation> {
    const wholeById = this.finish();
    const readWhole = (whole: WholeTimeline) => (this.wholeFile as AppendFile).read(whole.at, whole.bytes).toString('utf16le');
    for (const { fields, body } of this.records.records()) {
      const [startedAt, conversationId, seq, agents, messages, findings, score, passed, critical, deductions, file, delays] = fields as RecordHead;
      const last = this.superseded.get(conversationId);
      if (last !== undefined && last !== seq) continue;
      const summary: PageConversation['summary'] = { conversationId, startedAt, agents, messages, findings, score, passed, critical, deductions, source: { file } };
      yield {
        summary,
        delays,
        timeline(): PageTimeline | null {
          if (findings === 0) return null;
          const { findings: found, messages: flagged } = splitBody(body());
          const whole = wholeById.get(conversationId);
          return { complete: whole !== undefined, messages: whole ? readWhole(whole) : flagged, findings: found };
        },
      };
    }
  }

  /** Removes what went to disk. */
  close(): void {
    this.wholeFile?.close();
    this.wholeFile = undefined;
    this.records.close();
  }
}
