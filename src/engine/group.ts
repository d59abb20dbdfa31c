import { ROLES, type Conversation, type Message, type Role, type SourceRef } from '../model/message.js';
import { SpillStore } from './spill.js';
import { keyedByInput } from '../model/records.js';
import { IdHashTable } from './id-table.js';

const EMPTY: [string, Message[]] = ['', []];

/** Rough heap cost of a message beyond its text: object, source, ids, map entry. */
const MESSAGE_OVERHEAD_BYTES = 320;
const heapBytes = (message: Message) => message.text.length * 2 + MESSAGE_OVERHEAD_BYTES;
// Past the conversations still open (a few hundred on a night), what is held is mostly finished ones waiting
// to be checked: 16 MB keeps a conversation ~40,000 messages after its last, and a smaller live heap lets V8
// collect less often (docs/performance.md, round eight).
export const DEFAULT_MEMORY_BUDGET_BYTES = 16 * 1024 * 1024;

/**
 * Gathers messages into conversations, whatever order and files they arrive in, then orders each
 * conversation by time. Array.prototype.sort is stable, so equal times keep the order they were read in.
 * Past the memory budget, messages move to a partitioned spill on disk; results are the same.
 */
export class ConversationCollector {
  private readonly byId = new Map<string, Message[]>();
  private spill: SpillStore | undefined;
  private heldBytes = 0;

  constructor(private readonly memoryBudgetBytes = DEFAULT_MEMORY_BUDGET_BYTES) {}

  /** True once messages went to disk (reported so a nightly log shows why a run was slower). */
  get spilled(): boolean {
    return this.spill !== undefined;
  }

  add(message: Message): void {
    if (this.spill) {
      this.spill.add(message);
      return;
    }
    const list = this.byId.get(message.conversationId);
    if (list) {
      // Every record parsed its own copy of the id: keep one per conversation (tens of MB on a big night).
      message.conversationId = (list[0] as Message).conversationId;
      list.push(message);
    } else this.byId.set(message.conversationId, [message]);
    this.heldBytes += heapBytes(message);
    if (this.heldBytes > this.memoryBudgetBytes) {
      this.spill = new SpillStore();
      for (const messages of this.byId.values()) for (const m of messages) this.spill.add(m);
      this.byId.clear();
    }
  }

  get size(): number {
    return this.byId.size;
  }

  /** The estimated heap bytes of the messages held in memory. */
  get bytes(): number {
    return this.heldBytes;
  }

  /**
   * Every conversation, each ordered by time, with its exact duplicates left out (see Grouped); empties the
   * collector. In memory they come ordered by first message, then id; after a spill, partition by partition
   * (the report sorts them).
   */
  *drain(): Generator<Grouped> {
    if (this.spill) {
      for (const partition of this.spill.partitions()) {
        for (const m of partition) {
          const list = this.byId.get(m.conversationId);
          if (list) list.push(m);
          else this.byId.set(m.conversationId, [m]);
        }
        yield* this.drainMemory();
      }
      this.spill = undefined;
      return;
    }
    yield* this.drainMemory();
  }

  private *drainMemory(): Generator<Grouped> {
    this.heldBytes = 0;
    const lists = [...this.byId];
    this.byId.clear();
    for (const [, list] of lists) list.sort((a, b) => a.timestamp - b.timestamp);
    lists.sort(([a, x], [b, y]) => ((x[0] as Message).timestamp - (y[0] as Message).timestamp) || (a < b ? -1 : a > b ? 1 : 0));
    // Let go of each conversation once it is handed out, so its messages can be collected while the rest are checked.
    for (let i = 0; i < lists.length; i++) {
      const [id, sorted] = lists[i] as [string, Message[]];
      lists[i] = EMPTY;
      yield groupedConversation(id, sorted);
    }
  }
}

