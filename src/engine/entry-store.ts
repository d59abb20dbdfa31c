import { closeSync, ftruncateSync, openSync, readSync, writeSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { jsonElements, type Finding, type Report, type Waiver } from '../model/report.js';
import type { SkippedRecord } from '../model/message.js';
import { own } from '../model/records.js';
import type { ConversationEntry, PackedEntry } from './entry.js';
import type { EntrySink } from './entry-sink.js';
import { makeTempFolder, removeTempFolder } from './temp-folder.js';
import { printSummary } from './print-summary.js';

/** Bytes of packed entries held in memory before they go to disk as a sorted run (a spill is a plain write). */
export const DEFAULT_ENTRY_BUDGET_BYTES = 8 * 1024 * 1024;

/**
 * Runs of one level merged into one run of the next once there are this many. Runs share their level's
 * files, so the count costs no descriptors, only read buffers (READ_BUDGET): a merge this wide rewrites
 * nothing below about 4 GB of lists at the default budget, and a budget of 0 (a run per entry) stays a
 * heap of at most this many.
 */
const DEFAULT_FAN_IN = 512;
/** Bytes read from a run at a time, per open run and part, at most; less when many are open (READ_BUDGET). */
const READ_CHUNK = 64 * 1024;
const MIN_READ_CHUNK = 4 * 1024;
/** Bytes of read buffers a merge aims at over all its runs and parts. */
const READ_BUDGET = 4 * 1024 * 1024;

/** How much each of `readers` reads at a time. */
const chunkFor = (readers: number) => Math.max(MIN_READ_CHUNK, Math.min(READ_CHUNK, Math.floor(READ_BUDGET / Math.max(1, readers))));
/** Characters gathered before one write. */
const WRITE_CHUNK = 1 << 20;
/** Pieces written with one call (IOV_MAX on Linux). */
const MAX_PIECES_PER_WRITE = 1024;
/** What a held entry costs beyond its texts (the object, its array, the key). */
const HELD_OVERHEAD_BYTES = 160;

/** A waiver as one string, to tell which waivers some conversation used. */
export const waiverKey = (w: Waiver) => `${w.source}\u0000${w.conversationId}\u0000${w.ruleId}\u0000${w.messageIndex ?? ''}`;

/**
 * What the report's head (summary, agents, unused waivers) needs of an entry, as one flat array (JSON.parse
 * reads a flat array of numbers and strings a few times faster than nested arrays), in the order the fold
 * (reportFromStore) takes them; each list as its length and then its items' fields, flags as 0 or 1:
 * - the conversation's messages, score, bottom-line flag;
 * - per agent who wrote (agentMessages): id, first name given or null, messages;
 * - its findings' counts by severity (error, warning, info), then per agent with findings (in order of their
 *   first finding): id, first name given or null, findings, and per rule (in order of first finding): rule
 *   id, findings;
 * - per agent of summary.agents: id, own score, bottom-line flag;
 * - per input file (messagesByFile): file, messages;
 * - its duplicates, as one array of skips;
 * - the waivers its waived findings used (waiverKey).
 */
export type FlatHead = Array<string | number | null | SkippedRecord[]>;

/** An entry's FlatHead. */
export function flatHead(entry: ConversationEntry): FlatHead {
  const { summary, findings } = entry;
  const head: FlatHead = [summary.messages, summary.score, summary.critical ? 1 : 0, entry.agentMessages.length];
  for (const [agentId, agentName, messages] of entry.agentMessages) head.push(agentId, agentName, messages);
  let error = 0;
  let warning = 0;
  let info = 0;
  const agents = new Map<string, { name: string | null; findings: number; rules: Map<string, number> }>();
  for (const finding of findings) {
    if (finding.severity === 'error') error++;
    else if (finding.severity === 'warning') warning++;
    else info++;
    if (finding.agentId === null) continue;
    let agent = agents.get(finding.agentId);
    if (!agent) agents.set(finding.agentId, (agent = { name: finding.agentName, findings: 0, rules: new Map() }));
    agent.name ??= finding.agentName;
    agent.findings++;
    agent.rules.set(finding.ruleId, (agent.rules.get(finding.ruleId) ?? 0) + 1);
  }
  head.push(error, warning, info, agents.size);
  for (const [agentId, { name, findings: count, rules }] of agents) {
    head.push(agentId, name, count, rules.size);
    for (const [ruleId, n] of rules) head.push(ruleId, n);
  }
  head.push(summary.agents.length);
  summary.agents.forEach((agentId, i) => head.push(agentId, own(summary.agentScores, agentId) ?? 0, entry.agentCritical[i] ? 1 : 0));
  head.push(entry.messagesByFile.length);
  for (const [file, messages] of entry.messagesByFile) head.push(file, messages);
  head.push(entry.duplicates, entry.waived.length);
  for (const { waiver } of entry.waived) head.push(waiverKey(waiver));
  return head;
}

/** Reads a FlatHead's fields in order. */
export class HeadReader {
  private at = 0;
  constructor(private readonly head: FlatHead) {}
  number(): number {
    return this.head[this.at++] as number;
  }
  skip(fields: number): void {
    this.at += fields;
  }
  flag(): boolean {
    return this.head[this.at++] === 1;
  }
  string(): string {
    return this.head[this.at++] as string;
  }
  name(): string | null {
    return this.head[this.at++] as string | null;
  }
  skips(): SkippedRecord[] {
    return this.head[this.at++] as SkippedRecord[];
  }
}

/** An entry's lists, each printed ahead (see PackedEntry) and a stream of its own on disk: a pass reads the heads and at most one list. */
export type EntryList = 'conversations' | 'findings' | 'waived';
const LIST_INDEX: Record<EntryList, number> = { conversations: 0, findings: 1, waived: 2 };
const LISTS = 3;

/** Bytes of lists packed into one allocation: a worker posts its slabs whole (moved, not copied). */
const SLAB_BYTES = 1 << 20;

/**
 * Packs entries, their lists into slabs of about a megabyte (one allocation per slab, not per entry). A
 * packer that `transfers` keeps the slabs it filled until release() hands them over with their entries (a
 * worker's); else a slab is kept only by the entries in it.
 */
export class EntryPacker {
  private slab = Buffer.allocUnsafeSlow(0);
  private used = 0;
  private filled: ArrayBuffer[] = [];

  constructor(private readonly transfers = false) {}

  /** The entries packed into the current slab (their views move if it is trimmed). */
  private inSlab: PackedEntry[] = [];

  pack(entry: ConversationEntry): PackedEntry {
    const { summary } = entry;
    const lists = [printSummary(summary), jsonElements(entry.findings), jsonElements(entry.waived)] as const;
    const headText = JSON.stringify(flatHead(entry));
    // UTF-8 takes at most three bytes per UTF-16 unit; the key's strings are printed as JSON here, at most six
    // bytes per unit (an escape), and its sizes are numbers of at most 16 digits.
    const most = 3 * (lists[0].length + lists[1].length + lists[2].length + headText.length) + 6 * (summary.startedAt.length + summary.conversationId.length) + 128;
    if (this.used + most > this.slab.length) {
      if (this.used > 0 && this.transfers) this.filled.push(this.slab.buffer as ArrayBuffer);
      this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, most));
      this.used = 0;
      this.inSlab = [];
    }
    const start = this.used;
    // The lists come first and the line after them (its key holds their sizes), so nothing is moved.
    const slab = this.slab;
    const conversationSize = slab.write(lists[0], this.used, 'utf8');
    this.used += conversationSize;
    const findingsSize = slab.write(lists[1], this.used, 'utf8');
    this.used += findingsSize;
    const waivedSize = slab.write(lists[2], this.used, 'utf8');
    this.used += waivedSize;
    const line = `${JSON.stringify([summary.startedAt, summary.conversationId, conversationSize, findingsSize, waivedSize])}\t${headText}\t`;
    const lineSize = slab.write(line, this.used, 'utf8');
    this.used += lineSize;
    const sizes: PackedEntry['sizes'] = [lineSize, conversationSize, findingsSize, waivedSize];
    const packed = { startedAt: summary.startedAt, conversationId: summary.conversationId, sizes, bytes: this.slab.subarray(start, this.used) };
    if (this.transfers) this.inSlab.push(packed);
    return packed;
  }

  /**
   * The slabs of the entries packed since the last call, to transfer with them; later entries go to a new
   * slab. A slab mostly empty is trimmed first (its entries' views moved to the copy), so the receiver holds
   * no empty space.
   */
  release(): ArrayBuffer[] {
    if (this.used > 0) {
      if (this.used < this.slab.length * 0.75) {
        const trimmed = Buffer.allocUnsafeSlow(this.used);
        this.slab.copy(trimmed, 0, 0, this.used);
        for (const packed of this.inSlab) packed.bytes = trimmed.subarray(packed.bytes.byteOffset - this.slab.byteOffset, packed.bytes.byteOffset - this.slab.byteOffset + packed.bytes.length);
        this.slab = trimmed;
      }
      this.filled.push(this.slab.buffer as ArrayBuffer);
    }
    const slabs = this.filled;
    this.filled = [];
    this.slab = Buffer.allocUnsafeSlow(0);
    this.used = 0;
    this.inSlab = [];
    return slabs;
  }
}

