import { closeSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { jsonElements, type Finding, type Report, type Waiver } from '../model/report.js';
import type { SkippedRecord } from '../model/message.js';
import { own } from '../model/records.js';
import type { ConversationEntry, PackedEntry } from './entry.js';
import type { EntrySink } from './entry-sink.js';
import { makeTempFolder, removeTempFolder } from './temp-folder.js';
import { printSummaryInto } from './print-summary.js';
import { printFindingsInto } from './print-finding.js';
import { JsonPrinter, SharedPrints } from './json-printer.js';
import { compareKeys, merged, type KeyedCursor, type SortKey } from './sorted-merge.js';
import { chunkFor, RangeReader, writeAll } from './file-ranges.js';
import { utf8Slice } from '../input/encoding.js';
import { SharedTexts } from '../input/shared-text.js';
import { givePiece, pieceBuffer, PIECE_BYTES } from './piece-pool.js';

/** Bytes of packed entries held in memory before they go to disk as a sorted run (a spill is a plain write). */
export const DEFAULT_ENTRY_BUDGET_BYTES = 8 * 1024 * 1024;

/**
 * Runs of one level merged into one run of the next once there are this many. Runs share their level's
 * files, so the count costs no descriptors, only read buffers (READ_BUDGET): a merge this wide rewrites
 * nothing below about 4 GB of lists at the default budget, and a budget of 0 (a run per entry) stays a
 * heap of at most this many.
 */
const DEFAULT_FAN_IN = 512;
/** Bytes of read buffers a merge aims at over all its runs and parts. */
const READ_BUDGET = 4 * 1024 * 1024;
/** Bytes gathered per level file before one write. */
const WRITE_BUFFER = 256 * 1024;
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

/**
 * Indexes of each agent's first finding (in order), and of each rule's first among one agent's findings:
 * scratch for printHeadInto, with counts of what is in use (V8 drops an emptied array's storage).
 */
const firstOfAgent: number[] = [];
const firstOfRule: number[] = [];

/** The first of the first `count` indexes whose finding has this agent id (when given) and rule id (when given), or -1. */
function indexWith(findings: readonly Finding[], indexes: readonly number[], count: number, agentId: string | undefined, ruleId: string | undefined): number {
  for (let i = 0; i < count; i++) {
    const index = indexes[i] as number;
    const finding = findings[index] as Finding;
    if ((agentId === undefined || finding.agentId === agentId) && (ruleId === undefined || finding.ruleId === ruleId)) return index;
  }
  return -1;
}

/** A comma and a string many heads share (a rule id, an input's file name), printed once. */
const sharedCommaString = new SharedPrints((printer, text) => printer.commaString(text));

/** JSON.stringify(flatHead(entry)), printed straight into the printer's buffer without making the array. */
export function printHeadInto(printer: JsonPrinter, entry: ConversationEntry): void {
  const { summary, findings, agentMessages } = entry;
  printer.ascii('[');
  printer.number(summary.messages);
  printer.commaNumber(summary.score);
  printer.ascii(summary.critical ? ',1,' : ',0,');
  printer.number(agentMessages.length);
  for (let i = 0; i < agentMessages.length; i++) {
    const [agentId, agentName, messages] = agentMessages[i] as ConversationEntry['agentMessages'][number];
    printer.commaString(agentId);
    printer.commaName(agentName ?? null);
    printer.commaNumber(messages);
  }
  let error = 0;
  let warning = 0;
  let info = 0;
  let agents = 0;
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i] as Finding;
    if (finding.severity === 'error') error++;
    else if (finding.severity === 'warning') warning++;
    else info++;
    if (finding.agentId !== null && indexWith(findings, firstOfAgent, agents, finding.agentId, undefined) === -1) firstOfAgent[agents++] = i;
  }
  printer.commaNumber(error);
  printer.commaNumber(warning);
  printer.commaNumber(info);
  printer.commaNumber(agents);
  for (let a = 0; a < agents; a++) {
    const first = firstOfAgent[a] as number;
    const agentId = (findings[first] as Finding).agentId;
    // Its name: the first one its findings give; its findings; its rules in order of first finding, and their findings.
    let name: string | null = null;
    let count = 0;
    let rules = 0;
    for (let i = first; i < findings.length; i++) {
      const finding = findings[i] as Finding;
      if (finding.agentId !== agentId) continue;
      name ??= finding.agentName;
      count++;
      if (indexWith(findings, firstOfRule, rules, undefined, finding.ruleId) === -1) firstOfRule[rules++] = i;
    }
    printer.commaString(agentId as string);
    printer.commaName(name ?? null);
    printer.commaNumber(count);
    printer.commaNumber(rules);
    for (let r = 0; r < rules; r++) {
      const rule = firstOfRule[r] as number;
      const { ruleId } = findings[rule] as Finding;
      let n = 0;
      for (let i = rule; i < findings.length; i++) if ((findings[i] as Finding).agentId === agentId && (findings[i] as Finding).ruleId === ruleId) n++;
      sharedCommaString.into(printer, ruleId);
      printer.commaNumber(n);
    }
  }
  printer.commaNumber(summary.agents.length);
  for (let i = 0; i < summary.agents.length; i++) {
    const agentId = summary.agents[i] as string;
    printer.commaString(agentId);
    printer.commaNumber(own(summary.agentScores, agentId) ?? 0);
    printer.ascii(entry.agentCritical[i] ? ',1' : ',0');
  }
  printer.commaNumber(entry.messagesByFile.length);
  for (const [file, messages] of entry.messagesByFile) {
    sharedCommaString.into(printer, file);
    printer.commaNumber(messages);
  }
  printer.comma();
  if (entry.duplicates.length === 0) printer.ascii('[]');
  else printer.text(JSON.stringify(entry.duplicates));
  printer.commaNumber(entry.waived.length);
  for (const { waiver } of entry.waived) {
    printer.commaString(waiverKey(waiver));
  }
  printer.ascii(']');
}

