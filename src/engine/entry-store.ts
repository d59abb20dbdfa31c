import { closeSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { jsonElements, type Finding, type Report, type Waiver } from '../model/report.js';
import type { SkippedRecord } from '../model/message.js';
import { own } from '../model/records.js';
import type { ConversationEntry } from './entry.js';
import type { EntrySink } from './entry-sink.js';
import { makeTempFolder, removeTempFolder } from './temp-folder.js';

/** Characters of packed entries held in memory before they go to disk as a sorted run. */
export const DEFAULT_ENTRY_BUDGET_BYTES = 32 * 1024 * 1024;

/** Runs of one level merged into one run of the next once there are this many (so few files are ever open). */
const FAN_IN = 16;
/** Bytes read from a run at a time, per open run and part. */
const READ_CHUNK = 64 * 1024;
/** Characters gathered before one write. */
const WRITE_CHUNK = 1 << 20;
/** What a held entry costs beyond its texts (the object, its array, the key). */
const HELD_OVERHEAD_BYTES = 160;

/**
 * What an entry's findings add to the report's head, so the pass that folds it never reads the findings:
 * counts by severity, and per agent (in order of their first finding) the first name given, the count and
 * the count per rule (rules in order of first finding).
 */
export interface FindingTally {
  bySeverity: [error: number, warning: number, info: number];
  agents: Array<[agentId: string, agentName: string | null, findings: number, byRule: Array<[ruleId: string, findings: number]>]>;
}

const SEVERITY_INDEX = { error: 0, warning: 1, info: 2 } as const;

export function tallyFindings(findings: readonly Finding[]): FindingTally {
  const tally: FindingTally = { bySeverity: [0, 0, 0], agents: [] };
  const agents = new Map<string, { at: number; rules: Map<string, number> }>();
  for (const finding of findings) {
    tally.bySeverity[SEVERITY_INDEX[finding.severity]]++;
    if (finding.agentId === null) continue;
    let agent = agents.get(finding.agentId);
    if (!agent) {
      agent = { at: tally.agents.length, rules: new Map() };
      agents.set(finding.agentId, agent);
      tally.agents.push([finding.agentId, finding.agentName, 0, []]);
    }
    const row = tally.agents[agent.at] as FindingTally['agents'][number];
    row[1] ??= finding.agentName;
    row[2]++;
    agent.rules.set(finding.ruleId, (agent.rules.get(finding.ruleId) ?? 0) + 1);
  }
  for (const [, { at, rules }] of agents) (tally.agents[at] as FindingTally['agents'][number])[3] = [...rules];
  return tally;
}

/** A waiver as one string, to tell which waivers some conversation used. */
export const waiverKey = (w: Waiver) => `${w.source}\u0000${w.conversationId}\u0000${w.ruleId}\u0000${w.messageIndex ?? ''}`;

/**
 * What the report's head (summary, agents, unused waivers) needs of an entry, in one small array: the
 * conversation's messages, score and whether a bottom-line rule failed it; per agent of summary.agents its
 * own score and bottom-line flag; the per-agent message counts, messages per file, duplicates, the
 * findings' tally and the waivers its waived findings used.
 */
export type EntryHead = [
  messages: number,
  score: number,
  critical: boolean,
  agents: Array<[agentId: string, score: number, critical: boolean]>,
  agentMessages: ConversationEntry['agentMessages'],
  messagesByFile: ConversationEntry['messagesByFile'],
  duplicates: SkippedRecord[],
  tally: FindingTally,
  waivers: string[],
];

/** The parts of a packed entry, each a stream of its own on disk: a pass reads the head and at most one list. */
export type EntryList = 'conversations' | 'findings' | 'waived';
const PART_OF: Record<EntryList, number> = { conversations: 1, findings: 2, waived: 3 };
const PARTS = 4;

/**
 * An entry as the store keeps it, made once by whoever checked the conversation (a worker thread, in
 * parallel): its sort key, its head as JSON, and its lists as the JSON report prints their elements
 * (`JSON.stringify(report, null, 2)`, four spaces in; '' for an empty list), so neither holding, spilling,
 * posting between threads nor writing the JSON report stringifies or parses it again.
 */
export interface PackedEntry {
  startedAt: string;
  conversationId: string;
  /** [head JSON, the summary (an element of `conversations`), the findings, the waived findings]. */
  texts: [head: string, conversation: string, findings: string, waived: string];
}

export function packEntry(entry: ConversationEntry): PackedEntry {
  const { summary } = entry;
  const head: EntryHead = [
    summary.messages,
    summary.score,
    summary.critical,
    summary.agents.map((agentId, i) => [agentId, own(summary.agentScores, agentId) ?? 0, entry.agentCritical[i] ?? false]),
    entry.agentMessages,
    entry.messagesByFile,
    entry.duplicates,
    tallyFindings(entry.findings),
    entry.waived.map((w) => waiverKey(w.waiver)),
  ];
  return {
    startedAt: summary.startedAt,
    conversationId: summary.conversationId,
    texts: [JSON.stringify(head), jsonElements([summary]), jsonElements(entry.findings), jsonElements(entry.waived)],
  };
}

/** The elements of a list printed by jsonElements, parsed back. */
function parseElements<T>(text: string): T[] {
  return text === '' ? [] : (JSON.parse(`[${text}]`) as T[]);
}

/** One entry as a pass reads it: its head, and the list the pass asked for (all of them for a held entry). */
export class StoredEntry {
  constructor(private readonly texts: ReadonlyArray<string | undefined>) {}

  head(): EntryHead {
    return JSON.parse(this.part(0)) as EntryHead;
  }

  /** A list's elements as the JSON report prints them ('' when empty). */
  text(list: EntryList): string {
    return this.part(PART_OF[list]);
  }

  summary(): ConversationEntry['summary'] {
    return JSON.parse(this.part(1)) as ConversationEntry['summary'];
  }

  findings(): Finding[] {
    return parseElements(this.part(2));
  }

  waived(): Report['waived'] {
    return parseElements(this.part(3));
  }

  /** Every field (for what needs whole entries: shard files, the cache); the pass must have read every list. */
  whole(): ConversationEntry {
    const [, , , agents, agentMessages, messagesByFile, duplicates] = this.head();
    return { summary: this.summary(), findings: this.findings(), waived: this.waived(), agentMessages, agentCritical: agents.map(([, , critical]) => critical), messagesByFile, duplicates };
  }

  private part(index: number): string {
    const text = this.texts[index];
    if (text === undefined) throw new Error('EntryStore: a list not read in this pass');
    return text;
  }
}

/** An entry's place in the report: first message, then conversation id, then the order entries were added. */
type SortKey = [startedAt: string, conversationId: string, seq: number];

function compareKeys(a: SortKey, b: SortKey): number {
  return (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2];
}

interface Held {
  key: SortKey;
  texts: PackedEntry['texts'];
}

const NEWLINE = 10;
/** Ends a list's record on disk: JSON.stringify escapes every control character, so no text holds one. */
const RECORD_END = 0;
const RECORD_END_CHAR = '\u0000';

/**
 * The disk form of an entry's parts, one record per part file: the head line starts with its key (JSON,
 * so a tab or newline in an id is escaped) and a tab; a list's text (whose lines the pretty-printing breaks)
 * ends with a NUL.
 */
function recordsOf({ key, texts }: Held): string[] {
  return [`${JSON.stringify(key)}\t${texts[0]}\n`, `${texts[1]}${RECORD_END_CHAR}`, `${texts[2]}${RECORD_END_CHAR}`, `${texts[3]}${RECORD_END_CHAR}`];
}

/** The records of a byte range of a part file, read forward a chunk at a time at their own position. */
class RangeReader {
  private readonly buffer = Buffer.allocUnsafe(READ_CHUNK);
  private start = 0;
  private end = 0;
  private carried: Buffer[] = [];

  constructor(
    private readonly fd: number,
    private position: number,
    private readonly stop: number,
    private readonly separator: number,
  ) {}

  next(): string | undefined {
    for (;;) {
      const at = this.buffer.indexOf(this.separator, this.start);
      if (at !== -1 && at < this.end) {
        const tail = this.buffer.subarray(this.start, at);
        this.start = at + 1;
        if (this.carried.length === 0) return tail.toString('utf8');
        const record = Buffer.concat([...this.carried, tail]).toString('utf8');
        this.carried = [];
        return record;
      }
      if (this.position >= this.stop) return undefined;
      // A record longer than what is left of the chunk: keep its start (a copy, the buffer is reused).
      if (this.start < this.end) this.carried.push(Buffer.from(this.buffer.subarray(this.start, this.end)));
      this.start = 0;
      this.end = readSync(this.fd, this.buffer, 0, Math.min(READ_CHUNK, this.stop - this.position), this.position);
      this.position += this.end;
      if (this.end === 0) throw new Error('EntryStore: a run ends before its last record');
    }
  }
}

/**
 * One file per level and part that runs are appended to, each run a byte range: a spill costs no file of
 * its own, and a level whose runs were all merged into the next starts over.
 */
class LevelFile {
  readonly fd: number;
  /** Bytes in the file, written or pending. */
  size = 0;
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'wx+', 0o600);
  }

  append(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
    this.size += Buffer.byteLength(text, 'utf8');
    if (this.pendingChars >= WRITE_CHUNK) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    const at = this.size - bytes.length;
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(this.fd, bytes, offset, bytes.length - offset, at + offset);
    this.pending = [];
    this.pendingChars = 0;
  }

  /** Every run in it was merged into the next level: it is empty again. */
  reset(): void {
    this.pending = [];
    this.pendingChars = 0;
    this.size = 0;
    ftruncateSync(this.fd, 0);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A source of entries in report order, for the merge: its next key, and the entry's parts read. */
interface Cursor {
  key: SortKey;
  texts: Array<string | undefined>;
  advance(): boolean;
}

/** A run: its records' byte ranges in its level's part files. */
interface Run {
  level: number;
  ranges: Array<[start: number, end: number]>;
}

type Level = LevelFile[];

/** A run's entries, reading the head file and the part files in `parts` (record for record). */
function runCursor(run: Run, level: Level, parts: readonly number[]): Cursor {
  const heads = new RangeReader((level[0] as LevelFile).fd, ...(run.ranges[0] as [number, number]), NEWLINE);
  const readers = parts.map((part) => [part, new RangeReader((level[part] as LevelFile).fd, ...(run.ranges[part] as [number, number]), RECORD_END)] as const);
  const cursor: Cursor = {
    key: ['', '', 0],
    texts: [],
    advance() {
      const line = heads.next();
      if (line === undefined) return false;
      const tab = line.indexOf('\t');
      cursor.key = JSON.parse(line.slice(0, tab)) as SortKey;
      const texts: Array<string | undefined> = [line.slice(tab + 1)];
      for (const [part, reader] of readers) texts[part] = reader.next();
      cursor.texts = texts;
      return true;
    },
  };
  return cursor;
}

function heldCursor(held: readonly Held[]): Cursor {
  let next = 0;
  const cursor: Cursor = {
    key: ['', '', 0],
    texts: [],
    advance() {
      const item = held[next++];
      if (!item) return false;
      cursor.key = item.key;
      cursor.texts = item.texts;
      return true;
    },
  };
  return cursor;
}

/** The cursors' entries in key order (a k-way merge on a binary heap). */
function* merged(cursors: Cursor[]): Generator<Cursor> {
  const heap: Cursor[] = [];
  const less = (i: number, j: number) => compareKeys((heap[i] as Cursor).key, (heap[j] as Cursor).key) < 0;
  const swap = (i: number, j: number) => {
    const t = heap[i] as Cursor;
    heap[i] = heap[j] as Cursor;
    heap[j] = t;
  };
  const down = (from: number) => {
    for (let i = from; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < heap.length && less(l, least)) least = l;
      if (r < heap.length && less(r, least)) least = r;
      if (least === i) return;
      swap(i, least);
      i = least;
    }
  };
  for (const cursor of cursors) {
    if (!cursor.advance()) continue;
    heap.push(cursor);
    for (let i = heap.length - 1; i > 0 && less(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
  }
  while (heap.length > 0) {
    const top = heap[0] as Cursor;
    yield top;
    if (top.advance()) down(0);
    else {
      const last = heap.pop() as Cursor;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    }
  }
}

const ALL_LISTS = [1, 2, 3];

/**
 * Checked conversations' entries until the report is written, in any order and never all in memory:
 * packed entries (strings, see PackedEntry) held up to a budget of characters, then sorted into report
 * order and appended as a run (in a private temporary folder, one file per level and part: heads, with each
 * entry's key, then its summary, findings and waived findings); runs are merged sixteen at a time into the
 * next level as they pile up. Reading (entries()) merges the runs and what is still held into report order,
 * as often as the report's passes ask, reading from disk only the heads and the one list a pass asks for;
 * entries superseded by a later check of their conversation are left out. close() removes the folder (as
 * does exit, or an interrupt).
 */
export class EntryStore implements EntrySink {
  private held: Held[] = [];
  private heldBytes = 0;
  private nextSeq = 0;
  /** Per superseded conversation: entries added before this sequence number do not count. */
  private readonly superseded = new Map<string, number>();
  private folder: string | undefined;
  private readonly levels: Level[] = [];
  private runs: Run[] = [];
  private sealed = false;

  constructor(private readonly budgetBytes = DEFAULT_ENTRY_BUDGET_BYTES) {}

  /** The private folder of the runs, once entries went to disk. */
  get spillFolder(): string | undefined {
    return this.folder;
  }

  add(entry: ConversationEntry): void {
    this.addPacked(packEntry(entry));
  }

  addPacked({ startedAt, conversationId, texts }: PackedEntry): void {
    if (this.sealed) throw new Error('EntryStore: add after reading began');
    this.held.push({ key: [startedAt, conversationId, this.nextSeq++], texts });
    this.heldBytes += HELD_OVERHEAD_BYTES + startedAt.length + conversationId.length + texts[0].length + texts[1].length + texts[2].length + texts[3].length;
    if (this.heldBytes > this.budgetBytes) this.spillHeld();
  }

  supersede(conversationId: string): void {
    if (this.sealed) throw new Error('EntryStore: supersede after reading began');
    this.superseded.set(conversationId, this.nextSeq);
  }

  private counts(key: SortKey): boolean {
    if (this.superseded.size === 0) return true;
    const bound = this.superseded.get(key[1]);
    return bound === undefined || key[2] >= bound;
  }

  private level(index: number): Level {
    const folder = (this.folder ??= makeTempFolder('chatlint-entries-'));
    for (let i = this.levels.length; i <= index; i++) {
      this.levels.push(['heads', 'conversations', 'findings', 'waived'].map((part) => new LevelFile(join(folder, `level-${i}.${part}`))));
    }
    return this.levels[index] as Level;
  }

  /** Appends entries (given in report order, each as its records per part) to a level as one run. */
  private appendRun(index: number, entries: Iterable<string[]>): void {
    const files = this.level(index);
    const run: Run = { level: index, ranges: files.map((file) => [file.size, file.size]) };
    for (const records of entries) for (let part = 0; part < PARTS; part++) (files[part] as LevelFile).append(records[part] as string);
    files.forEach((file, part) => ((run.ranges[part] as [number, number])[1] = file.size));
    this.runs.push(run);
  }

  private heldInOrder(): Held[] {
    return this.held.filter((item) => this.counts(item.key)).sort((a, b) => compareKeys(a.key, b.key));
  }

  private spillHeld(): void {
    const held = this.heldInOrder();
    this.held = [];
    this.heldBytes = 0;
    this.appendRun(
      0,
      (function* () {
        for (const item of held) yield recordsOf(item);
      })(),
    );
    this.compact();
  }

  /** Pending writes reach the files, so readers see every run. */
  private flush(): void {
    for (const files of this.levels) for (const file of files) file.flush();
  }

  /** While one level has FAN_IN runs, they become one run of the next level (superseded entries dropped). */
  private compact(): void {
    for (let index = 0; ; index++) {
      const same = this.runs.filter((run) => run.level === index);
      if (same.length < FAN_IN) return;
      this.flush();
      const level = this.level(index);
      this.runs = this.runs.filter((run) => run.level !== index);
      const store = this;
      this.appendRun(
        index + 1,
        (function* () {
          for (const cursor of merged(same.map((run) => runCursor(run, level, ALL_LISTS)))) {
            if (store.counts(cursor.key)) yield recordsOf({ key: cursor.key, texts: cursor.texts as Held['texts'] });
          }
        })(),
      );
      // Every run of this level is in the next one now: its files start over.
      for (const file of level) file.reset();
    }
  }

  /**
   * The entries that count, in report order (first message, then id, then the order they were added).
   * Each call is a fresh pass over everything; adding ends at the first. Every entry's head can be read;
   * of its lists, only `list` (entries held in memory have every one).
   */
  *entries(list?: EntryList | 'all'): Generator<StoredEntry> {
    if (!this.sealed) {
      this.sealed = true;
      this.held = this.heldInOrder();
      this.flush();
    }
    if (this.runs.length === 0) {
      for (const item of this.held) yield new StoredEntry(item.texts);
      return;
    }
    const parts = list === undefined ? [] : list === 'all' ? ALL_LISTS : [PART_OF[list]];
    const cursors = [...this.runs.map((run) => runCursor(run, this.levels[run.level] as Level, parts)), heldCursor(this.held)];
    for (const cursor of merged(cursors)) {
      if (this.counts(cursor.key)) yield new StoredEntry(cursor.texts);
    }
  }

  /** Removes the runs; the store is empty afterwards. */
  close(): void {
    for (const files of this.levels.splice(0)) for (const file of files) file.close();
    if (this.folder !== undefined) removeTempFolder(this.folder);
    this.folder = undefined;
    this.runs = [];
    this.held = [];
  }
}

/** The share of the memory budget (`--memory-budget`) entries may take before they go to disk: 0 sends every one. */
export function entryBudgetFor(memoryBudgetBytes: number): number {
  return Math.min(DEFAULT_ENTRY_BUDGET_BYTES, memoryBudgetBytes / 8);
}