const asBuffer = (bytes: Uint8Array) => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));

/** The elements of a printed list, parsed back. */
function parseElements<T>(bytes: Uint8Array): T[] {
  return bytes.length === 0 ? [] : (JSON.parse(`[${asBuffer(bytes).toString('utf8')}]`) as T[]);
}

/** One entry as a pass reads it: its head, and the list the pass asked for (every one for a held entry). */
export class StoredEntry {
  constructor(
    /** The start of its line (see PackedEntry), as read from disk or as packed. */
    private readonly line: Uint8Array,
    private readonly lists: ReadonlyArray<Uint8Array | undefined>,
  ) {}

  head(): HeadReader {
    const line = asBuffer(this.line);
    return new HeadReader(JSON.parse(line.toString('utf8', line.indexOf(TAB) + 1, line.length - 1)) as FlatHead);
  }

  /** A list's elements as the JSON report prints them, in UTF-8 (empty for an empty list). */
  printed(list: EntryList): Uint8Array {
    const bytes = this.lists[LIST_INDEX[list]];
    if (bytes === undefined) throw new Error(`EntryStore: ${list} not read in this pass`);
    return bytes;
  }

  summary(): ConversationEntry['summary'] {
    return (parseElements(this.printed('conversations')) as Array<ConversationEntry['summary']>)[0] as ConversationEntry['summary'];
  }