/**
 * A conversation being gathered: its messages as read, and when it was last active (a message count). What
 * grouping and the entry need of its messages is noted as each is added, while it is at hand: at eviction
 * they are scattered over the heap, and each look at a message's fields there (its time, its source) costs
 * a cache miss per message.
 *
 * Its messages are held as their fields in two lists, not as the reader's objects, while they can be (see
 * holdFields): a message waits for its conversation to end, so it outlives a young-generation collection or
 * two, and each one copies what is alive. A message, its time's number box and its source were four objects
 * and ~160 bytes besides the text; here it is four list slots (six when its agent differs from the last). They
 * are made again, with the reader's keys in its order, when the conversation is grouped (then they die young).
 */
interface Held {
  id: string;
  /** The messages held: COMPACT while they are held as fields. */
  messages: Message[];
  /** Per message held as fields: its text, then its agent id and name when they differ from the last held (see SPEAKER). */
  strings: Array<string | undefined>;
  /** Per message held as fields: its time, line (-1 when not known), and its record, role and SPEAKER packed in one (see holdFields). */
  numbers: number[];
  /** The agent id and name last held in `strings`. */
  agentId: string | undefined;
  agentName: string | undefined;
  bytes: number;
  last: number;
  /** The first line its messages came from, 0 when a message's line is not known (as lineWindow's). */
  first: number;
  /** The last line its messages came from (the window's end when `first` is not 0). */
  lastLine: number;
  /** The time of the last message added. */
  lastTime: number;
  /** The earliest time of its messages (its first once they are ordered). */
  firstTime: number;
  /** Whether messages came in time order, and whether two of them (then next to each other) share a time. */
  inOrder: boolean;
  sameTimes: boolean;
  /** Whether a message carries metadata. */
  meta: boolean;
  /** The file every message came from, undefined once they came from two. */
  file: string | undefined;
}

const NUMBERS_PER = 3;
/** Whose a message held as fields is: nobody's (no agent id or name), the agent last held, or a new one (held after its text). */
const SPEAKER = { none: 0, last: 1, next: 2 } as const;
/** Records up to this pack with a role and SPEAKER into one exact number. */
const MAX_PACKED_RECORD = 2 ** 48;
/** The `messages` of a conversation held as fields (shared; never added to). */
const COMPACT: Message[] = [];
Object.freeze(COMPACT);

/**
 * Holds a message as its fields when they say all of it, so it can be made again the same: no metadata or
 * reply links, one of the four roles, a record number that packs, no negative line (-1 stands for none), the
 * file its conversation's first message came from. False (nothing held) otherwise.
 */
function holdFields(held: Held, message: Message): boolean {
  const { source, agentId, agentName } = message;
  const role = ROLES.indexOf(message.role);
  const { record } = source;
  if (role < 0 || message.meta !== undefined || message.id !== undefined || message.replyTo !== undefined || source.file !== held.file) return false;
  if (!Number.isInteger(record) || record < 0 || record > MAX_PACKED_RECORD || (source.line !== null && source.line < 0)) return false;
  let speaker: number = SPEAKER.none;
  if (agentId !== undefined || agentName !== undefined) {
    if (agentId === held.agentId && agentName === held.agentName) speaker = SPEAKER.last;
    else {
      speaker = SPEAKER.next;
      held.agentId = agentId;
      held.agentName = agentName;
    }
  }
  if (speaker === SPEAKER.next) held.strings.push(message.text, agentId, agentName);
  else held.strings.push(message.text);
  held.numbers.push(message.timestamp, source.line ?? -1, (record * ROLES.length + role) * 4 + speaker);
  return true;
}

/**
 * The messages of a held conversation in the order they came: those held as fields made again as the reader
 * made them (the same keys in the same order, so the rules see one shape of message).
 */
function heldMessages(held: Held): Message[] {
  if (held.messages !== COMPACT) return held.messages;
  const { id, strings, numbers, file } = held;
  const messages: Message[] = [];
  let agentId: string | undefined;
  let agentName: string | undefined;
  for (let s = 0, n = 0; n < numbers.length; n += NUMBERS_PER) {
    const line = numbers[n + 1] as number;
    const packed = numbers[n + 2] as number;
    const speaker = packed % 4;
    const roleAndRecord = (packed - speaker) / 4;
    const role = roleAndRecord % ROLES.length;
    const text = strings[s++] as string;
    if (speaker === SPEAKER.next) {
      agentId = strings[s++];
      agentName = strings[s++];
    }
    const staff = speaker !== SPEAKER.none;
    messages.push({
      conversationId: id,
      timestamp: numbers[n] as number,
      role: ROLES[role] as Role,
      text,
      source: { file: file as string, line: line < 0 ? null : line, record: (roleAndRecord - role) / ROLES.length },
      agentId: staff ? agentId : undefined,
      agentName: staff ? agentName : undefined,
      meta: undefined,
    });
  }
  return messages;
}

