import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { DIFF_FIRST_KEPT, DIFF_SCHEMA_VERSION, type DiffCounts, type DiffFindings, type ListedDiff, type ReportDiff } from '../model/diff.js';
import { jsonElements, replayable, type Finding, type Report } from '../model/report.js';
import { chunkFor, RangeReader, writeAll } from './file-ranges.js';
import { merged } from './sorted-merge.js';
import { makeTempFolder, removeTempFolder } from './temp-folder.js';

/**
 * What makes two findings on different nights the same finding: conversation, rule, agent and the text
 * it is about (the match, else the message excerpt). The message index is left out on purpose: a message
 * inserted earlier in a re-exported conversation moves every later index without changing the finding.
 */
export function findingIdentity(f: Finding): string {
  return JSON.stringify([f.conversationId, f.ruleId, f.agentId, f.match ?? f.excerpt]);
}

const zero = (): DiffCounts => ({ new: 0, resolved: 0, unchanged: 0 });
/** One decimal, and never -0 (which JSON prints as 0 but tests and people read as a drop). */
const round1 = (n: number) => Math.round(n * 10) / 10 || 0;

function scoreChange(before: number | null | undefined, after: number | null | undefined) {
  const scoreBefore = before ?? null;
  const scoreAfter = after ?? null;
  return { scoreBefore, scoreAfter, scoreChange: scoreBefore === null || scoreAfter === null ? null : round1(scoreAfter - scoreBefore) };
}

/** One side of a comparison: a report's head, and its findings in report order, read again on each pass. */
export interface DiffSide {
  ruleset: Report['ruleset'];
  summary: Pick<Report['summary'], 'findings' | 'averageScore'>;
  agents: ReadonlyArray<Pick<Report['agents'][number], 'agentId' | 'agentName' | 'averageScore'>>;
  findings: AsyncIterable<Finding> | Iterable<Finding>;
}

/** Conversation ids and rule ids as the diff's lists and tables order them (what localeCompare did). */
// Made on first use: a collator costs ~6 ms of start-up (ICU's collation data), and most runs never compare.
let collators: { conversations: Intl.Collator; rules: Intl.Collator } | undefined;
const ordering = () => (collators ??= { conversations: new Intl.Collator('en', { numeric: true }), rules: new Intl.Collator() });
const order = (a: string, b: string) => ordering().conversations.compare(a, b);

/** Ranks of identities seen only tonight come after every identity of the baseline (the Map's insertion order). */
const TONIGHT_ONLY = 2 ** 40;
/** Tallies of resolved findings come after every tally of tonight's findings. */
const RESOLVED_PHASE = 2 ** 40;

/** A new or resolved finding, with what puts it in the order the lists were built in: its identity's rank, then its position. */
interface Placed {
  finding: Finding;
  rank: number;
  seq: number;
}

/** The lists' order: by conversation, message position and rule; findings alike in those keep the order the lists were built in. */
function placedOrder(a: Placed, b: Placed): number {
  const x = a.finding;
  const y = b.finding;
  return (
    order(x.conversationId, y.conversationId) ||
    x.messageIndex - y.messageIndex ||
    ordering().rules.compare(x.ruleId, y.ruleId) ||
    a.rank - b.rank ||
    a.seq - b.seq
  );
}

/** Counts by kind, in total, per agent and per rule, with when each agent and rule was first counted (their tie order). */
class Tallies {
  readonly totals = zero();
  readonly agents = new Map<string, { counts: DiffCounts; at: number }>();
  readonly rules = new Map<string, { counts: DiffCounts; at: number }>();

  /** `at`: where the in-memory comparison counted it (tonight's findings in order, then the resolved ones). */
  add(f: Finding, kind: keyof DiffCounts, at: number): void {
    this.totals[kind]++;
    count(this.agents, f.agentId ?? '', kind, at);
    count(this.rules, f.ruleId, kind, at);
  }
}

function count(map: Map<string, { counts: DiffCounts; at: number }>, key: string, kind: keyof DiffCounts, at: number): void {
  let entry = map.get(key);
  if (!entry) map.set(key, (entry = { counts: zero(), at }));
  entry.counts[kind]++;
  if (at < entry.at) entry.at = at;
}

/** Keys in the order they were first counted. */
const inCountOrder = (map: Map<string, { counts: DiffCounts; at: number }>) => [...map].sort(([, a], [, b]) => a.at - b.at);