  findings(): Finding[] {
    return parseElements(this.printed('findings'));
  }

  waived(): Report['waived'] {
    return parseElements(this.printed('waived'));
  }

  /** Every field (for what needs whole entries: shard files, the cache); the pass must have read every list. */
  whole(): ConversationEntry {
    const head = this.head();
    head.skip(3);
    const agentMessages: ConversationEntry['agentMessages'] = Array.from({ length: head.number() }, () => [head.string(), head.name(), head.number()]);
    head.skip(3);
    for (let agents = head.number(); agents > 0; agents--) {
      head.skip(3);
      head.skip(2 * head.number());
    }
    const agentCritical = Array.from({ length: head.number() }, () => (head.skip(2), head.flag()));
    const messagesByFile: ConversationEntry['messagesByFile'] = Array.from({ length: head.number() }, () => [head.string(), head.number()]);
    const duplicates = head.skips();
    return { summary: this.summary(), findings: this.findings(), waived: this.waived(), agentMessages, agentCritical, messagesByFile, duplicates };
  }
}

/** An entry's place in the report: first message, then conversation id, then the order entries were added. */
type SortKey = [startedAt: string, conversationId: string, seq: number];

function compareKeys(a: SortKey, b: SortKey): number {
  return (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2];
}

interface Held {
  key: SortKey;
  sizes: PackedEntry['sizes'];
  bytes: Uint8Array;
}

const NEWLINE = 10;
const TAB = 9;
const ZERO = 48;
const EMPTY = new Uint8Array(0);

/** The records of a byte range of a part file, read forward a chunk at a time at their own position. */
class RangeReader {
  // A fresh chunk per read: the lists handed out are views into it.
  private buffer = Buffer.allocUnsafeSlow(0);
  private start = 0;
  private end = 0;

  constructor(
    private readonly fd: number,
    private position: number,
    private readonly stop: number,
    private readonly chunk: number,
  ) {}

  /** Reads the next chunk; what is left of the current one comes first. */
  private more(least: number): void {
    const left = this.end - this.start;
    const size = Math.max(this.chunk, least);
    const next = Buffer.allocUnsafeSlow(size);
    this.buffer.copy(next, 0, this.start, this.end);
    const wanted = Math.min(size - left, this.stop - this.position);
    const read = wanted > 0 ? readSync(this.fd, next, left, wanted, this.position) : 0;
    if (read === 0) throw new Error('EntryStore: a run ends before its last record');
    this.position += read;
    this.buffer = next;
    this.start = 0;
    this.end = left + read;
  }