/** Short texts decoded lately, by their bytes (agent and rule ids, file names recur from head to head). */
const RECENT_BYTES = 32;
const recentTexts = new SharedTexts(1024);

/**
 * The UTF-8 text of `bytes` from `start` to `end`: a short one met lately is the string decoded then, so
 * the fold decodes each id about once, and its maps look up a string whose hash V8 has already computed.
 */
function recurringText(bytes: Buffer, start: number, end: number): string {
  if (end - start > RECENT_BYTES) return utf8Slice(bytes, start, end);
  const recent = recentTexts.find(bytes, start, end);
  if (recent !== undefined) return recent;
  const text = utf8Slice(bytes, start, end);
  recentTexts.remember(bytes, start, end, text);
  return text;
}

/** Reads a FlatHead's fields in order. */
export class HeadReader {
  /** The next field's first byte. */
  private at: number;

  /**
   * Reads the head printed (JSON, see printHeadInto) in `bytes` from `start` to `end`, field by field as
   * asked, without parsing it whole: a string is decoded only when read, and no array is made of it.
   */
  constructor(
    private readonly bytes: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.at = start + 1;
  }

  number(): number {
    const bytes = this.bytes;
    const start = this.at;
    let n = 0;
    let at = start;
    for (let b = bytes[at] as number; b >= ZERO && b <= ZERO + 9; b = bytes[++at] as number) n = n * 10 + (b - ZERO);
    // Whole numbers of up to 15 digits are exact this way; anything else (a fraction, a sign, an exponent, null) as JSON reads it.
    const next = bytes[at];
    if (at === start || at - start > 15 || (next !== COMMA && next !== CLOSE)) {
      at = this.valueEnd(start);
      n = JSON.parse(bytes.toString('latin1', start, at)) as number;
    }
    this.at = at + 1;
    return n;
  }

  skip(fields: number): void {
    for (let i = 0; i < fields; i++) this.at = this.valueEnd(this.at) + 1;
  }

  flag(): boolean {
    return this.number() === 1;
  }

  string(): string {
    const bytes = this.bytes;
    const start = this.at;
    this.escaped = false;
    const end = this.valueEnd(start);
    this.at = end + 1;
    // Without an escape the text between the quotes is the string, in UTF-8.
    return this.escaped ? (JSON.parse(bytes.toString('utf8', start, end)) as string) : recurringText(bytes, start + 1, end - 1);
  }

  /** Whether a string valueEnd went over held an escape. */
  private escaped = false;

  name(): string | null {
    if (this.bytes[this.at] === NULL_START) {
      this.at = this.valueEnd(this.at) + 1;
      return null;
    }
    return this.string();
  }

  skips(): SkippedRecord[] {
    const start = this.at;
    const end = this.valueEnd(start);
    this.at = end + 1;
    return end - start === 2 ? [] : (JSON.parse(this.bytes.toString('utf8', start, end)) as SkippedRecord[]);
  }

  /** Where the value starting at `start` ends (the comma or bracket after it). */
  private valueEnd(start: number): number {
    const bytes = this.bytes;
    let depth = 0;
    let inString = false;
    for (let at = start; at < this.end; at++) {
      const b = bytes[at] as number;
      if (inString) {
        if (b === BACKSLASH) {
          this.escaped = true;
          at++;
        } else if (b === QUOTE) inString = false;
      } else if (b === QUOTE) inString = true;
      else if (b === OPEN) depth++;
      else if (b === CLOSE || b === CLOSE_BRACE) {
        if (depth === 0) return at;
        depth--;
      } else if (b === OPEN_BRACE) depth++;
      else if (b === COMMA && depth === 0) return at;
    }
    return this.end;
  }
}

const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NULL_START = 0x6e;

/** An entry's lists, each printed ahead (see PackedEntry) and a stream of its own on disk: a pass reads the heads and at most one list. */
export type EntryList = 'conversations' | 'findings' | 'waived';
const LIST_INDEX: Record<EntryList, number> = { conversations: 0, findings: 1, waived: 2 };
const LIST_NAMES: readonly EntryList[] = ['conversations', 'findings', 'waived'];
const ALL_LISTS = [0, 1, 2];
const LISTS = 3;

