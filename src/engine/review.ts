import type { Finding } from '../model/report.js';
import type { Transcript, TranscriptMessage } from '../model/transcript.js';

/**
 * A 53-bit string hash (cyrb53). Sampling ranks findings by hash(seed, finding identity), so the sample
 * depends only on the seed and the findings — not on read order, batch sizes or the machine.
 */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** One sampled finding with the conversation around it, as example lines (`12s agent 1024: …`). */
export interface ReviewRow {
  ruleId: string;
  kind: string;
  severity: string;
  conversationId: string;
  messageIndex: number;
  agentId: string | null;
  agentName: string | null;
  match: string | null;
  message: string;
  before: string[];
  text: string;
  after: string[];
  file: string;
  line: number | null;
  /** Rank within the rule's findings for this seed; the sample keeps the smallest. */
  rank: number;
}

/** Text safe for one example line: no line breaks (they would split it) and no ":" in the speaker part. */
const oneLine = (text: string) => text.replace(/\r\n|\r|\n/g, ' ');
const speakerToken = (text: string) => text.replace(/[\s:：]+/g, '_');

/**
 * A message as a `rules test` example line, timed from the first message shown, so an example built from
 * the reviewed lines behaves like the real conversation: `65s agent 1024 安琪: 您好`.
 */
export function exampleLine(message: TranscriptMessage, startMs: number): string {
  const seconds = Math.max(0, Math.round((Date.parse(message.timestamp) - startMs) / 1000));
  let who: string = message.role;
  if (message.role === 'agent' && message.agentId) {
    who += ` ${speakerToken(message.agentId)}`;
    if (message.agentName) who += ` ${speakerToken(message.agentName)}`;
  }
  return `${seconds}s ${who}: ${oneLine(message.text)}`;
}

export interface SampleOptions {
  perRule: number;
  seed: number;
  /** Messages shown before and after the flagged one. */
  before: number;
  after: number;
}

/**
 * Keeps, per rule, the `perRule` findings with the smallest seeded hash (a bottom-k sample: uniform
 * without replacement, reproducible per seed). Context is cut out when a finding is kept, so memory is
 * bounded by the sample, not by the night's findings.
 */
export class FindingSampler {
  private readonly kept = new Map<string, ReviewRow[]>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly options: SampleOptions) {}

  add(transcript: Transcript): void {
    for (const finding of transcript.findings) {
      this.counts.set(finding.ruleId, (this.counts.get(finding.ruleId) ?? 0) + 1);
      const identity = [finding.conversationId, finding.ruleId, finding.messageIndex, finding.offset ?? '', finding.agentId ?? ''].join('\u0000');
      const rank = hash53(identity, this.options.seed);
      let rows = this.kept.get(finding.ruleId);
      if (!rows) this.kept.set(finding.ruleId, (rows = []));
      if (rows.length >= this.options.perRule && rank >= (rows[rows.length - 1] as ReviewRow).rank) continue;
      const row = this.rowFor(transcript, finding, rank);
      const at = rows.findIndex((r) => r.rank > rank);
      rows.splice(at === -1 ? rows.length : at, 0, row);
      if (rows.length > this.options.perRule) rows.pop();
    }
  }

  private rowFor(transcript: Transcript, finding: Finding, rank: number): ReviewRow {
    const { messages } = transcript;
    const from = Math.max(0, finding.messageIndex - this.options.before);
    const to = Math.min(messages.length, finding.messageIndex + 1 + this.options.after);
    const start = Date.parse((messages[from] as TranscriptMessage).timestamp);
    const line = (m: TranscriptMessage) => exampleLine(m, start);
    return {
      ruleId: finding.ruleId,
      kind: finding.kind,
      severity: finding.severity,
      conversationId: finding.conversationId,
      messageIndex: finding.messageIndex,
      agentId: finding.agentId,
      agentName: finding.agentName,
      match: finding.match,
      message: finding.message,
      before: messages.slice(from, finding.messageIndex).map(line),
      text: line(messages[finding.messageIndex] as TranscriptMessage),
      after: messages.slice(finding.messageIndex + 1, to).map(line),
      file: finding.source.file,
      line: finding.source.line,
      rank,
    };
  }

  /** Findings seen per rule (the population each sample was drawn from). */
  totals(): Map<string, number> {
    return new Map(this.counts);
  }

  /** The sample: rules in the given order (then any others by id), each rule's rows in rank order. */
  rows(ruleOrder: readonly string[] = []): ReviewRow[] {
    const ids = [...ruleOrder.filter((id) => this.kept.has(id)), ...[...this.kept.keys()].filter((id) => !ruleOrder.includes(id)).sort()];
    return ids.flatMap((id) => this.kept.get(id) ?? []);
  }
}

const TRUE_VERDICTS = new Set(['y', 'yes', 'tp', 'true', 't', '1', '✓', '✔', '☑', '对', '是', '正确', 'correct', 'right', 'ok']);
const FALSE_VERDICTS = new Set(['n', 'no', 'fp', 'false', 'f', '0', '✗', '✘', 'x', '×', '错', '否', '误报', 'wrong']);

/** A reviewer's verdict read leniently: true (a real violation), false (a false positive), null (not reviewed), undefined (unknown). */
export function parseVerdict(raw: string | undefined): boolean | null | undefined {
  const value = (raw ?? '').trim().toLowerCase().replace(/[.!。！]+$/, '');
  if (value === '') return null;
  if (TRUE_VERDICTS.has(value)) return true;
  if (FALSE_VERDICTS.has(value)) return false;
  return undefined;
}

/** Wilson score interval for a proportion (z = 1.96 for 95 %); [0, 1] when nothing was reviewed. */
export function wilsonInterval(successes: number, total: number, z = 1.96): [number, number] {
  if (total === 0) return [0, 1];
  const p = successes / total;
  const z2 = z * z;
  const denominator = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface RulePrecision {
  ruleId: string;
  truePositives: number;
  falsePositives: number;
  unreviewed: number;
  /** truePositives / reviewed, null when nothing was reviewed. */
  precision: number | null;
  interval: [number, number];
}

/** Per-rule precision, worst first (unreviewed rules last), ties by fewer reviews then id. */
export function precisionByRule(verdicts: ReadonlyArray<{ ruleId: string; verdict: boolean | null }>): RulePrecision[] {
  const byRule = new Map<string, { tp: number; fp: number; open: number }>();
  for (const { ruleId, verdict } of verdicts) {
    let c = byRule.get(ruleId);
    if (!c) byRule.set(ruleId, (c = { tp: 0, fp: 0, open: 0 }));
    if (verdict === true) c.tp++;
    else if (verdict === false) c.fp++;
    else c.open++;
  }
  const results = [...byRule].map(([ruleId, c]): RulePrecision => {
    const reviewed = c.tp + c.fp;
    return {
      ruleId,
      truePositives: c.tp,
      falsePositives: c.fp,
      unreviewed: c.open,
      precision: reviewed === 0 ? null : c.tp / reviewed,
      interval: wilsonInterval(c.tp, reviewed),
    };
  });
  return results.sort(
    (a, b) =>
      (a.precision ?? 2) - (b.precision ?? 2) ||
      a.truePositives + a.falsePositives - (b.truePositives + b.falsePositives) ||
      a.ruleId.localeCompare(b.ruleId),
  );
}
