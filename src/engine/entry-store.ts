import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ConversationEntry } from './aggregate.js';
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

/** Rough heap cost of an entry and of each finding beyond its texts: objects, sources, ids. */
const ENTRY_OVERHEAD_BYTES = 600;
const FINDING_OVERHEAD_BYTES = 400;

/**
 * Every field of an entry, as a column of its line on disk (in this order). A field added to
 * ConversationEntry must be named here, or it would be lost on the way through the disk.
 */
const COLUMNS: Record<keyof ConversationEntry, true> = {
  summary: true,
  findings: true,
  waived: true,
  agentMessages: true,
  agentCritical: true,
  messagesByFile: true,
  duplicates: true,
};
const FIELDS = Object.keys(COLUMNS) as Array<keyof ConversationEntry>;
const COLUMN_OF = new Map(FIELDS.map((field, i) => [field, i + 1]));

/** An entry's place in the report: first message, then conversation id, then the order entries were added. */
type SortKey = [startedAt: string, conversationId: string, seq: number];

function compareKeys(a: SortKey, b: SortKey): number {
  return (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2];
}

/** One entry as a pass reads it: from memory as it was added, or from its line on disk, a field parsed when asked. */
export class StoredEntry {
  constructor(
    private readonly entry: ConversationEntry | undefined,
    private readonly columns: readonly string[] | undefined,
  ) {}

  get<K extends keyof ConversationEntry>(field: K): ConversationEntry[K] {
    if (this.entry) return this.entry[field];
    const text = this.columns?.[COLUMN_OF.get(field) ?? -1] ?? '';
    // An empty column is a field that was undefined.
    return (text === '' ? undefined : JSON.parse(text)) as ConversationEntry[K];
  }