/** From now on the conversation's messages are held as the reader made them (one could not be held as fields). */
function holdObjects(held: Held): Message[] {
  if (held.messages === COMPACT) {
    held.messages = heldMessages(held);
    held.strings = NO_STRINGS;
    held.numbers = NO_NUMBERS;
  }
  return held.messages;
}

const NO_STRINGS: Held['strings'] = [];
const NO_NUMBERS: number[] = [];
Object.freeze(NO_STRINGS);
Object.freeze(NO_NUMBERS);

/**
 * Groups a stream of messages in bounded memory, for exports that are roughly in time order (most
 * conversations end long before the file does). Past the memory budget the least recently active
 * conversations are checked at once (down to three quarters of it) and remembered as evicted. A later
 * message of an evicted conversation "reopens" it: `onReopen` is told (its early entry no longer counts) and
 * its messages from then on are dropped here; the caller re-reads the reopened conversations whole at the
 * end. So the report is the same whatever the budget.
 */
export class EvictingGrouper {
  /**
   * The first `{ file, line, record }` V8 sees, made before any reader runs and kept for the process: readers
   * make message sources with small-integer lines and records, and heldMessages makes them again from a list
   * of doubles. Begun with small-integer fields, the shape every source shares changes when the second kind
   * comes, and V8 drops the code it optimised for the first (holdFields and heldMessages: one zh-CN run in three
   * at 100 MB, and one 10,000-phrase run in two, took 30-50% longer). Begun with fields that hold objects, it
   * takes both kinds of number as they are. A static field, so the bundler keeps it (a frozen literal nobody
   * read was dropped after its first collection, with the shape).
   */
  static readonly firstSource: { readonly [K in keyof SourceRef]: null } = Object.freeze({ file: null, line: null, record: null });
  private readonly held = new Map<string, Held>();
  // Per evicted conversation: the first line its messages came from (0 when not known), for the re-read.
  private readonly evicted = new IdHashTable(1);
  /**
   * Conversations whose early check no longer counts (exact ids: the re-read is filtered to them), each with
   * the lines its records lie between in this input ([0, 0] when not known: the whole input is re-read).
   */
  readonly reopened = new Map<string, LineWindow>();
  private heldBytes = 0;
  private clock = 0;

  constructor(
    private readonly memoryBudgetBytes: number,
    /** Each conversation grouped, with the window of lines its records (duplicates too) lie between. */
    private readonly onGrouped: (grouped: Grouped, window: LineWindow) => void,
    private readonly onReopen: (conversationId: string) => void,
  ) {}

