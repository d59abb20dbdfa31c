import { closeSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../model/report.js';
import type { ConversationEntry } from './entry.js';
import type { EntrySink } from './entry-sink.js';
import { makeTempFolder, removeTempFolder } from './temp-folder.js';

/** Entries held in memory before they go to disk as a sorted run: a small share of a run's memory. */
export const DEFAULT_ENTRY_BUDGET_BYTES = 32 * 1024 * 1024;

/** Runs of one level merged into one run of the next once there are this many (so few files are ever open). */
const FAN_IN = 16;
/** Bytes read from a run at a time, per open run. */
const READ_CHUNK = 64 * 1024;
/** Characters gathered before one write. */
const WRITE_CHUNK = 1 << 20;

/**
 * Rough heap cost of an entry (summary, tallies, per-agent and per-file lists) and of each finding beyond
 * its texts; measured on the 100 MB benchmark night (35k entries: 85 MB held with four rules, 198 MB
 * with a finding on every agent message).
 */
const ENTRY_OVERHEAD_BYTES = 1600;
const FINDING_OVERHEAD_BYTES = 300;

/**
 * Every field of an entry but its findings, as a column of its line in a run's head file (in this order);
 * findings go to a second file, line for line, read only by the passes that list findings. A field added
 * to ConversationEntry must be named here, or it would be lost on the way through the disk.
 */
const COLUMNS: Record<Exclude<keyof ConversationEntry, 'findings'>, true> = {
  summary: true,
  waived: true,
  agentMessages: true,
  agentCritical: true,
  messagesByFile: true,
  duplicates: true,
};
const HEAD_FIELDS = Object.keys(COLUMNS) as Array<Exclude<keyof ConversationEntry, 'findings'>>;
// Column 0 is the sort key, the last the findings' tally.
const COLUMN_OF = new Map<keyof ConversationEntry, number>(HEAD_FIELDS.map((field, i) => [field, i + 1]));
const TALLY_COLUMN = HEAD_FIELDS.length + 1;

/** An entry's place in the report: first message, then conversation id, then the order entries were added. */
type SortKey = [startedAt: string, conversationId: string, seq: number];

function compareKeys(a: SortKey, b: SortKey): number {
  return (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2];
}

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

/** One entry as a pass reads it: from memory as it was added, or from its lines on disk, a field parsed when asked. */
export class StoredEntry {
  constructor(
    private readonly entry: ConversationEntry | undefined,
    private readonly columns: readonly string[] | undefined,
    private readonly findingsLine: string | undefined,
  ) {}

  get<K extends keyof ConversationEntry>(field: K): ConversationEntry[K] {
    if (this.entry) return this.entry[field];
    const text = field === 'findings' ? this.findingsLine : this.columns?.[COLUMN_OF.get(field) ?? -1];
    if (text === undefined) throw new Error(`EntryStore: ${field} not read in this pass`);
    // An empty column is a field that was undefined.
    return (text === '' ? undefined : JSON.parse(text)) as ConversationEntry[K];
  }

  /** What the findings add to the report's head (without reading them when they are on disk). */
  tally(): FindingTally {
    if (this.entry) return tallyFindings(this.entry.findings);
    return JSON.parse(this.columns?.[TALLY_COLUMN] ?? '') as FindingTally;
  }

  /** Every field (for what needs whole entries: shard files, the cache); the pass must read findings. */
  whole(): ConversationEntry {
    if (this.entry) return this.entry;
    return { ...Object.fromEntries(HEAD_FIELDS.map((field) => [field, this.get(field)])), findings: this.get('findings') } as ConversationEntry;
  }
}

interface Held {
  key: SortKey;
  entry: ConversationEntry;
}

function heldCost(entry: ConversationEntry): number {
  let bytes = ENTRY_OVERHEAD_BYTES + entry.summary.conversationId.length * 2 + entry.duplicates.length * FINDING_OVERHEAD_BYTES;
  for (const list of [entry.findings, entry.waived]) {
    for (const finding of list) bytes += FINDING_OVERHEAD_BYTES + 2 * (finding.message.length + finding.excerpt.length + (finding.match?.length ?? 0));
  }
  return bytes;
}

const json = (value: unknown) => (value === undefined ? '' : JSON.stringify(value));

/** An entry's two lines: its key, head fields and findings' tally; its findings. */
function linesOf({ key, entry }: Held): { head: string; findings: string } {
  const columns = HEAD_FIELDS.map((field) => json(entry[field]));
  // JSON.stringify escapes every control character, so tabs and newlines only ever separate columns and lines.
  return { head: `${JSON.stringify(key)}\t${columns.join('\t')}\t${JSON.stringify(tallyFindings(entry.findings))}\n`, findings: `${json(entry.findings)}\n` };
}

const keyOfLine = (line: string): SortKey => JSON.parse(line.slice(0, line.indexOf('\t'))) as SortKey;

/** The lines of a byte range of a level file, read forward a chunk at a time at their own position. */
class RangeReader {
  private readonly buffer = Buffer.allocUnsafe(READ_CHUNK);
  private start = 0;
  private end = 0;
  private carried: Buffer[] = [];

  constructor(
    private readonly fd: number,
    private position: number,
    private readonly stop: number,
  ) {}

  nextLine(): string | undefined {
    for (;;) {
      const newline = this.buffer.indexOf(10, this.start);
      if (newline !== -1 && newline < this.end) {
        const tail = this.buffer.subarray(this.start, newline);
        this.start = newline + 1;
        if (this.carried.length === 0) return tail.toString('utf8');
        const line = Buffer.concat([...this.carried, tail]).toString('utf8');
        this.carried = [];
        return line;
      }
      if (this.position >= this.stop) return undefined;
      // A line longer than what is left of the chunk: keep its start (a copy, the buffer is reused).
      if (this.start < this.end) this.carried.push(Buffer.from(this.buffer.subarray(this.start, this.end)));
      this.start = 0;
      this.end = readSync(this.fd, this.buffer, 0, Math.min(READ_CHUNK, this.stop - this.position), this.position);
      this.position += this.end;
      if (this.end === 0) throw new Error('EntryStore: a run ends before its last line');
    }
  }
}

/**
 * One file per level and kind (heads, findings) that runs are appended to, each run a byte range: a
 * spill costs no file of its own, and a level whose runs were all merged into the next starts over.
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

  append(line: string): void {
    this.pending.push(line);
    this.pendingChars += line.length;
    this.size += Buffer.byteLength(line, 'utf8');
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

/** A source of entries in report order, for the merge: its next key, and the entry behind it. */
interface Cursor {
  key: SortKey;
  /** From a run: the head line, and the findings line when the pass reads findings. */
  head: string | undefined;
  findings: string | undefined;
  /** From memory: the entry itself. */
  held: ConversationEntry | undefined;
  advance(): boolean;
  close(): void;
}

/** A run: its lines' byte ranges in its level's two files. */
interface Run {
  level: number;
  heads: [start: number, end: number];
  findings: [start: number, end: number];
}

interface Level {
  heads: LevelFile;
  findings: LevelFile;
}

function runCursor(run: Run, level: Level, withFindings: boolean): Cursor {
  const heads = new RangeReader(level.heads.fd, ...run.heads);
  // The findings file is read only by a pass that lists findings; its lines go with the heads' one for one.
  const findings = withFindings ? new RangeReader(level.findings.fd, ...run.findings) : undefined;
  const cursor: Cursor = {
    key: ['', '', 0],
    head: undefined,
    findings: undefined,
    held: undefined,
    advance() {
      cursor.head = heads.nextLine();
      cursor.findings = findings?.nextLine();
      if (cursor.head === undefined) return false;
      cursor.key = keyOfLine(cursor.head);
      return true;
    },
    close() {},
  };
  return cursor;
}

function heldCursor(held: readonly Held[]): Cursor {
  let next = 0;
  const cursor: Cursor = {
    key: ['', '', 0],
    head: undefined,
    findings: undefined,
    held: undefined,
    advance() {
      const item = held[next++];
      if (!item) return false;
      cursor.key = item.key;
      cursor.held = item.entry;
      return true;
    },
    close() {},
  };
  return cursor;
}

/** The cursors' entries in key order (a k-way merge on a binary heap); every cursor is closed at the end. */
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
  try {
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
  } finally {
    for (const cursor of cursors) cursor.close();
  }
}