/** Everything of a diff but its lists, in the key order the JSON prints. */
function diffHead(baseline: DiffSide, current: DiffSide, files: { baseline: string; current: string }, listed: { before: number; after: number }, tallies: Tallies): Omit<ReportDiff, 'newFindings' | 'resolvedFindings'> {
  const agents = new Map(inCountOrder(tallies.agents).map(([id, { counts }]) => [id, counts]));
  const agentsBefore = new Map(baseline.agents.map((a) => [a.agentId, a]));
  const agentsAfter = new Map(current.agents.map((a) => [a.agentId, a]));
  const agentIds = new Set([...agentsBefore.keys(), ...agentsAfter.keys(), ...agents.keys()]);
  const side = (report: DiffSide, file: string, count: number) => ({ file, ruleset: report.ruleset, findings: report.summary.findings, listed: count });
  return {
    diffSchemaVersion: DIFF_SCHEMA_VERSION,
    baseline: side(baseline, files.baseline, listed.before),
    current: side(current, files.current, listed.after),
    rulesChanged: baseline.ruleset.hash !== current.ruleset.hash,
    worse: tallies.totals.new > 0,
    totals: { ...tallies.totals, ...scoreChange(baseline.summary.averageScore, current.summary.averageScore) },
    agents: [...agentIds].sort(order).map((agentId) => {
      const then = agentsBefore.get(agentId);
      const now = agentsAfter.get(agentId);
      return {
        agentId,
        agentName: now?.agentName ?? then?.agentName ?? null,
        ...(agents.get(agentId) ?? zero()),
        ...scoreChange(then?.averageScore, now?.averageScore),
      };
    }),
    rules: inCountOrder(tallies.rules)
      .sort(([a], [b]) => order(a, b))
      .map(([ruleId, { counts }]) => ({ ruleId, ...counts })),
  };
}

/** What is counted of one identity: its rank among identities (baseline first), and its findings on each side. */
interface IdentityTally {
  rank: number;
  before: number;
  after: number;
  seen: number;
}

/**
 * Compares a baseline report with a current one as multisets of findings: for each identity, the
 * smaller count is unchanged and the rest is new (more tonight) or resolved (fewer tonight); two
 * identical findings yesterday and three today are two unchanged and one new. Holds both reports'
 * findings (compareReports, which the command line uses, holds one conversation's).
 */
export async function diffReports(baseline: DiffSide, current: DiffSide, files: { baseline: string; current: string }): Promise<ReportDiff> {
  const all = async (findings: Findings): Promise<ConversationFindings> => {
    const held: Finding[] = [];
    for await (const f of findings) held.push(f);
    return { id: '', findings: held, seqs: held.map((_, i) => i) };
  };
  const tallies = new Tallies();
  const newFindings: Placed[] = [];
  const resolvedFindings: Placed[] = [];
  const pair = { then: await all(baseline.findings), now: await all(current.findings) };
  matchFindings(pair, findingIdentity, tallies, newFindings, resolvedFindings);
  const listed = { before: pair.then.findings.length, after: pair.now.findings.length };
  return {
    ...diffHead(baseline, current, files, listed, tallies),
    newFindings: newFindings.sort(placedOrder).map((p) => p.finding),
    resolvedFindings: resolvedFindings.sort(placedOrder).map((p) => p.finding),
  };
}

/** The lists of an in-memory diff as the writers read them. */
export function listedDiff(diff: ReportDiff): ListedDiff {
  return { ...diff, newFindings: findingsInMemory(diff.newFindings), resolvedFindings: findingsInMemory(diff.resolvedFindings) };
}

/** Findings printed a slice at a time (one JSON.stringify per slice). */
const SLICE = 512;

function findingsInMemory(findings: readonly Finding[]): DiffFindings {
  return {
    count: findings.length,
    first: findings.slice(0, DIFF_FIRST_KEPT),
    *elements() {
      for (let at = 0; at < findings.length; at += SLICE) yield `${at > 0 ? ',\n' : ''}${jsonElements(findings.slice(at, at + SLICE))}`;
    },
  };
}

/** Bytes of a spilled list read back at a time. */
const READ_CHUNK = 1 << 20;