  add(message: Message): void {
    const id = message.conversationId;
    const known = this.held.get(id);
    const bytes = heapBytes(message);
    if (known) {
      if (known.messages !== COMPACT || !holdFields(known, message)) {
        // Every record parsed its own copy of the id: keep one per conversation.
        message.conversationId = known.id;
        holdObjects(known).push(message);
      }
      known.last = ++this.clock;
      known.bytes += bytes;
      // The window, noted while the message is at hand: at eviction the messages are scattered over the heap.
      // A 0 (or unknown) line makes it 0 for good, as lineWindow's window.
      const { source, timestamp } = message;
      const line = source.line;
      if (line === null) known.first = 0;
      else {
        if (line < known.first) known.first = line;
        if (line > known.lastLine) known.lastLine = line;
      }
      if (timestamp < known.lastTime) {
        known.inOrder = false;
        if (timestamp < known.firstTime) known.firstTime = timestamp;
      } else if (timestamp === known.lastTime) known.sameTimes = true;
      known.lastTime = timestamp;
      if (message.meta !== undefined) known.meta = true;
      if (source.file !== known.file) known.file = undefined;
    } else {
      const window = this.reopened.get(id);
      if (window) {
        widen(window, message.source.line);
        return;
      }
      const slot = this.evicted.find(id);
      if (slot >= 0) {
        const first = this.evicted.value(slot);
        const window: LineWindow = [first, first];
        widen(window, message.source.line);
        this.reopened.set(id, window);
        this.onReopen(id);
        return;
      }
      const { source, timestamp } = message;
      const line = source.line ?? 0;
      const held: Held = {
        id,
        messages: COMPACT,
        strings: [],
        numbers: [],
        agentId: undefined,
        agentName: undefined,
        bytes,
        last: ++this.clock,
        first: line,
        lastLine: line,
        lastTime: timestamp,
        firstTime: timestamp,
        inOrder: true,
        sameTimes: false,
        meta: message.meta !== undefined,
        file: source.file,
      };
      if (!holdFields(held, message)) held.messages = [message];
      this.held.set(id, held);
    }
    this.heldBytes += bytes;
    if (this.heldBytes > this.memoryBudgetBytes) this.evict(this.memoryBudgetBytes * 0.75);
  }

  /**
   * Checks the least recently active conversations until the held bytes are down to `target`. Strictly by
   * last activity: a conversation that just started (one message so far) is as live as one that just
   * spoke, and checking it early would make it reopen. Only the conversations that can be among those
   * checked are sorted: the ones older than an activity bound found from a histogram of the held bytes.
   */
  private evict(target: number): void {
    for (const held of leastRecentlyActive(this.held.values(), this.clock, this.heldBytes - target)) {
      if (this.heldBytes <= target) break;
      this.held.delete(held.id);
      this.heldBytes -= held.bytes;
      this.evicted.insert(held.id, held.first);
      this.onGrouped(groupedHeld(held), heldWindow(held));
    }
  }

  /** Checks every conversation still held (the end of the input): ordered by first message, then id. */
  finish(): void {
    const rest = [...this.held.values()];
    this.held.clear();
    this.heldBytes = 0;
    rest.sort((a, b) => a.firstTime - b.firstTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let i = 0; i < rest.length; i++) {
      const held = rest[i] as Held;
      rest[i] = EMPTY_HELD;
      this.onGrouped(groupedHeld(held), heldWindow(held));
    }
  }
}

/** The window of a held conversation's records, as lineWindow gives it over them (an unknown one is [0, 0]). */
const heldWindow = (held: Held): LineWindow => (held.first === 0 ? [0, 0] : [held.first, held.lastLine]);

const byTime = (a: Message, b: Message) => a.timestamp - b.timestamp;

/**
 * A held conversation grouped as groupedConversation groups it, from what was noted as its messages came:
 * sorted (stable) only when they did not come in time order; no look for duplicates when no two share a
 * time, nor for metadata when none had any.
 */
function groupedHeld(held: Held): Grouped {
  const messages = heldMessages(held);
  if (!held.inOrder) messages.sort(byTime);
  if (!held.inOrder || held.sameTimes) return groupedConversation(held.id, messages, held.file);
  const conversation = { id: held.id, messages, meta: keyedByInput<string>() };
  if (held.meta) gatherMeta(conversation);
  return { conversation, duplicates: NO_DUPLICATES, file: held.file };
}

const ACTIVITY_BUCKETS = 64;

/**
 * The held conversations that hold at least `bytes` between them when taken least recently active first,
 * in that order (a few more: the last bucket is taken whole). A histogram of bytes over last activity finds
 * the bound, so only those are sorted, not every conversation held.
 */
function leastRecentlyActive(all: Iterable<Held>, clock: number, bytes: number): Held[] {
  const held = [...all];
  let oldest = clock;
  for (const h of held) if (h.last < oldest) oldest = h.last;
  const span = clock - oldest + 1;
  const bucketOf = (h: Held) => Math.floor(((h.last - oldest) * ACTIVITY_BUCKETS) / span);
  const inBucket = new Float64Array(ACTIVITY_BUCKETS);
  for (const h of held) {
    const bucket = bucketOf(h);
    inBucket[bucket] = (inBucket[bucket] as number) + h.bytes;
  }
  let bound = 0;
  for (let sum = 0; bound < ACTIVITY_BUCKETS - 1; bound++) {
    sum += inBucket[bound] as number;
    if (sum >= bytes) break;
  }
  return held.filter((h) => bucketOf(h) <= bound).sort((a, b) => a.last - b.last);
}