  /** Every field (for what needs whole entries: shard files, the cache). */
  whole(): ConversationEntry {
    if (this.entry) return this.entry;
    return Object.fromEntries(FIELDS.map((field) => [field, this.get(field)])) as unknown as ConversationEntry;
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

function lineOf({ key, entry }: Held): string {
  const columns = FIELDS.map((field) => {
    const value = entry[field];
    return value === undefined ? '' : JSON.stringify(value);
  });
  // JSON.stringify escapes every control character, so tabs and newlines only ever separate columns and lines.
  return `${JSON.stringify(key)}\t${columns.join('\t')}\n`;
}

const keyOfLine = (line: string): SortKey => JSON.parse(line.slice(0, line.indexOf('\t'))) as SortKey;

/** A run's lines, read forward a chunk at a time. */
class RunReader {
  private fd: number | undefined;
  private readonly buffer = Buffer.allocUnsafe(READ_CHUNK);
  private start = 0;
  private end = 0;
  private carried: Buffer[] = [];

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  nextLine(): string | undefined {
    for (;;) {
      if (this.fd === undefined) return undefined;
      const newline = this.buffer.indexOf(10, this.start);
      if (newline !== -1 && newline < this.end) {
        const tail = this.buffer.subarray(this.start, newline);
        this.start = newline + 1;
        if (this.carried.length === 0) return tail.toString('utf8');
        const line = Buffer.concat([...this.carried, tail]).toString('utf8');
        this.carried = [];
        return line;
      }
      // A line longer than what is left of the chunk: keep its start (a copy, the buffer is reused).
      if (this.start < this.end) this.carried.push(Buffer.from(this.buffer.subarray(this.start, this.end)));
      this.start = 0;
      this.end = readSync(this.fd, this.buffer, 0, READ_CHUNK, null);
      if (this.end === 0) this.close();
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Lines written to a new file in pieces of about a megabyte. */
class RunWriter {
  private readonly fd: number;
  private pending: string[] = [];
  private size = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'wx', 0o600);
  }

  write(line: string): void {
    this.pending.push(line);
    this.size += line.length;
    if (this.size >= WRITE_CHUNK) this.flush();
  }

  private flush(): void {
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(this.fd, bytes, offset);
    this.pending = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A source of entries in report order, for the merge: its next key, and the entry behind it. */
interface Cursor {
  key: SortKey;
  line: string | undefined;
  held: ConversationEntry | undefined;
  advance(): boolean;
  close(): void;
}

function runCursor(path: string): Cursor {
  const reader = new RunReader(path);
  const cursor: Cursor = {
    key: ['', '', 0],
    line: undefined,
    held: undefined,
    advance() {
      cursor.line = reader.nextLine();
      if (cursor.line === undefined) return false;
      cursor.key = keyOfLine(cursor.line);
      return true;
    },
    close: () => reader.close(),
  };
  return cursor;
}

function heldCursor(held: readonly Held[]): Cursor {
  let next = 0;
  const cursor: Cursor = {
    key: ['', '', 0],
    line: undefined,
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

interface Run {
  path: string;
  level: number;
}

/**
 * Checked conversations' entries until the report is written, in any order and never all in memory:
 * held up to a byte budget, then sorted into report order and written as a run (JSON Lines, one column
 * per field, in a private temporary folder); runs are merged sixteen at a time as they pile up. Reading
 * (entries()) merges the runs and what is still held back into report order, as often as the report's
 * passes ask; entries superseded by a later check of their conversation are left out. close() removes
 * the folder (as does exit, or an interrupt).
 */
export class EntryStore implements EntrySink {
  private held: Held[] = [];
  private heldBytes = 0;
  private nextSeq = 0;
  /** Per superseded conversation: entries added before this sequence number do not count. */
  private readonly superseded = new Map<string, number>();
  private folder: string | undefined;
  private runs: Run[] = [];
  private runsMade = 0;
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

  private newRunPath(): string {
    this.folder ??= makeTempFolder('chatlint-entries-');
    return join(this.folder, `run-${this.runsMade++}.jsonl`);
  }

  private heldInOrder(): Held[] {
    return this.held.filter((item) => this.counts(item.key)).sort((a, b) => compareKeys(a.key, b.key));
  }

  private spillHeld(): void {
    const path = this.newRunPath();
    const writer = new RunWriter(path);
    try {
      for (const item of this.heldInOrder()) writer.write(lineOf(item));
    } finally {
      writer.close();
    }
    this.held = [];
    this.heldBytes = 0;
    this.runs.push({ path, level: 0 });
    this.compact();
  }

  /** While one level has FAN_IN runs, they become one run of the next level (superseded entries dropped). */
  private compact(): void {
    for (let level = 0; ; level++) {
      const same = this.runs.filter((run) => run.level === level);
      if (same.length < FAN_IN) return;
      const path = this.newRunPath();
      const writer = new RunWriter(path);
      try {
        for (const cursor of merged(same.map((run) => runCursor(run.path)))) {
          if (this.counts(cursor.key)) writer.write(`${cursor.line as string}\n`);
        }
      } finally {
        writer.close();
      }
      for (const run of same) unlinkSync(run.path);
      this.runs = [...this.runs.filter((run) => run.level !== level), { path, level: level + 1 }];
    }
  }

  /**
   * The entries that count, in report order (first message, then id, then the order they were added).
   * Each call is a fresh pass over everything; adding ends at the first.
   */
  *entries(): Generator<StoredEntry> {
    if (!this.sealed) {
      this.sealed = true;
      this.held = this.heldInOrder();
    }
    if (this.runs.length === 0) {
      for (const item of this.held) yield new StoredEntry(item.entry, undefined);
      return;
    }
    const cursors = [...this.runs.map((run) => runCursor(run.path)), heldCursor(this.held)];
    for (const cursor of merged(cursors)) {
      if (!this.counts(cursor.key)) continue;
      yield cursor.held ? new StoredEntry(cursor.held, undefined) : new StoredEntry(undefined, (cursor.line as string).split('\t'));
    }
  }

  /** Removes the runs; the store is empty afterwards. */
  close(): void {
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