/** New or resolved findings in their final order, printed and written to a file a slice at a time as they come. */
class SpilledFindings implements DiffFindings {
  count = 0;
  readonly first: Finding[] = [];
  private slice: Finding[] = [];
  private fd: number | undefined;
  private written = 0;

  constructor(private readonly file: () => string) {}

  add(f: Finding): void {
    this.count++;
    if (this.first.length < DIFF_FIRST_KEPT) this.first.push(f);
    this.slice.push(f);
    if (this.slice.length === SLICE) this.flush();
  }

  private printedSlice(): string {
    return this.slice.length === 0 ? '' : `${this.count > this.slice.length ? ',\n' : ''}${jsonElements(this.slice)}`;
  }

  private flush(): void {
    const bytes = Buffer.from(this.printedSlice());
    this.fd ??= openSync(this.file(), 'w+', 0o600);
    writeAll(this.fd, bytes, 0, bytes.length, this.written);
    this.written += bytes.length;
    this.slice = [];
  }

  *elements(): Generator<string | Uint8Array> {
    for (let position = 0; this.fd !== undefined && position < this.written; ) {
      // A fresh buffer per chunk: a writer may still hold the last one.
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, this.written - position));
      const read = readSync(this.fd, chunk, 0, chunk.length, position);
      if (read === 0) throw new Error('a diff list on disk ends early');
      position += read;
      yield chunk.subarray(0, read);
    }
    const rest = this.printedSlice();
    if (rest) yield rest;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A report's findings are not grouped by conversation in the lists' conversation order: that side is sorted first. */
class NotInOrder extends Error {
  constructor(readonly side: keyof Sorted) {
    super(`the ${side} report's findings are not in conversation order`);
  }
}

/** Which reports were sorted by conversation before they were compared. */
export interface Sorted {
  baseline: boolean;
  current: boolean;
}