/** The first and last line a conversation's records lie on in one input; [0, 0] when a record has no line. */
export type LineWindow = [first: number, last: number];

/** Widens a window to a line (an unknown line makes the window unknown). */
function widen(window: LineWindow, line: number | null): void {
  if (window[0] === 0) return;
  if (line === null) {
    window[0] = 0;
    window[1] = 0;
    return;
  }
  if (line < window[0]) window[0] = line;
  if (line > window[1]) window[1] = line;
}

/** The window of some messages (duplicates included: they were records too). */
export function lineWindow(messages: readonly Message[]): LineWindow {
  const first = messages[0]?.source.line ?? null;
  const window: LineWindow = [first ?? 0, first ?? 0];
  for (const m of messages) widen(window, m.source.line);
  return window;
}
const EMPTY_HELD: Held = { id: '', messages: [], strings: NO_STRINGS, numbers: NO_NUMBERS, agentId: undefined, agentName: undefined, bytes: 0, last: 0, first: 0, lastLine: 0, lastTime: 0, firstTime: 0, inOrder: true, sameTimes: false, meta: false, file: undefined };

/** A conversation as grouping hands it out: its messages, and the exact duplicates left out of it. */
export interface Grouped {
  conversation: Conversation;
  /** Each duplicate (same timestamp, role, agent id and name, text) with the message read before it. */
  duplicates: Array<{ copy: Message; original: Message }>;
  /** The file all its records came from, when grouping noted it was one (the entry need not look at each message's). */
  file: string | undefined;
}

/** One conversation's time-ordered messages, duplicates dropped, meta gathered from the messages in order. */
function groupedConversation(id: string, sorted: Message[], file?: string): Grouped {
  const { messages, duplicates } = withoutDuplicates(sorted);
  const conversation = { id, messages, meta: keyedByInput<string>() };
  gatherMeta(conversation);
  return { conversation, duplicates, file };
}

/** The conversation's meta: each key's value as its first message with that key gives it. */
function gatherMeta({ messages, meta }: Conversation): void {
  for (const m of messages) if (m.meta) for (const [k, v] of Object.entries(m.meta)) if (!Object.hasOwn(meta, k)) meta[k] = v;
}

/** The duplicates of a conversation that has none (most), shared: nobody adds to a grouped conversation's list. */
const NO_DUPLICATES: Grouped['duplicates'] = [];
Object.freeze(NO_DUPLICATES);

/** Drops exact duplicates from time-ordered messages (they can only sit among equal timestamps), keeping the first read. */
function withoutDuplicates(sorted: Message[]): { messages: Message[]; duplicates: Grouped['duplicates'] } {
  let kept: Message[] | undefined;
  let duplicates = NO_DUPLICATES;
  for (let start = 0; start < sorted.length; ) {
    const timestamp = (sorted[start] as Message).timestamp;
    let end = start + 1;
    while (end < sorted.length && (sorted[end] as Message).timestamp === timestamp) end++;
    if (end - start > 1) {
      const seen = new Map<string, Message>();
      for (let i = start; i < end; i++) {
        const m = sorted[i] as Message;
        const key = `${m.role}\u0000${m.agentId ?? ''}\u0000${m.agentName ?? ''}\u0000${m.text}`;
        const original = seen.get(key);
        if (original) {
          kept ??= sorted.slice(0, i);
          if (duplicates === NO_DUPLICATES) duplicates = [];
          duplicates.push({ copy: m, original });
          continue;
        }
        seen.set(key, m);
        kept?.push(m);
      }
    } else kept?.push(sorted[start] as Message);
    start = end;
  }
  return { messages: kept ?? sorted, duplicates };
}