  /** The next line (without its newline), or undefined at the end of the range. */
  line(): Buffer | undefined {
    for (;;) {
      const at = this.buffer.indexOf(NEWLINE, this.start);
      if (at !== -1 && at < this.end) {
        const line = this.buffer.subarray(this.start, at);
        this.start = at + 1;
        return line;
      }
      if (this.position >= this.stop) return undefined;
      this.more(2 * (this.end - this.start));
    }
  }

  /** The next `size` bytes. */
  bytes(size: number): Uint8Array {
    if (this.end - this.start < size) this.more(size);
    const bytes = this.buffer.subarray(this.start, this.start + size);
    this.start += size;
    return bytes;
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
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'wx+', 0o600);
  }

  append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.size += bytes.length;
    if (this.pendingBytes >= WRITE_CHUNK || this.pending.length >= MAX_PIECES_PER_WRITE) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const at = this.size - this.pendingBytes;
    // One system call for the pieces as they are; what a short write left goes out copied together.
    const written = writevSync(this.fd, this.pending, at);
    if (written < this.pendingBytes) {
      const rest = Buffer.concat(this.pending, this.pendingBytes).subarray(written);
      for (let offset = 0; offset < rest.length; ) offset += writeSync(this.fd, rest, offset, rest.length - offset, at + written + offset);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Every run in it was merged into the next level: it is empty again. */
  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.size = 0;
    ftruncateSync(this.fd, 0);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A source of entries in report order, for the merge: its next entry's key, the start of its line, its lists read. */
interface Cursor {
  key: SortKey;
  line: Uint8Array;
  /** All three for a held entry, else those the pass asked for. */
  read: ReadonlyArray<Uint8Array | undefined>;
  advance(): boolean;
}

/** A run: its records' byte ranges in its level's files (heads, then one per list). */
interface Run {
  level: number;
  ranges: Array<[start: number, end: number]>;
}

type Level = LevelFile[];


/** A run's entries, reading the heads and the lists in `lists` (entry for entry). */
function runCursor(run: Run, level: Level, lists: readonly number[], chunk: number): Cursor {
  const reader = (part: number) => new RangeReader((level[part] as LevelFile).fd, ...(run.ranges[part] as [number, number]), chunk);
  const heads = reader(0);
  const readers = lists.map((list) => [list, reader(list + 1)] as const);
  const cursor: Cursor = {
    key: ['', '', 0],
    line: EMPTY,
    read: [],
    advance() {
      const line = heads.line();
      if (line === undefined) return false;
      // The line is its packed start, then the order it was added in. Only its key is decoded here: a pass
      // that reads no heads never decodes them.
      const seqAt = line.lastIndexOf(TAB) + 1;
      const [startedAt, id, ...sizes] = JSON.parse(line.toString('utf8', 0, line.indexOf(TAB))) as [string, string, number, number, number];
      const read: Array<Uint8Array | undefined> = [];
      for (const [list, lists] of readers) read[list] = lists.bytes(sizes[list] as number);
      let seq = 0;
      for (let at = seqAt; at < line.length; at++) seq = seq * 10 + ((line[at] as number) - ZERO);
      cursor.key = [startedAt, id, seq];
      cursor.line = line.subarray(0, seqAt);
      cursor.read = read;
      return true;
    },
  };
  return cursor;
}

/** A held entry's parts (the start of its line, its lists), each a view of its bytes (the lists, then the line: see PackedEntry). */
function partsOf({ sizes: [line, conversation, findings, waived], bytes }: Held): Uint8Array[] {
  const lists = conversation + findings + waived;
  return [
    bytes.subarray(lists, lists + line),
    bytes.subarray(0, conversation),
    bytes.subarray(conversation, conversation + findings),
    bytes.subarray(conversation + findings, lists),
  ];
}

function heldCursor(held: readonly Held[]): Cursor {
  let next = 0;
  const cursor: Cursor = {
    key: ['', '', 0],
    line: EMPTY,
    read: [],
    advance() {
      const item = held[next++];
      if (!item) return false;
      const [line, ...lists] = partsOf(item);
      cursor.key = item.key;
      cursor.line = line as Uint8Array;
      cursor.read = lists;
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

const ALL_LISTS = [0, 1, 2];

/**
 * Checked conversations' entries until the report is written, in any order and never all in memory:
 * packed entries (see PackedEntry) held up to a budget of bytes, then sorted into report order and
 * appended as a run (in a private temporary folder, one file per level and part: heads, with each entry's
 * key and lists' sizes, then one per list); runs are merged many at a time (DEFAULT_FAN_IN) into the next level as they
 * pile up. Reading (entries()) merges the runs and what is still held into report order, as often as the
 * report's passes ask, reading from disk only the heads and the list a pass asks for; entries superseded
 * by a later check of their conversation are left out. close() removes the folder (as does exit, or an
 * interrupt).
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
  private readonly packer = new EntryPacker();

  constructor(
    private readonly budgetBytes = DEFAULT_ENTRY_BUDGET_BYTES,
    /** Runs per level before they are merged into one (tests make it small to exercise the merge). */
    private readonly fanIn = DEFAULT_FAN_IN,
  ) {}

  /** The private folder of the runs, once entries went to disk. */
  get spillFolder(): string | undefined {
    return this.folder;
  }

  add(entry: ConversationEntry): void {
    this.addPacked(this.packer.pack(entry));
  }

  addPacked({ startedAt, conversationId, sizes, bytes }: PackedEntry): void {
    if (this.sealed) throw new Error('EntryStore: add after reading began');
    this.held.push({ key: [startedAt, conversationId, this.nextSeq++], sizes, bytes });
    this.heldBytes += HELD_OVERHEAD_BYTES + 2 * (startedAt.length + conversationId.length) + bytes.length;
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

  /** Appends entries (given in report order, as cursors give them, every list read) to a level as one run. */
  private appendRun(index: number, entries: Iterable<Cursor>): void {
    const files = this.level(index);
    const run: Run = { level: index, ranges: files.map((file) => [file.size, file.size]) };
    const heads = files[0] as LevelFile;
    for (const { key, line, read } of entries) {
      heads.append(line);
      heads.append(Buffer.from(`${key[2]}\n`, 'latin1'));
      for (let list = 0; list < LISTS; list++) (files[list + 1] as LevelFile).append(read[list] as Uint8Array);
    }
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
    this.appendRun(0, merged([heldCursor(held)]));
    this.compact();
  }

  /** Pending writes reach the files, so readers see every run. */
  private flush(): void {
    for (const files of this.levels) for (const file of files) file.flush();
  }

  /** While one level has fanIn runs, they become one run of the next level (superseded entries dropped). */
  private compact(): void {
    for (let index = 0; ; index++) {
      const same = this.runs.filter((run) => run.level === index);
      if (same.length < this.fanIn) return;
      this.flush();
      const level = this.level(index);
      this.runs = this.runs.filter((run) => run.level !== index);
      const store = this;
      const chunk = chunkFor(same.length * (1 + LISTS));
      this.appendRun(
        index + 1,
        (function* () {
          for (const cursor of merged(same.map((run) => runCursor(run, level, ALL_LISTS, chunk)))) if (store.counts(cursor.key)) yield cursor;
        })(),
      );
      // Every run of this level is in the next one now: its files start over.
      for (const file of level) file.reset();
    }
  }

  /**
   * The entries that count, in report order (first message, then id, then the order they were added).
   * Each call is a fresh pass over everything; adding ends at the first. Every entry's head can be read;
   * of its lists, `list` (or every one; entries held in memory have every one).
   */
  *entries(list?: EntryList | 'all'): Generator<StoredEntry> {
    if (!this.sealed) {
      this.sealed = true;
      this.held = this.heldInOrder();
      this.flush();
    }
    if (this.runs.length === 0) {
      for (const item of this.held) {
        const [line, ...lists] = partsOf(item);
        yield new StoredEntry(line as Uint8Array, lists);
      }
      return;
    }
    const lists = list === undefined ? [] : list === 'all' ? ALL_LISTS : [LIST_INDEX[list]];
    const chunk = chunkFor(this.runs.length * (1 + lists.length));
    const cursors = [...this.runs.map((run) => runCursor(run, this.levels[run.level] as Level, lists, chunk)), heldCursor(this.held)];
    for (const cursor of merged(cursors)) {
      if (this.counts(cursor.key)) yield new StoredEntry(cursor.line, cursor.read);
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
  // The default budget's 6 MB: fewer runs make a smaller merge (an eighth, 2 MB, took ~40 MB more at 1 GB).
  return Math.min(DEFAULT_ENTRY_BUDGET_BYTES, (memoryBudgetBytes * 3) / 8);
}