/** Conversations in the lists' order, ids that collate alike in code-unit order (so each id has one place). */
const conversationsInOrder = (a: string, b: string) => order(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/** A finding and its position in its report. */
interface Positioned {
  finding: Finding;
  seq: number;
}

type Findings = AsyncIterable<Finding> | Iterable<Finding>;

/** One conversation's findings on one side, with their positions in their report. */
interface ConversationFindings {
  id: string;
  findings: Finding[];
  seqs: number[];
}

/** A report's findings a conversation at a time; NotInOrder when a conversation comes back or comes too early. */
async function* conversationsOf(side: { findings: Findings } | { sorted: Iterable<Positioned> }, name: keyof Sorted): AsyncGenerator<ConversationFindings> {
  let current: ConversationFindings | undefined;
  let seq = 0;
  /** Adds a finding; gives the conversation it ends, if it starts another. */
  const add = (finding: Finding, at: number): ConversationFindings | undefined => {
    let ended: ConversationFindings | undefined;
    if (current?.id !== finding.conversationId) {
      if (current && conversationsInOrder(current.id, finding.conversationId) >= 0) throw new NotInOrder(name);
      ended = current;
      current = { id: finding.conversationId, findings: [], seqs: [] };
    }
    current.findings.push(finding);
    current.seqs.push(at);
    return ended;
  };
  // A sequence in memory or merged from disk is read without a wait per finding (`for await` would take one).
  if ('sorted' in side) {
    for (const { finding, seq: at } of side.sorted) {
      const ended = add(finding, at);
      if (ended) yield ended;
    }
  } else if (Symbol.iterator in side.findings) {
    for (const finding of side.findings) {
      const ended = add(finding, seq++);
      if (ended) yield ended;
    }
  } else {
    for await (const finding of side.findings) {
      const ended = add(finding, seq++);
      if (ended) yield ended;
    }
  }
  if (current) yield current;
}

/** JSON text of findings held per sorted run before it goes to disk. */
const RUN_CHARS = 16 * 1024 * 1024;
/** What the sorted runs' read buffers come to together. */
const RUN_READ_BUDGET = 8 * 1024 * 1024;

/**
 * A report's findings sorted by conversation (each keeping its position), for a report in another order:
 * sorted runs of a bounded size in one file on disk, merged as they are read back.
 */
async function sortedByConversation(findings: Findings, file: string, runChars: number): Promise<{ findings: Iterable<Positioned>; close(): void }> {
  const fd = openSync(file, 'w+', 0o600);
  const runs: Array<{ start: number; end: number }> = [];
  let held: Array<{ id: string; seq: number; json: string }> = [];
  let chars = 0;
  let written = 0;
  const writeRun = () => {
    held.sort((a, b) => conversationsInOrder(a.id, b.id) || a.seq - b.seq);
    const bytes = Buffer.from(held.map((h) => `${h.seq}\t${h.json}\n`).join(''));
    writeAll(fd, bytes, 0, bytes.length, written);
    runs.push({ start: written, end: (written += bytes.length) });
    held = [];
    chars = 0;
  };
  let seq = 0;
  for await (const f of findings) {
    const json = JSON.stringify(f);
    held.push({ id: f.conversationId, seq: seq++, json });
    chars += json.length;
    if (chars >= runChars) writeRun();
  }
  if (held.length > 0) writeRun();
  const sortedFindings = replayable(function* () {
    const chunk = chunkFor(runs.length, RUN_READ_BUDGET);
    const cursors = runs.map(({ start, end }) => {
      const reader = new RangeReader(fd, start, end, chunk);
      const cursor = {
        item: undefined as Positioned | undefined,
        advance() {
          if (!reader.line()) return false;
          const line = reader.current.toString('utf8', reader.lineStart, reader.lineEnd);
          const tab = line.indexOf('\t');
          cursor.item = { seq: Number(line.slice(0, tab)), finding: JSON.parse(line.slice(tab + 1)) as Finding };
          return true;
        },
      };
      return cursor;
    });
    const itemOf = (cursor: (typeof cursors)[number]) => cursor.item as Positioned;
    const compare = (a: (typeof cursors)[number], b: (typeof cursors)[number]) =>
      conversationsInOrder(itemOf(a).finding.conversationId, itemOf(b).finding.conversationId) || itemOf(a).seq - itemOf(b).seq;
    for (const cursor of merged(cursors, compare)) yield itemOf(cursor);
  });
  return { findings: sortedFindings, close: () => closeSync(fd) };
}

/** Within one conversation, the rest of the identity tells findings apart. */
const identityInConversation = (f: Finding) => JSON.stringify([f.ruleId, f.agentId, f.match ?? f.excerpt]);

/** The same conversation on both sides (one may be missing). */
interface Pair {
  then: ConversationFindings | undefined;
  now: ConversationFindings | undefined;
}

/**
 * Matches findings by identity: the earliest findings of an identity on each side are unchanged, the rest
 * new (tonight) or resolved (baseline). Ranks and positions are the reports', so lists of several calls
 * sort as one.
 */
function matchFindings({ then, now }: Pair, key: (f: Finding) => string, tallies: Tallies, added: Placed[], gone: Placed[]): void {
  const identities = new Map<string, IdentityTally>();
  const before = then?.findings ?? [];
  const after = now?.findings ?? [];
  const beforeSeqs = then?.seqs ?? [];
  const afterSeqs = now?.seqs ?? [];
  const beforeKeys = before.map(key);
  for (const [i, k] of beforeKeys.entries()) {
    let identity = identities.get(k);
    if (!identity) identities.set(k, (identity = { rank: beforeSeqs[i] as number, before: 0, after: 0, seen: 0 }));
    identity.before++;
  }
  for (const [i, f] of after.entries()) {
    const k = key(f);
    const seq = afterSeqs[i] as number;
    let identity = identities.get(k);
    if (!identity) identities.set(k, (identity = { rank: TONIGHT_ONLY + seq, before: 0, after: 0, seen: 0 }));
    identity.after++;
    if (identity.seen++ < identity.before) tallies.add(f, 'unchanged', seq);
    else {
      tallies.add(f, 'new', seq);
      added.push({ finding: f, rank: identity.rank, seq });
    }
  }
  for (const identity of identities.values()) identity.seen = 0;
  for (const [i, f] of before.entries()) {
    const identity = identities.get(beforeKeys[i] as string) as IdentityTally;
    const seq = beforeSeqs[i] as number;
    if (identity.seen++ >= identity.after) {
      tallies.add(f, 'resolved', RESOLVED_PHASE + seq);
      gone.push({ finding: f, rank: identity.rank, seq });
    }
  }
}

/** A comparison as the command line writes it; close() removes what it put on disk. */
export interface Comparison {
  diff: ListedDiff;
  sorted: Sorted;
  close(): void;
}

/**
 * diffReports in bounded memory: both reports are read side by side a conversation at a time, in the
 * lists' conversation order, and each conversation compared on its own; its new and resolved findings then
 * come in their final order and go to disk as they come. A report whose findings are not in that order
 * (chatlint lists conversations by start time: ids that do not grow with it) is sorted on disk first,
 * once it shows. It holds one conversation's findings and the counts; the result is diffReports', to the byte.
 */
export async function compareReports(
  baseline: DiffSide,
  current: DiffSide,
  files: { baseline: string; current: string },
  /** Tests make the sorted runs small, to merge many. */
  runChars = RUN_CHARS,
): Promise<Comparison> {
  let folder: string | undefined;
  const fileFor = (name: string) => join((folder ??= makeTempFolder('chatlint-diff-')), name);
  const sorted: Sorted = { baseline: false, current: false };
  const sortedSides: Partial<Record<keyof Sorted, Iterable<Positioned>>> = {};
  let lists: SpilledFindings[] = [];
  const sortedFiles: Array<{ close(): void }> = [];
  const close = () => {
    for (const list of [...lists, ...sortedFiles]) list.close();
    sortedFiles.length = 0;
    if (folder) removeTempFolder(folder);
    folder = undefined;
  };
  const sideOf = (side: keyof Sorted, findings: Findings) => {
    const sortedSide = sortedSides[side];
    return sortedSide ? { sorted: sortedSide } : { findings };
  };
  try {
    for (let attempt = 0; ; attempt++) {
      const added = new SpilledFindings(() => fileFor(`new-${attempt}.json`));
      const gone = new SpilledFindings(() => fileFor(`resolved-${attempt}.json`));
      lists = [added, gone];
      try {
        const listed = await compareByConversation(sideOf('baseline', baseline.findings), sideOf('current', current.findings), added, gone);
        const diff = { ...diffHead(baseline, current, files, listed, listed.tallies), newFindings: added, resolvedFindings: gone };
        return { diff, sorted, close };
      } catch (error) {
        if (!(error instanceof NotInOrder) || sorted[error.side]) throw error;
        added.close();
        gone.close();
        sorted[error.side] = true;
        const sortedSide = await sortedByConversation(error.side === 'baseline' ? baseline.findings : current.findings, fileFor(`${error.side}.sorted`), runChars);
        sortedFiles.push(sortedSide);
        sortedSides[error.side] = sortedSide.findings;
      }
    }
  } catch (error) {
    close();
    throw error;
  }
}

/** The merge of both reports by conversation; conversations whose ids collate alike are sorted together. */
type SideFindings = Parameters<typeof conversationsOf>[0];

async function compareByConversation(
  baseline: SideFindings,
  current: SideFindings,
  added: SpilledFindings,
  gone: SpilledFindings,
) {
  const tallies = new Tallies();
  const thenSide = conversationsOf(baseline, 'baseline');
  const nowSide = conversationsOf(current, 'current');
  let group: Pair[] = [];
  const flush = () => {
    const newOnes: Placed[] = [];
    const goneOnes: Placed[] = [];
    for (const pair of group) matchFindings(pair, identityInConversation, tallies, newOnes, goneOnes);
    for (const p of newOnes.sort(placedOrder)) added.add(p.finding);
    for (const p of goneOnes.sort(placedOrder)) gone.add(p.finding);
    group = [];
  };
  const listed = { before: 0, after: 0, tallies };
  try {
    let then = await thenSide.next();
    let now = await nowSide.next();
    while (!then.done || !now.done) {
      const side = then.done ? 1 : now.done ? -1 : conversationsInOrder(then.value.id, now.value.id);
      const pair: Pair = { then: side <= 0 && !then.done ? then.value : undefined, now: side >= 0 && !now.done ? now.value : undefined };
      const id = (pair.then ?? pair.now)?.id ?? '';
      const head = group[0];
      if (head && order((head.then ?? head.now)?.id ?? '', id) !== 0) flush();
      group.push(pair);
      listed.before += pair.then?.findings.length ?? 0;
      listed.after += pair.now?.findings.length ?? 0;
      if (pair.then) then = await thenSide.next();
      if (pair.now) now = await nowSide.next();
    }
    flush();
    return listed;
  } finally {
    await thenSide.return(undefined);
    await nowSide.return(undefined);
  }
}