/**
 * Checked conversations' entries until the report is written, in any order and never all in memory:
 * held up to a byte budget, then sorted into report order and appended as a run (JSON Lines in a private
 * temporary folder, one pair of files per level: heads, with a column per field and the findings' tally,
 * and findings); runs are merged sixteen at a time into the next level as they pile up. Reading
 * (entries()) merges the runs and what is still held into report order, as often as the report's passes
 * ask, reading findings only for a pass that lists them; entries superseded by a later check of their
 * conversation are left out. close() removes the folder (as does exit, or an interrupt).
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
    if (this.sealed) throw new Error('EntryStore: add after reading began');
    this.held.push({ key: [entry.summary.startedAt, entry.summary.conversationId, this.nextSeq++], entry });
    this.heldBytes += heldCost(entry);
    if (this.heldBytes > this.budgetBytes) this.spillHeld();
  }

  supersede(conversationId: string): void {
    if (this.sealed) throw new Error('EntryStore: supersede after reading began');
    this.superseded.set(conversationId, this.nextSeq);
  }

  private counts(key: SortKey): boolean {
    const bound = this.superseded.get(key[1]);
    return bound === undefined || key[2] >= bound;
  }

  private level(index: number): Level {
    const folder = (this.folder ??= makeTempFolder('chatlint-entries-'));
    for (let i = this.levels.length; i <= index; i++) {
      this.levels.push({ heads: new LevelFile(join(folder, `level-${i}.heads.jsonl`)), findings: new LevelFile(join(folder, `level-${i}.findings.jsonl`)) });
    }
    return this.levels[index] as Level;
  }

  /** Appends lines (given in report order) to a level as one run. */
  private appendRun(index: number, lines: Iterable<{ head: string; findings: string }>): void {
    const { heads, findings } = this.level(index);
    const run: Run = { level: index, heads: [heads.size, heads.size], findings: [findings.size, findings.size] };
    for (const line of lines) {
      heads.append(line.head);
      findings.append(line.findings);
    }
    run.heads[1] = heads.size;
    run.findings[1] = findings.size;
    this.runs.push(run);
  }

  private heldInOrder(): Held[] {
    return this.held.filter((item) => this.counts(item.key)).sort((a, b) => compareKeys(a.key, b.key));
  }

  private spillHeld(): void {
    const held = this.heldInOrder();
    // One entry's lines at a time: the held entries are never all stringified at once.
    this.appendRun(
      0,
      (function* () {
        for (const item of held) yield linesOf(item);
      })(),
    );
    this.held = [];
    this.heldBytes = 0;
    this.compact();
  }

  /** Pending writes reach the files, so readers see every run. */
  private flush(): void {
    for (const { heads, findings } of this.levels) {
      heads.flush();
      findings.flush();
    }
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
          for (const cursor of merged(same.map((run) => runCursor(run, level, true)))) {
            if (store.counts(cursor.key)) yield { head: `${cursor.head as string}\n`, findings: `${cursor.findings as string}\n` };
          }
        })(),
      );
      // Every run of this level is in the next one now: its files start over.
      level.heads.reset();
      level.findings.reset();
    }
  }

  /**
   * The entries that count, in report order (first message, then id, then the order they were added).
   * Each call is a fresh pass over everything; adding ends at the first. Findings can be read from the
   * entries only when `withFindings` (the pass then reads them from disk); tally() always.
   */
  *entries(withFindings = false): Generator<StoredEntry> {
    if (!this.sealed) {
      this.sealed = true;
      this.held = this.heldInOrder();
      this.flush();
    }
    if (this.runs.length === 0) {
      for (const item of this.held) yield new StoredEntry(item.entry, undefined, undefined);
      return;
    }
    const cursors = [...this.runs.map((run) => runCursor(run, this.levels[run.level] as Level, withFindings)), heldCursor(this.held)];
    for (const cursor of merged(cursors)) {
      if (!this.counts(cursor.key)) continue;
      yield cursor.held ? new StoredEntry(cursor.held, undefined, undefined) : new StoredEntry(undefined, (cursor.head as string).split('\t'), cursor.findings);
    }
  }

  /** Removes the runs; the store is empty afterwards. */
  close(): void {
    for (const { heads, findings } of this.levels.splice(0)) {
      heads.close();
      findings.close();
    }
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