/** Bytes of lists packed into one allocation: a worker posts its slabs whole (moved, not copied). */
const SLAB_BYTES = 1 << 20;

/**
 * Packs entries, their lists into slabs of about a megabyte (one allocation per slab, not per entry). A
 * packer that `transfers` keeps the slabs it filled until release() hands them over with their entries (a
 * worker's); else a slab is kept only by the entries in it.
 */
export class EntryPacker {
  private slab: Buffer = Buffer.allocUnsafeSlow(0);
  private used = 0;
  private filled: ArrayBuffer[] = [];

  constructor(private readonly transfers = false) {}

  /** The entries packed into the current slab (they move if it is trimmed). */
  private inSlab: PackedEntry[] = [];

  /** Prints into the current slab; a full slab is left to the entries in it (see renew). */
  private readonly printer = new JsonPrinter(this.slab, 0, (least) => this.renew(least));

  /** A fresh slab for an entry that does not fit in the current one (the printer copies what it printed of it). */
  private renew(least: number): Buffer {
    if (this.printer.marked > 0 && this.transfers) this.filled.push(this.slab.buffer as ArrayBuffer);
    // An entry that fills a slab of its own is big: room for it to grow without a copy per field.
    this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, this.printer.marked === 0 ? 2 * least : least));
    this.inSlab = [];
    return this.slab;
  }

  pack(entry: ConversationEntry): PackedEntry {
    const { summary } = entry;
    const printer = this.printer;
    printer.bytes = this.slab;
    printer.at = this.used;
    printer.mark();
    // The lists come first and the line after them (its key holds their sizes), so nothing is moved; each is
    // printed straight into the slab.
    printSummaryInto(printer, summary);
    const conversationSize = printer.at - printer.marked;
    printFindingsInto(printer, entry.findings);
    const findingsSize = printer.at - printer.marked - conversationSize;
    if (entry.waived.length > 0) printer.text(jsonElements(entry.waived));
    const lists = printer.at - printer.marked;
    const waivedSize = lists - conversationSize - findingsSize;
    // The line: [startedAt, conversationId, the lists' sizes] as JSON, a tab, the head (JSON.stringify(flatHead(entry))), a tab.
    printer.ascii('[');
    printer.string(summary.startedAt);
    printer.commaString(summary.conversationId);
    printer.commaNumber(conversationSize);
    printer.commaNumber(findingsSize);
    printer.commaNumber(waivedSize);
    printer.ascii(']\t');
    printHeadInto(printer, entry);
    printer.ascii('\t');
    const start = printer.marked;
    this.slab = printer.bytes;
    this.used = printer.at;
    const sizes: PackedEntry['sizes'] = [this.used - start - lists, conversationSize, findingsSize, waivedSize];
    const packed: PackedEntry = { startedAt: summary.startedAt, conversationId: summary.conversationId, sizes, slab: this.slab, at: start };
    if (this.transfers) this.inSlab.push(packed);
    return packed;
  }

  /**
   * The slabs of the entries packed since the last call, to transfer with them; later entries go to a new
   * slab. A slab mostly empty is trimmed first (its entries moved to the copy, at the same places), so the
   * receiver holds no empty space.
   */
  release(): ArrayBuffer[] {
    if (this.used > 0) {
      if (this.used < this.slab.length * 0.75) {
        const trimmed = Buffer.allocUnsafeSlow(this.used);
        this.slab.copy(trimmed, 0, 0, this.used);
        for (const packed of this.inSlab) packed.slab = trimmed;
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
export function parseElements<T>(bytes: Uint8Array): T[] {
  return bytes.length === 0 ? [] : (JSON.parse(`[${asBuffer(bytes).toString('utf8')}]`) as T[]);
}

/** One entry as a pass reads it: its head, and the list the pass asked for (every one for a held entry). */
export abstract class StoredEntry {
  /** Its head (see FlatHead), read field by field. */
  abstract head(): HeadReader;

  /** A list's elements as the JSON report prints them, in UTF-8 (empty for an empty list). */
  abstract printed(list: EntryList): Uint8Array;

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

/** The head in a line's bytes from `start` to `end` (its key, a tab, the head, a tab). */
const headIn = (bytes: Buffer, start: number, end: number) => new HeadReader(bytes, tabAfter(bytes, start) + 1, end - 1);

/**
 * The first tab from `start` on (the line has one: the key's JSON escapes any in its strings). A loop, not
 * indexOf: the key is a few dozen bytes, and Buffer's indexOf costs more to call than to scan that.
 */
function tabAfter(bytes: Buffer, start: number): number {
  let at = start;
  while (bytes[at] !== TAB) at++;
  return at;
}

/**
 * An entry read from a run: where its line and each list read are in the chunks they were read into (a
 * view is made only of what a pass uses).
 */
class ReadEntry extends StoredEntry {
  constructor(
    private readonly line: Buffer,
    private readonly lineStart: number,
    private readonly lineEnd: number,
    private readonly lists: ListsRead,
  ) {
    super();
  }

  head(): HeadReader {
    return headIn(this.line, this.lineStart, this.lineEnd);
  }

  printed(list: EntryList): Uint8Array {
    return listView(this.lists, LIST_INDEX[list]);
  }
}

/** Where a list of an entry was read: a chunk, and a range of it. */
class ListRead {
  constructor(
    readonly chunk: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}
}

/** Each list a pass read of an entry, by LIST_INDEX (none for a pass that reads heads only). */
type ListsRead = ReadonlyArray<ListRead | undefined>;
const NO_LISTS: ListsRead = [];

function listView(lists: ListsRead, index: number): Uint8Array {
  const read = lists[index];
  if (read === undefined) throw new Error(`EntryStore: ${LIST_NAMES[index] as EntryList} not read in this pass`);
  return read.start === read.end ? EMPTY : read.chunk.subarray(read.start, read.end);
}

/** An entry held in memory: views of its bytes are made only for what a pass uses. */
class HeldEntry extends StoredEntry {
  constructor(private readonly held: Held) {
    super();
  }

  head(): HeadReader {
    const [line, conversation, findings, waived] = this.held.sizes;
    const lists = this.held.at + conversation + findings + waived;
    return headIn(this.held.bytes, lists, lists + line);
  }

  printed(list: EntryList): Uint8Array {
    const index = LIST_INDEX[list];
    const start = this.held.at + listStart(this.held.sizes, index);
    const end = this.held.at + listStart(this.held.sizes, index + 1);
    return start === end ? EMPTY : this.held.bytes.subarray(start, end);
  }
}

/** Where list `index` starts in a packed entry's bytes (LISTS: where the line starts). */
function listStart(sizes: PackedEntry['sizes'], index: number): number {
  let start = 0;
  for (let list = 0; list < index; list++) start += sizes[1 + list] as number;
  return start;
}

/** An entry's place in the report: first message, then conversation id, then the order entries were added. */

interface Held {
  key: SortKey;
  sizes: PackedEntry['sizes'];
  /** The slab its bytes are in, from `at` on (see PackedEntry). */
  bytes: Buffer;
  at: number;
}

/**
 * Copies `from` bytes `start` to `end` into `to` at `at`: what from.copy(to, at, start, end) does for a range
 * known to fit, at half its cost (Buffer's copy checks its arguments and makes the same view besides).
 */
function copyInto(to: Uint8Array, at: number, from: Uint8Array, start: number, end: number): void {
  to.set(new Uint8Array(from.buffer, from.byteOffset + start, end - start), at);
}

const NEWLINE = 10;
const TAB = 9;
const ZERO = 48;
const EMPTY = new Uint8Array(0);
const EMPTY_BUFFER = Buffer.alloc(0);

/**
 * One file per level and part that runs are appended to, each run a byte range: a spill costs no file of
 * its own, and a level whose runs were all merged into the next starts over.
 */
class LevelFile {
  readonly fd: number;
  /** Bytes in the file, written or pending. */
  size = 0;
  /**
   * What is appended is copied here until it is full (a copy costs less than a view of each piece for
   * writev: spilling made four views and a buffer per entry).
   */
  private readonly pending = Buffer.allocUnsafeSlow(WRITE_BUFFER);
  private pendingBytes = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'wx+', 0o600);
  }

  /** Appends `from` bytes `start` to `end`. */
  append(from: Buffer, start: number, end: number): void {
    const size = end - start;
    if (size <= 0) return;
    if (this.pendingBytes + size > this.pending.length) this.flush();
    if (size > this.pending.length) writeAll(this.fd, from, start, size, this.size);
    else {
      copyInto(this.pending, this.pendingBytes, from, start, end);
      this.pendingBytes += size;
    }
    this.size += size;
  }

  /** Appends a whole number and a newline (an entry's sequence number, after its line). */
  appendNumberLine(n: number): void {
    if (this.pendingBytes + 17 > this.pending.length) this.flush();
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.pendingBytes + digits;
    this.pending[at] = NEWLINE;
    for (let rest = n; at > this.pendingBytes; rest = Math.floor(rest / 10)) this.pending[--at] = ZERO + (rest % 10);
    this.pendingBytes += digits + 1;
    this.size += digits + 1;
  }

  flush(): void {
    if (this.pendingBytes === 0) return;
    writeAll(this.fd, this.pending, 0, this.pendingBytes, this.size - this.pendingBytes);
    this.pendingBytes = 0;
  }

  /** Every run in it was merged into the next level: it is empty again. */
  reset(): void {
    this.pendingBytes = 0;
    this.size = 0;
    ftruncateSync(this.fd, 0);
  }

  close(): void {
    closeSync(this.fd);
  }
}


/** A source of entries in report order, for the merge: its next entry's key, that entry, and its parts to append to a run. */
interface Cursor extends KeyedCursor {
  /** The current entry, for a pass. */
  entry(): StoredEntry;
  /** Bytes of the current entry's list (by LIST_INDEX). */
  listSize(list: number): number;
  /** Its place among the cursors of a pass (see PassOrder). */
  source: number;
}

/** A run: its records' byte ranges in its level's files (heads, then one per list). */
interface Run {
  level: number;
  ranges: Array<[start: number, end: number]>;
}

type Level = LevelFile[];


/**
 * A run's entries, reading the heads and the lists in `lists` (entry for entry). Cursors are classes, not
 * objects of closures: the merge and each pass call the same methods whatever the run, and code compiled
 * for one run's closures was thrown away for the next's.
 */
class RunCursor implements Cursor {
  source = 0;
  private readonly heads: RangeReader;
  private readonly readers: Array<readonly [number, RangeReader]> = [];
  private line: Buffer = EMPTY_BUFFER;
  private lineStart = 0;
  private lineEnd = 0;
  private read = NO_LISTS;
  // The key is read into the same arrays each time (the merge compares keys only while they are current).
  readonly key: SortKey = ['', '', 0];
  private readonly keyFields: KeyFields = ['', '', 0, 0, 0];

  constructor(
    private readonly run: Run,
    private readonly level: Level,
    lists: readonly number[],
    private readonly chunk: number,
  ) {
    this.heads = this.reader(0);
    for (const list of lists) this.readers.push([list, this.reader(list + 1)]);
  }

  private reader(part: number): RangeReader {
    const [start, end] = this.run.ranges[part] as [number, number];
    return new RangeReader((this.level[part] as LevelFile).fd, start, end, this.chunk);
  }

  advance(): boolean {
    const { heads, keyFields } = this;
    if (!heads.line()) return false;
    const line = heads.current;
    this.line = line;
    this.lineStart = heads.lineStart;
    const end = heads.lineEnd;
    // The line is its packed start, then the order it was added in. Only its key is decoded here: a pass
    // that reads no heads never decodes them.
    // The sequence number is the last few bytes, after the last tab.
    let seqAt = end;
    while (line[seqAt - 1] !== TAB) seqAt--;
    readKey(line, this.lineStart, tabAfter(line, this.lineStart), keyFields);
    if (this.readers.length > 0) {
      const lists: Array<ListRead | undefined> = [];
      for (const [list, listReader] of this.readers) {
        const size = keyFields[2 + list] as number;
        const start = listReader.bytes(size);
        lists[list] = new ListRead(listReader.current, start, start + size);
      }
      this.read = lists;
    }
    let seq = 0;
    for (let at = seqAt; at < end; at++) seq = seq * 10 + ((line[at] as number) - ZERO);
    this.key[0] = keyFields[0];
    this.key[1] = keyFields[1];
    this.key[2] = seq;
    this.lineEnd = seqAt;
    return true;
  }

  entry(): StoredEntry {
    return new ReadEntry(this.line, this.lineStart, this.lineEnd, this.read);
  }

  listSize(list: number): number {
    return this.keyFields[2 + list] as number;
  }

  /** Appends the current entry to a run: the start of its line and its sequence number, its lists (every one read). */
  appendTo(files: Level): void {
    (files[0] as LevelFile).append(this.line, this.lineStart, this.lineEnd);
    (files[0] as LevelFile).appendNumberLine(this.key[2]);
    for (let list = 0; list < LISTS; list++) {
      const listRead = this.read[list];
      if (listRead === undefined) throw new Error(`EntryStore: ${LIST_NAMES[list] as EntryList} not read in this pass`);
      (files[list + 1] as LevelFile).append(listRead.chunk, listRead.start, listRead.end);
    }
  }
}

/** A line's key: the entry's first message time and conversation id, and its lists' sizes. */
type KeyFields = [startedAt: string, conversationId: string, conversation: number, findings: number, waived: number];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Reads the key `line` holds from `start` to `end` (JSON: two strings and three whole numbers, as the
 * packer prints them) into `into`: without JSON.parse (and the text and array it makes) when its strings
 * hold no escape.
 */
function readKey(line: Buffer, start: number, end: number, into: KeyFields): void {
  const quotes: number[] = keyQuotes;
  let count = 0;
  let plain = line[start] === 0x5b;
  for (let at = start + 1; plain && at < end; at++) {
    const b = line[at] as number;
    if (b === BACKSLASH) plain = false;
    else if (b === QUOTE) {
      if (count === 4) plain = false;
      else quotes[count++] = at;
    }
  }
  if (!plain || count !== 4) {
    const [startedAt, conversationId, conversation, findings, waived] = JSON.parse(line.toString('utf8', start, end)) as KeyFields;
    into[0] = startedAt;
    into[1] = conversationId;
    into[2] = conversation;
    into[3] = findings;
    into[4] = waived;
    return;
  }
  into[0] = utf8Slice(line, (quotes[0] as number) + 1, quotes[1] as number);
  into[1] = utf8Slice(line, (quotes[2] as number) + 1, quotes[3] as number);
  // ,c,f,w]
  let at = (quotes[3] as number) + 2;
  for (let field = 2; field < 5; field++) {
    let n = 0;
    for (let b = line[at] as number; b >= ZERO && b <= ZERO + 9; b = line[++at] as number) n = n * 10 + (b - ZERO);
    into[field] = n;
    at++;
  }
}
const keyQuotes: number[] = [0, 0, 0, 0];

const byHeldKey = (a: Held, b: Held) => compareKeys(a.key, b.key);

/** Appends a held entry to a run (the lists, then the line in its bytes: see PackedEntry). */
function appendHeld({ key, sizes: [line, conversation, findings, waived], bytes, at }: Held, files: Level): void {
  const lists = at + conversation + findings + waived;
  (files[0] as LevelFile).append(bytes, lists, lists + line);
  (files[0] as LevelFile).appendNumberLine(key[2]);
  (files[1] as LevelFile).append(bytes, at, at + conversation);
  (files[2] as LevelFile).append(bytes, at + conversation, at + conversation + findings);
  (files[3] as LevelFile).append(bytes, at + conversation + findings, lists);
}

/** The entries still held, in key order (see RunCursor). */
class HeldCursor implements Cursor {
  source = 0;
  private next = 0;
  private current = EMPTY_HELD;
  key: SortKey = EMPTY_HELD.key;

  constructor(private readonly held: readonly Held[]) {}

  advance(): boolean {
    if (this.next === this.held.length) return false;
    this.current = this.held[this.next++] as Held;
    this.key = this.current.key;
    return true;
  }

  entry(): StoredEntry {
    return new HeldEntry(this.current);
  }

  listSize(list: number): number {
    return this.current.sizes[1 + list] as number;
  }
}
const EMPTY_HELD: Held = { key: ['', '', 0], sizes: [0, 0, 0, 0], bytes: EMPTY_BUFFER, at: 0 };



/** Ints per entry in a PassOrder: its source, then its lists' sizes. */
const ORDER_INTS = 1 + LISTS;
/** Entries of a PassOrder written or read at a time (64 KB). */
const ORDER_BLOCK = 4096;

/**
 * The order a pass over runs met entries in: per entry, the cursor that gave it (times two, plus one when it
 * counts) and its lists' sizes, 16 bytes an entry, so a list pass needs no heads and no merge. Kept in a
 * file of the store's folder, a block at a time: memory stays flat in the size of the night.
 */
class PassOrder {
  private readonly fd: number;
  private readonly block = new Int32Array(ORDER_INTS * ORDER_BLOCK);
  private filled = 0;
  private bytes = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'wx+', 0o600);
  }

  push(cursor: Cursor, counts: boolean): void {
    if (this.filled === this.block.length) this.flush();
    const block = this.block;
    let at = this.filled;
    block[at++] = 2 * cursor.source + (counts ? 1 : 0);
    for (let list = 0; list < LISTS; list++) block[at++] = cursor.listSize(list);
    this.filled = at;
  }

  /** Every entry pushed is in the file. */
  flush(): void {
    const size = this.filled * Int32Array.BYTES_PER_ELEMENT;
    writeAll(this.fd, new Uint8Array(this.block.buffer, 0, size), 0, size, this.bytes);
    this.bytes += size;
    this.filled = 0;
  }

  /** The entries in order, a block at a time (the same array, refilled: read each before the next). */
  *blocks(): Generator<Int32Array> {
    const block = new Int32Array(ORDER_INTS * ORDER_BLOCK);
    const bytes = new Uint8Array(block.buffer);
    for (let position = 0; position < this.bytes; ) {
      const size = Math.min(bytes.length, this.bytes - position);
      for (let read = 0; read < size; ) {
        const got = readSync(this.fd, bytes, read, size - read, position + read);
        if (got === 0) throw new Error('EntryStore: the order of entries ends early');
        read += got;
      }
      position += size;
      yield size === bytes.length ? block : block.subarray(0, size / Int32Array.BYTES_PER_ELEMENT);
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * One list of the entries that count, in report order, entry by entry: each next() moves to the next
 * non-empty list, in `bytes` from `start` to `end` (a read chunk that the next read reuses, or a held
 * entry's bytes). Over runs it follows a PassOrder: each run's list is read straight through, no head read
 * and nothing merged; the held entries (the order's last source) all count.
 */
class ListWalk {
  bytes: Buffer = EMPTY_BUFFER;
  start = 0;
  end = 0;
  private readonly blocks: Iterator<Int32Array> | undefined;
  private block: Int32Array = new Int32Array(0);
  private at = 0;
  private nextHeld = 0;

  constructor(
    private readonly index: number,
    private readonly held: readonly Held[],
    /** The order of entries over runs; none when every entry is held. */
    order: PassOrder | undefined,
    /** Per run, a reader of its list. */
    private readonly readers: readonly RangeReader[],
  ) {
    this.blocks = order?.blocks();
  }

  next(): boolean {
    for (;;) {
      let source = 1;
      let size: number;
      if (this.blocks === undefined) {
        // Held entries only, in order.
        const held = this.held[this.nextHeld];
        if (held === undefined) return false;
        size = held.sizes[1 + this.index] as number;
        source = 2 * this.readers.length + 1;
      } else {
        if (this.at === this.block.length) {
          const next = this.blocks.next();
          if (next.done === true) return false;
          this.block = next.value;
          this.at = 0;
        }
        source = this.block[this.at] as number;
        size = this.block[this.at + 1 + this.index] as number;
        this.at += ORDER_INTS;
      }
      const reader = this.readers[source >>> 1];
      if (reader === undefined) {
        const held = this.held[this.nextHeld++] as Held;
        if (size === 0) continue;
        this.bytes = held.bytes;
        this.start = held.at + listStart(held.sizes, this.index);
      } else if ((source & 1) === 0 || size === 0) {
        reader.skip(size);
        continue;
      } else {
        this.start = reader.bytes(size);
        this.bytes = reader.current;
      }
      this.end = this.start + size;
      return true;
    }
  }
}


/** Joins printed lists with ",\n" into pieces: one copy of each list, not a view of it and a write of each. */
class PieceJoiner {
  private piece: Buffer;
  private at = 0;

  constructor(private readonly pieceBytes: number) {
    this.piece = pieceBuffer(pieceBytes);
  }

  /** Adds the list `from` holds from `start` to `end` (nothing when empty): the piece it filled, when it filled one. */
  add(from: Buffer, start: number, end: number): Buffer | undefined {
    const size = end - start;
    if (size === 0) return undefined;
    let full: Buffer | undefined;
    if (this.at > 0 && this.at + 2 + size > this.piece.length) {
      full = this.given(this.at);
      this.piece = pieceBuffer(Math.max(this.pieceBytes, size));
      this.at = 0;
    } else if (this.at === 0 && size > this.piece.length) this.piece = pieceBuffer(size);
    if (this.at > 0) {
      this.piece[this.at++] = COMMA;
      this.piece[this.at++] = NEWLINE;
    }
    copyInto(this.piece, this.at, from, start, end);
    this.at += size;
    return full;
  }

  /** The last piece (undefined when nothing was added). */
  end(): Buffer | undefined {
    return this.at === 0 ? undefined : this.given(this.at);
  }

  /** The first `size` bytes of the piece, handed out: a writer may give them back (releasePiece). */
  private given(size: number): Buffer {
    const view = this.piece.subarray(0, size);
    if (this.piece.length === PIECE_BYTES) givePiece(view, this.piece);
    return view;
  }
}

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
  /** The slab of the last entry added, and the Buffer over it. */
  private lastSlab: Uint8Array = EMPTY_BUFFER;
  private lastBuffer: Buffer = EMPTY_BUFFER;
  private nextSeq = 0;
  /** Per superseded conversation: entries added before this sequence number do not count. */
  private readonly superseded = new Map<string, number>();
  private folder: string | undefined;
  private readonly levels: Level[] = [];
  private runs: Run[] = [];
  private sealed = false;
  private readonly packer = new EntryPacker();
  /** The order the first full pass over runs met entries in (see printedPieces). */
  private order: PassOrder | undefined;
  /** Every order begun (a pass left early leaves its own), to close. */
  private readonly orders: PassOrder[] = [];

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

  addPacked({ startedAt, conversationId, sizes, slab, at }: PackedEntry): void {
    if (this.sealed) throw new Error('EntryStore: add after reading began');
    // Entries come slab by slab: a slab posted by a worker (a Uint8Array) is made a Buffer once.
    if (slab !== this.lastSlab) {
      this.lastSlab = slab;
      this.lastBuffer = asBuffer(slab);
    }
    this.held.push({ key: [startedAt, conversationId, this.nextSeq++], sizes, bytes: this.lastBuffer, at });
    this.heldBytes += HELD_OVERHEAD_BYTES + 2 * (startedAt.length + conversationId.length) + sizes[0] + sizes[1] + sizes[2] + sizes[3];
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

  /** Appends entries (`append` gives them to the files in report order) to a level as one run. */
  private appendRun(index: number, append: (files: Level) => void): void {
    const files = this.level(index);
    const run: Run = { level: index, ranges: files.map((file) => [file.size, file.size]) };
    append(files);
    files.forEach((file, part) => ((run.ranges[part] as [number, number])[1] = file.size));
    this.runs.push(run);
  }

  private heldInOrder(): Held[] {
    const held = this.superseded.size === 0 ? this.held : this.held.filter((item) => this.counts(item.key));
    // Exports come roughly in time order: held entries often are in report order already, and one look costs less than a sort.
    for (let i = 1; i < held.length; i++) if (compareKeys((held[i - 1] as Held).key, (held[i] as Held).key) > 0) return held.sort(byHeldKey);
    return held;
  }

  private spillHeld(): void {
    const held = this.heldInOrder();
    this.held = [];
    this.heldBytes = 0;
    this.appendRun(0, (files) => {
      for (const item of held) appendHeld(item, files);
    });
    this.compact();
  }

  /** Ends adding: what is held is put in order, and pending writes reach the files. */
  private seal(): void {
    if (this.sealed) return;
    this.sealed = true;
    this.held = this.heldInOrder();
    this.flush();
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
      const chunk = chunkFor(same.length * (1 + LISTS), READ_BUDGET);
      this.appendRun(index + 1, (files) => {
        for (const cursor of merged(same.map((run) => new RunCursor(run, level, ALL_LISTS, chunk)))) if (this.counts(cursor.key)) cursor.appendTo(files);
      });
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
    this.seal();
    if (this.runs.length === 0) {
      for (const item of this.held) yield new HeldEntry(item);
      return;
    }
    const lists = list === undefined ? [] : list === 'all' ? ALL_LISTS : [LIST_INDEX[list]];
    const chunk = chunkFor(this.runs.length * (1 + lists.length), READ_BUDGET);
    const cursors: Cursor[] = [...this.runs.map((run) => new RunCursor(run, this.levels[run.level] as Level, lists, chunk)), new HeldCursor(this.held)];
    cursors.forEach((cursor, i) => (cursor.source = i));
    // The first pass notes the order it met entries in, for the list passes after it (see printedPieces).
    const order = this.order === undefined ? new PassOrder(join(this.folder as string, `order-${this.orders.length}`)) : undefined;
    if (order !== undefined) this.orders.push(order);
    for (const cursor of merged(cursors)) {
      const counts = this.counts(cursor.key);
      order?.push(cursor, counts);
      if (counts) yield cursor.entry();
    }
    // Only a pass that went to the end knows every entry's place (a pass left early leaves its file to close()).
    order?.flush();
    this.order ??= order;
  }

  /**
   * The elements of one list of the entries that count, in report order, as the JSON report prints them,
   * joined with ",\n" into pieces of about PIECE_BYTES: the JSON writer's pass. Over runs on disk it follows
   * the order an earlier pass noted (making one, reading heads only, when none did), so it reads no head,
   * decodes no key and merges nothing: each run's list is read straight through.
   */
  *printedPieces(list: EntryList, pieceBytes = PIECE_BYTES): Generator<Uint8Array> {
    const joiner = new PieceJoiner(pieceBytes);
    // Each list is copied into a piece before the walk reads on.
    for (const walk = this.listWalk(list); walk.next(); ) {
      const full = joiner.add(walk.bytes, walk.start, walk.end);
      if (full !== undefined) yield full;
    }
    const last = joiner.end();
    if (last !== undefined) yield last;
  }

  /**
   * The same lists one entry at a time (none for an entry whose list is empty), for a pass that parses them:
   * each view is good until the next is asked for (the chunk it is in is read into again).
   */
  *printedLists(list: EntryList): Generator<Uint8Array> {
    for (const walk = this.listWalk(list); walk.next(); ) yield walk.bytes.subarray(walk.start, walk.end);
  }

  /** A walk over one list of the entries that count, in report order (see printedPieces). */
  private listWalk(list: EntryList): ListWalk {
    const index = LIST_INDEX[list];
    this.seal();
    if (this.runs.length === 0) return new ListWalk(index, this.held, undefined, []);
    if (this.order === undefined) {
      for (const _ of this.entries()) {
        // A pass of heads, only to note the order.
      }
    }
    const chunk = chunkFor(this.runs.length, READ_BUDGET);
    const readers = this.runs.map((run) => {
      const [start, end] = run.ranges[index + 1] as [number, number];
      return new RangeReader(((this.levels[run.level] as Level)[index + 1] as LevelFile).fd, start, end, chunk, true);
    });
    return new ListWalk(index, this.held, this.order, readers);
  }

  /** Removes the runs; the store is empty afterwards. */
  close(): void {
    for (const files of this.levels.splice(0)) for (const file of files) file.close();
    for (const order of this.orders.splice(0)) order.close();
    this.order = undefined;
    if (this.folder !== undefined) removeTempFolder(this.folder);
    this.folder = undefined;
    this.runs = [];
    this.held = [];
    this.lastSlab = EMPTY_BUFFER;
    this.lastBuffer = EMPTY_BUFFER;
  }
}

/** The share of the memory budget (`--memory-budget`) entries may take before they go to disk: 0 sends every one. */
export function entryBudgetFor(memoryBudgetBytes: number): number {
  // The default budget's 6 MB: fewer runs make a smaller merge (an eighth, 2 MB, took ~40 MB more at 1 GB).
  return Math.min(DEFAULT_ENTRY_BUDGET_BYTES, (memoryBudgetBytes * 3) / 8);
}
