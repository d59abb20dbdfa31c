import type { MessagePort, Worker } from 'node:worker_threads';
import { workerThreads } from '../model/node-modules.js';
import type { Ruleset } from '../config/ruleset.js';
import type { InputEvent } from '../input/events.js';
import type { ReadOptions } from '../input/options.js';
import type { Message, SkippedRecord } from '../model/message.js';
import type { Transcript } from '../model/transcript.js';
import type { InputFile } from '../model/report.js';
import type { EntrySink } from './entry-sink.js';
import { EntryPacker, EntryStore } from './entry-store.js';
import type { ConversationEntry, PackedEntry } from './entry.js';
import { IdHashTable } from './id-table.js';
import { planPieces, readPiece, type Piece } from './pieces.js';
import { FILE_START, readJsonLinesPart, scanJsonLines, type LinePosition } from '../input/ranges.js';
import { ConversationCollector, DEFAULT_MEMORY_BUDGET_BYTES, type Grouped, type LineWindow } from './group.js';
import { countRecords, currentProgress, enterPhase } from './progress.js';
import { inputBytes } from '../input/source.js';
import {
  groupEvicting,
  conversationChecker,
  identityStep,
  finishRun,
  groupWhole,
  messagesOf,
  type ReadAccount,
  type RunHooks,
  type RunOptions,
  type RunResult,
} from './run.js';

/** A hook call made in a worker, replayed by the main thread in read order. */
type HookCall =
  | { hook: 'onSkip'; skip: SkippedRecord }
  | { hook: 'onFileError'; file: string; reason: string }
  | { hook: 'onNote'; file: string; message: string }
  | { hook: 'onEmptyFile'; file: string };

/**
 * A checked conversation's entry, packed where it was checked (a worker thread: strings cross to the main
 * thread cheaply, and it stores them as they are), with the lines its records lie between in the piece; or
 * a conversation reopened there.
 */
type Op = { entry: PackedEntry; window: LineWindow; described?: unknown } | { reopen: string };

/** What a check worker posts. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'ops'; piece: number; ops: Op[]; records: number; bytes: number }
  | { type: 'piece-done'; piece: number; done: PieceDone }
  | { type: 'messages'; index: number; messages: Message[] }
  | { type: 'rechecked'; entries: PackedEntry[]; described?: unknown[] }
  | { type: 'reread-done'; index: number; overflowed?: boolean }
  | { type: 'error'; message: string };

/** What a piece leaves besides its entries: read accounts, hook calls to replay, windows of its reopened conversations. */
interface PieceDone {
  account: ReadAccount;
  hooks: HookCall[];
  reopened: Array<[conversationId: string, window: LineWindow]>;
  /** Where a range started (lines and records before it). */
  start?: LinePosition | undefined;
  /** Line positions its start scan noted before that (where a re-read of earlier pieces' lines can begin). */
  marks?: LinePosition[] | undefined;
}

/** What the main thread posts to a check worker. */
export type ToWorker = { type: 'piece'; index: number; piece: Piece } | { type: 'reread'; index: number; task: RereadTask } | { type: 'exit' };

/** What a worker needs to check pieces as the main thread would. */
export interface WorkerSetup {
  ruleset: Ruleset;
  readOptions: ReadOptions;
  forced: string | undefined;
  options: RunOptions;
  /**
   * What the main thread keeps of each checked conversation besides its entry (the HTML report's timeline),
   * made here and sent with the entry: it reaches PieceCheck.onDescribed where onConversation would have been
   * called, had the conversation been checked in the main thread.
   */
  describe?: ((transcript: Transcript) => unknown) | undefined;
}

const OPS_PER_POST = 500;

/**
 * Checks one piece in bounded memory; each entry (with its line window) and each reopened conversation goes
 * to `take` in the order they happen. Resolves to what the piece leaves besides.
 */
async function checkPiece(
  read: (started: (at: LinePosition, marks: LinePosition[]) => void) => AsyncIterable<InputEvent>,
  hooks: RunHooks,
  options: RunOptions,
  check: (grouped: Grouped) => ConversationEntry,
  packer: EntryPacker,
  take: (op: Op) => void,
): Promise<Omit<PieceDone, 'hooks'>> {
  let start: LinePosition | undefined;
  let marks: LinePosition[] | undefined;
  const events = read((at, noted) => {
    start = at;
    marks = noted;
  });
  const onGrouped = (grouped: Grouped, window: LineWindow) => take({ entry: packer.pack(check(grouped)), window });
  const { account, reopened } = await groupEvicting(events, hooks, options, onGrouped, (reopen) => take({ reopen }));
  return { account, reopened: [...reopened], start, marks };
}

/** Where a re-read's results go: entries of conversations checked again, or messages to check elsewhere. */
interface RereadResults {
  rechecked(entries: PackedEntry[]): void;
  messages(messages: Message[]): void;
}

/**
 * Reads again for a task's reopened conversations: checks them when the task has all their lines, else
 * gives their messages back in batches. True when they did not fit the budget (to be given back instead).
 */
async function rereadAndCheck(
  { rereads, ids, check: checkHere }: RereadTask,
  readOptions: ReadOptions,
  forced: string | undefined,
  memoryBudgetBytes: number | undefined,
  check: (grouped: Grouped) => ConversationEntry,
  packer: EntryPacker,
  results: RereadResults,
): Promise<boolean> {
  const wanted = new Set(ids);
  const messages = wantedMessages(readAll(rereads, wanted, readOptions, forced), wanted);
  if (checkHere) {
    // Held in memory only: a worker never spills to disk (its exit handlers do not run when it is stopped).
    const collector = new ConversationCollector(Infinity);
    for await (const message of messages) {
      collector.add(message);
      if (collector.bytes > (memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES)) return true;
    }
    let entries: PackedEntry[] = [];
    for (const grouped of collector.drain()) {
      entries.push(packer.pack(check(grouped)));
      if (entries.length >= OPS_PER_POST) {
        results.rechecked(entries);
        entries = [];
      }
    }
    results.rechecked(entries);
  } else {
    let batch: Message[] = [];
    for await (const message of messages) {
      batch.push(message);
      if (batch.length >= MESSAGES_PER_POST) {
        results.messages(batch);
        batch = [];
      }
    }
    if (batch.length > 0) results.messages(batch);
  }
  return false;
}

/** Hooks that note their calls, to be replayed by the main thread in read order. */
function recordingHooks(): { hooks: HookCall[]; recorder: RunHooks } {
  const hooks: HookCall[] = [];
  const recorder: RunHooks = {
    onSkip: (skip) => hooks.push({ hook: 'onSkip', skip }),
    onFileError: (file, reason) => hooks.push({ hook: 'onFileError', file, reason }),
    onNote: (file, note) => hooks.push({ hook: 'onNote', file, message: note }),
    onEmptyFile: (file) => hooks.push({ hook: 'onEmptyFile', file }),
  };
  return { hooks, recorder };
}

/**
 * The worker side: checks the pieces the main thread sends, one at a time, posting entries in batches as
 * they are made (nothing per finding stays here) and, per piece, what it leaves besides.
 */
export function serveChecks(port: MessagePort, setup: WorkerSetup): void {
  // What describe made of each conversation checked, in the order checked: one per entry packed.
  const described: unknown[] = [];
  const { describe } = setup;
  const check = conversationChecker(setup.ruleset, describe ? { ...setup.options, onConversation: (t) => described.push(describe(t)) } : setup.options);
  const packer = new EntryPacker(true);
  const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const fail = (error: unknown) => post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  port.on('message', (message: ToWorker) => {
    if (message.type === 'exit') {
      port.close();
      return;
    }
    if (message.type === 'reread') {
      void rereadFor(message.index, message.task).catch(fail);
      return;
    }
    const { hooks, recorder } = recordingHooks();
    let ops: Op[] = [];
    let postedRecords = currentProgress().records;
    let postedBytes = inputBytes.read;
    const flush = () => {
      const records = currentProgress().records;
      const bytes = inputBytes.read;
      // The entries' bytes move to the main thread with them (no copy).
      post({ type: 'ops', piece: message.index, ops, records: records - postedRecords, bytes: bytes - postedBytes }, packer.release());
      postedRecords = records;
      postedBytes = bytes;
      ops = [];
    };
    const take = (op: Op) => {
      if (describe && 'entry' in op) op.described = described.shift();
      ops.push(op);
      if (ops.length >= OPS_PER_POST) flush();
    };
    checkPiece((started) => readPiece(message.piece, setup.readOptions, setup.forced, started), recorder, setup.options, check, packer, take)
      .then((done) => {
        flush();
        post({ type: 'piece-done', piece: message.index, done: { ...done, hooks } });
        post({ type: 'ready' });
      })
      .catch(fail);
  });
  const rereadFor = async (index: number, task: RereadTask) => {
    const overflowed = await rereadAndCheck(task, setup.readOptions, setup.forced, setup.options.memoryBudgetBytes, check, packer, {
      rechecked: (entries) => post({ type: 'rechecked', entries, ...(describe ? { described: described.splice(0, entries.length) } : {}) }, packer.release()),
      messages: (messages) => post({ type: 'messages', index, messages }),
    });
    post({ type: 'reread-done', index, overflowed });
    post({ type: 'ready' });
  };
  post({ type: 'ready' });
}

/** The read accounts of the pieces, in piece order, as one read of everything would have kept them. */
function joinAccounts(accounts: ReadAccount[]): ReadAccount {
  const joined: ReadAccount = { files: [], readOrder: [], inputs: [], readSkips: [], fileErrors: [], filesRead: 0, seen: { recordsRead: 0, messages: 0, skippedRecords: 0 } };
  const inputs = new Map<string, InputFile>();
  for (const account of accounts) {
    for (const file of account.files) if (!joined.files.includes(file)) joined.files.push(file);
    for (const file of account.readOrder) if (!joined.readOrder.includes(file)) joined.readOrder.push(file);
    for (const input of account.inputs) {
      const known = inputs.get(input.path);
      if (!known) inputs.set(input.path, { ...input });
      else Object.assign(known, { format: known.format ?? input.format, encoding: known.encoding ?? input.encoding, records: known.records + input.records, skipped: known.skipped + input.skipped });
    }
    joined.readSkips.push(...account.readSkips);
    joined.fileErrors.push(...account.fileErrors);
    joined.filesRead += account.filesRead;
    joined.seen.recordsRead += account.seen.recordsRead;
    joined.seen.messages += account.seen.messages;
    joined.seen.skippedRecords += account.seen.skippedRecords;
  }
  joined.inputs = [...inputs.values()];
  return joined;
}

function replay(hooks: RunHooks, calls: HookCall[]): void {
  for (const call of calls) {
    if (call.hook === 'onSkip') hooks.onSkip?.(call.skip);
    else if (call.hook === 'onFileError') hooks.onFileError?.(call.file, call.reason);
    else if (call.hook === 'onNote') hooks.onNote?.(call.file, call.message);
    else hooks.onEmptyFile?.(call.file);
  }
}

export interface PieceCheck {
  /** The compiled worker script (it builds a WorkerSetup from `workerData` and calls serveChecks). */
  workerUrl: URL;
  workerData: unknown;
  /** Threads that check pieces: this one and jobs-1 workers (1: this one only). */
  jobs: number;
  files: string[];
  readOptions: ReadOptions;
  forced: string | undefined;
  /** Smallest JSON Lines file cut into ranges (default MIN_RANGE_BYTES; tests cut small files). */
  minRangeBytes?: number | undefined;
  /** Wraps the events read in this thread (the progress bar counts them). */
  track?: (events: AsyncIterable<InputEvent>) => AsyncIterable<InputEvent>;
  /** What worker threads read: records, bytes, files done (the progress bar counts them). */
  counted?: (records: number, bytes: number, files: number) => void;
  /** Tests: this thread leaves every piece and re-read to the workers, so what they send is sure to be used. */
  workersOnly?: boolean | undefined;
  /** Takes what a worker's WorkerSetup.describe made of a conversation it checked (see there). */
  onDescribed?: (described: unknown) => void;
}

/**
 * Joins what the pieces give, as they give it: entries go to the sink unless their conversation was seen in
 * another piece (or reopened), in which case it is superseded and noted, with the line windows where its
 * records lie, for the re-check at the end.
 */
class PieceJoiner {
  /** Per conversation id (by a 64-bit hash): the piece that gave its entry, and the lines of its records there. */
  private readonly seenIn = new IdHashTable(3);
  /** Conversations to re-check whole, with every piece and window their records lie in. */
  readonly reopened = new Map<string, Array<[piece: number, window: LineWindow]>>();
  private readonly accounts: ReadAccount[] = [];
  /** Where each range piece started, and the line positions noted before, for the re-read. */
  readonly starts: Array<LinePosition | undefined> = [];
  readonly marks: Array<LinePosition[] | undefined> = [];
  private readonly hookCalls: HookCall[][] = [];
  private replayed = 0;

  constructor(
    private readonly sink: EntrySink,
    private readonly hooks: RunHooks,
    private readonly pieces: number,
  ) {}

  private reopen(id: string): Array<[number, LineWindow]> {
    let windows = this.reopened.get(id);
    if (!windows) {
      this.reopened.set(id, (windows = []));
      this.sink.supersede(id);
      // Where its entry from another piece (if any) came from.
      const slot = this.seenIn.find(id);
      if (slot >= 0) windows.push([this.seenIn.value(slot, 0), [this.seenIn.value(slot, 1), this.seenIn.value(slot, 2)]]);
    }
    return windows;
  }

  /** Every piece and window the records of conversation `id` lie in: a reopened one's, else those of the one piece that gave its entry. */
  windowsOf(id: string): Array<[piece: number, window: LineWindow]> {
    const reopened = this.reopened.get(id);
    if (reopened) return reopened;
    const slot = this.seenIn.find(id);
    return slot < 0 ? [] : [[this.seenIn.value(slot, 0), [this.seenIn.value(slot, 1), this.seenIn.value(slot, 2)]]];
  }

  /** The entry of a reopened conversation, checked again whole. */
  rechecked(entry: PackedEntry): void {
    this.sink.addPacked(entry);
  }

  take(piece: number, op: Op): void {
    if ('reopen' in op) {
      this.reopen(op.reopen);
      return;
    }
    const id = op.entry.conversationId;
    const windows = this.reopened.get(id);
    if (windows) {
      windows.push([piece, op.window]);
      return;
    }
    const slot = this.seenIn.insert(id, piece, op.window[0], op.window[1]);
    if (this.seenIn.value(slot, 0) !== piece) {
      this.reopen(id).push([piece, op.window]);
      return;
    }
    this.sink.addPacked(op.entry);
  }

  /** A piece is done: its accounts kept, its warnings replayed in read order, its reopened windows noted. */
  done(piece: number, done: PieceDone): void {
    this.accounts[piece] = done.account;
    this.starts[piece] = done.start;
    this.marks[piece] = done.marks;
    this.hookCalls[piece] = done.hooks;
    for (; this.replayed < this.pieces && this.hookCalls[this.replayed]; this.replayed++) replay(this.hooks, this.hookCalls[this.replayed] as HookCall[]);
    for (const [id, window] of done.reopened) this.reopen(id).push([piece, window]);
  }

  account(): ReadAccount {
    return joinAccounts(this.accounts);
  }
}

/** Lines closer than this are re-read in one stretch (scanning the gap costs less than starting again). */
const WINDOW_GAP_LINES = 5000;

/** Lines of a piece to read again, and the nearest known position before them (where scanning for the first starts). */
interface Stretch {
  lines: LineWindow;
  from: LinePosition;
}

/** A piece read again for the reopened conversations: only stretches of its lines, or (undefined) whole. */
interface Reread {
  piece: Piece;
  stretches: Stretch[] | undefined;
}

/**
 * The known line positions of each file: where range pieces start, and what their start scans noted on the
 * way (about every MARK_BYTES), in byte order.
 */
function knownPositions(pieces: Piece[], joiner: PieceJoiner): Map<string, LinePosition[]> {
  const byFile = new Map<string, LinePosition[]>();
  for (const [index, piece] of pieces.entries()) {
    if (!piece.range) continue;
    const known = byFile.get(piece.file) ?? [FILE_START];
    known.push(...(joiner.marks[index] ?? []));
    const start = joiner.starts[index];
    if (start) known.push(start);
    byFile.set(piece.file, known);
  }
  for (const known of byFile.values()) known.sort((a, b) => a.byte - b.byte);
  return byFile;
}

/** The last of `known` (in byte order) that lies before line `line`. */
function positionBefore(known: readonly LinePosition[], line: number): LinePosition {
  let low = 0;
  let high = known.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((known[middle] as LinePosition).lines < line) low = middle;
    else high = middle - 1;
  }
  return known[low] ?? FILE_START;
}

/** The pieces to read again for conversations (`ids`: reopened ones, or any the run checked), in read order, each with the stretches of lines where they lie. */
function rereadsOf(pieces: Piece[], joiner: PieceJoiner, ids: readonly string[]): Reread[] {
  const byPiece = new Map<number, LineWindow[]>();
  for (const id of ids) {
    for (const [piece, window] of joiner.windowsOf(id)) {
      const list = byPiece.get(piece) ?? [];
      // A copy: stretches are merged in place.
      list.push([window[0], window[1]]);
      byPiece.set(piece, list);
    }
  }
  const positions = knownPositions(pieces, joiner);
  const rereads: Reread[] = [];
  for (const [index, piece] of pieces.entries()) {
    const windows = byPiece.get(index);
    if (!windows) continue;
    if (!piece.range || windows.some(([first]) => first === 0)) {
      rereads.push({ piece, stretches: undefined });
      continue;
    }
    windows.sort((a, b) => a[0] - b[0]);
    const merged: LineWindow[] = [];
    for (const [first, last] of windows) {
      const previous = merged[merged.length - 1];
      if (previous && first <= previous[1] + WINDOW_GAP_LINES) previous[1] = Math.max(previous[1], last);
      else merged.push([first, last]);
    }
    const known = positions.get(piece.file) ?? [FILE_START];
    rereads.push({ piece, stretches: merged.map((lines) => ({ lines, from: positionBefore(known, lines[0]) })) });
  }
  return rereads;
}

/** The records of one re-read (records of conversations other than `ids` are not parsed). */
async function* readAgain({ piece, stretches }: Reread, ids: ReadonlySet<string>, readOptions: ReadOptions, forced: string | undefined): AsyncIterable<InputEvent> {
  const options: ReadOptions = { ...readOptions, onlyConversations: ids };
  if (!stretches) {
    yield* readPiece(piece, options, forced);
    return;
  }
  let at = FILE_START;
  for (const { lines: [first, last], from } of stretches) {
    // From where the last stretch ended, or a known position nearer.
    if (from.lines > at.lines) at = from;
    at = await scanJsonLines(piece.file, at, { line: first - 1 }, readOptions);
    const end = await scanJsonLines(piece.file, at, { line: last }, readOptions);
    yield* readJsonLinesPart(piece.file, at, end.byte, options, forced);
    at = end;
  }
}

/** The records of several re-reads, in order. */
async function* readAll(rereads: readonly Reread[], ids: ReadonlySet<string>, readOptions: ReadOptions, forced: string | undefined): AsyncIterable<InputEvent> {
  for (const reread of rereads) yield* readAgain(reread, ids, readOptions, forced);
}

/**
 * Work for the workers once every piece is done: re-reads for the reopened conversations `ids`. `check`:
 * the re-reads cover every line of those conversations, so the worker checks them itself; else it sends
 * their messages back and this thread checks them once every task is done.
 */
interface RereadTask {
  rereads: Reread[];
  ids: string[];
  check: boolean;
}

/**
 * The re-read tasks for `jobs` workers. When every piece to read again is a range read by stretches (one
 * big JSON Lines file, the usual night), the reopened conversations are dealt out to the workers, and each
 * reads the stretches of its own and checks them: records of the others are skipped unparsed. Otherwise
 * (whole files: CSV, compressed) each task reads one piece for all of them.
 */
function rereadTasks(pieces: Piece[], joiner: PieceJoiner, jobs: number): RereadTask[] {
  const ids = [...joiner.reopened.keys()];
  const all = rereadsOf(pieces, joiner, ids);
  if (all.length === 0) return [];
  if (all.some((reread) => !reread.stretches)) return all.map((reread) => ({ rereads: [reread], ids, check: false }));
  const shares = Array.from({ length: Math.min(jobs, ids.length) }, (_, k) => ids.filter((_id, i) => i % jobs === k));
  return shares.map((share) => ({ rereads: rereadsOf(pieces, joiner, share), ids: share, check: true }));
}

/** The messages of the wanted conversations in re-read events, in read order (plain data: they are posted between threads). */
async function* wantedMessages(events: AsyncIterable<InputEvent>, wanted: ReadonlySet<string>): AsyncIterable<Message> {
  for await (const event of events) {
    if (event.type === 'batch') {
      for (const record of event.events) if (record.type === 'message' && wanted.has(record.message.conversationId)) yield record.message;
    } else if (event.type === 'message' && wanted.has(event.message.conversationId)) yield event.message;
  }
}

/** The reopened conversations' messages read again, as events in read order. */
async function* messageEvents(lists: readonly Message[][]): AsyncIterable<InputEvent> {
  for (const list of lists) yield { type: 'batch', events: list.map((message) => ({ type: 'message', message })) };
}

/**
 * What this thread does beside the workers: a piece (its leftovers to join; it stops reading once `stopped`
 * says so, when a worker failed), a re-read task (true: it overflowed).
 */
interface WorkHere {
  piece(index: number, piece: Piece, stopped: () => boolean): Promise<PieceDone>;
  reread(task: RereadTask, results: RereadResults): Promise<boolean>;
}

/** The events until `stopped` says so (the file is closed then, as for a finished read). */
async function* untilStopped(events: AsyncIterable<InputEvent>, stopped: () => boolean): AsyncIterable<InputEvent> {
  for await (const event of events) {
    if (stopped()) return;
    yield event;
  }
}

/**
 * A worker's young generation. Round five set 8 MB, when a worker held its messages as objects until they were
 * evicted (50–60 MB off two workers' peak for ~2% more time). Held as fields they are far fewer objects, and at
 * 8 MB a worker scavenged four times as often as this thread: 987 scavenges, 5.4 s of pauses, on a 1 GB night
 * with two threads. At 24 MB it uses ~3 s less CPU in all for a few MB more peak RSS (docs/performance.md, round twelve).
 */
const WORKER_YOUNG_GENERATION_MB = 24;

/** Messages per post when a worker sends back what it read again. */
const MESSAGES_PER_POST = 2000;

/**
 * Runs the pieces on worker threads and this one, handing what they give to the joiner; then, once every piece is done,
 * the re-read tasks for the reopened conversations (`plan` says which, from what the joiner learnt), spread
 * over the same threads. Resolves to the messages sent back by tasks that did not check, in the plan's order.
 */
function runWorkers(run: PieceCheck, pieces: Piece[], joiner: PieceJoiner, plan: () => RereadTask[], here: WorkHere): Promise<Message[][]> {
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  let rereads: RereadTask[] | undefined;
  let nextReread = 0;
  let rereadsDone = 0;
  const found: Message[][] = [];
  // Workers with nothing to do until the last piece is done (then the re-reads are known).
  const waiting: Worker[] = [];
  return new Promise<Message[][]>((resolve, reject) => {
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      for (const worker of workers) void worker.terminate();
      reject(error);
    };
    const busy = new Set<Worker>();
    const give = (worker: Worker) => {
      const index = next++;
      const piece = pieces[index];
      if (piece) {
        busy.add(worker);
        worker.postMessage({ type: 'piece', index, piece } satisfies ToWorker);
      } else if (!rereads) waiting.push(worker);
      else if (nextReread < rereads.length) {
        const at = nextReread++;
        busy.add(worker);
        worker.postMessage({ type: 'reread', index: at, task: rereads[at] as RereadTask } satisfies ToWorker);
      } else worker.postMessage({ type: 'exit' } satisfies ToWorker);
    };
    const finishIfDone = () => {
      if (rereads && rereadsDone === rereads.length) {
        for (const worker of waiting.splice(0)) worker.postMessage({ type: 'exit' } satisfies ToWorker);
        resolve(found);
      }
    };
    let rereadsKnown: () => void = () => {};
    const planned = new Promise<void>((known) => (rereadsKnown = known));
    const pieceDone = (index: number, left: PieceDone) => {
      joiner.done(index, left);
      if (++done === pieces.length) {
        rereads = plan();
        rereadsKnown();
        for (const idle of waiting.splice(0)) give(idle);
        finishIfDone();
      }
    };
    const rereadDone = (index: number, overflowed: boolean | undefined) => {
      // Too many messages to check within a thread's share of the budget: sent back instead, and grouped here (past the budget, on disk).
      if (overflowed) rereads?.push({ ...(rereads[index] as RereadTask), check: false });
      found[index] ??= [];
      rereadsDone++;
      finishIfDone();
    };
    // This thread takes pieces and re-reads too, between handling what the workers post: one isolate fewer
    // to warm up and collect for, and its entries go to the store without crossing threads.
    const workHere = async () => {
      if (run.workersOnly) return;
      for (let index = next++; index < pieces.length && !failed; index = next++) pieceDone(index, await here.piece(index, pieces[index] as Piece, () => failed));
      await planned;
      while (rereads && nextReread < rereads.length && !failed) {
        const index = nextReread++;
        const results: RereadResults = {
          rechecked: (entries) => entries.forEach((entry) => joiner.rechecked(entry)),
          messages: (messages) => (found[index] ??= []).push(...messages),
        };
        rereadDone(index, await here.reread(rereads[index] as RereadTask, results));
      }
    };
    workHere().catch(fail);
    for (let w = 0; w < Math.min(run.jobs, pieces.length) - 1; w++) {
      const worker = new (workerThreads().Worker)(run.workerUrl, { workerData: run.workerData, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      workers.push(worker);
      worker.on('message', (message: FromWorker) => {
        if (failed) return;
        if (message.type === 'ready') give(worker);
        else if (message.type === 'ops') {
          countRecords(message.records);
          run.counted?.(message.records, message.bytes, 0);
          for (const op of message.ops) {
            if ('entry' in op && op.described !== undefined) run.onDescribed?.(op.described);
            joiner.take(message.piece, op);
          }
        } else if (message.type === 'piece-done') {
          busy.delete(worker);
          const piece = pieces[message.piece];
          run.counted?.(0, 0, piece && (piece.range?.start ?? 0) === 0 ? 1 : 0);
          pieceDone(message.piece, message.done);
        } else if (message.type === 'messages') (found[message.index] ??= []).push(...message.messages);
        else if (message.type === 'rechecked') {
          message.entries.forEach((entry, i) => {
            if (message.described) run.onDescribed?.(message.described[i]);
            joiner.rechecked(entry);
          });
        }
        else if (message.type === 'reread-done') {
          busy.delete(worker);
          rereadDone(message.index, message.overflowed);
        } else fail(new Error(message.message));
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (busy.has(worker)) fail(new Error(`check worker stopped (exit code ${code}) before its work was done`));
      });
    }
  });
}

/**
 * Checks files in bounded memory, in this thread and jobs-1 worker threads: the files (and byte ranges of
 * big JSON Lines files) are pieces; each is grouped and checked as memory runs short (EvictingGrouper). A
 * conversation that more than one piece saw, or that continued after its early check, is superseded and
 * re-checked whole at the end from a re-read of the lines where it lies, so the report is byte-identical
 * whatever the number of workers or the memory budget.
 */
export async function checkPieces(run: PieceCheck, ruleset: Ruleset, hooks: RunHooks, options: RunOptions): Promise<RunResult> {
  const pieces = await planPieces(run.files, run.readOptions, run.forced, run.jobs, run.minRangeBytes);
  await enterPhase('reading');
  const sink = options.entries ?? new EntryStore();
  const joiner = new PieceJoiner(sink, hooks, pieces.length);
  // Signatures are resolved in this thread (a conversation checked again replaces what it counted).
  const identity = identityStep(ruleset, options);
  const check = conversationChecker(ruleset, options, identity);
  const packer = new EntryPacker();
  let again: AsyncIterable<InputEvent>;
  if (run.jobs > 1 && pieces.length > 1 && !identity) {
    // The workers read again too, and check the reopened conversations or send back their messages.
    const share: RunOptions = { ...options, memoryBudgetBytes: Math.floor((options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES) / run.jobs) };
    const here: WorkHere = {
      async piece(index, piece, stopped) {
        const { hooks: calls, recorder } = recordingHooks();
        const read = (started: (at: LinePosition, marks: LinePosition[]) => void) => {
          const events = untilStopped(readPiece(piece, run.readOptions, run.forced, started), stopped);
          return run.track ? run.track(events) : events;
        };
        const done = await checkPiece(read, recorder, share, check, packer, (op) => joiner.take(index, op));
        return { ...done, hooks: calls };
      },
      reread: (task, results) => rereadAndCheck(task, run.readOptions, run.forced, share.memoryBudgetBytes, check, packer, results),
    };
    again = messageEvents(await runWorkers(run, pieces, joiner, () => rereadTasks(pieces, joiner, run.jobs), here));
  } else {
    for (const [index, piece] of pieces.entries()) {
      const read = (started: (at: LinePosition, marks: LinePosition[]) => void) => {
        const events = readPiece(piece, run.readOptions, run.forced, started);
        return run.track ? run.track(events) : events;
      };
      const done = await checkPiece(read, hooks, options, check, packer, (op) => joiner.take(index, op));
      joiner.done(index, { ...done, hooks: [] });
    }
    const ids = [...joiner.reopened.keys()];
    again = readAll(rereadsOf(pieces, joiner, ids), new Set(ids), run.readOptions, run.forced);
  }
  await enterPhase('grouping');
  if (joiner.reopened.size > 0) {
    // Messages of the reopened conversations not checked on a worker (none when the workers checked them).
    const wanted = new Set(joiner.reopened.keys());
    await groupWhole(again, options.memoryBudgetBytes, (grouped) => sink.add(check(grouped)), messagesOf(wanted));
  }
  const result = finishRun(ruleset, options, hooks, joiner.account(), sink, identity);
  // Only the lines where the conversations lie, as for the reopened ones.
  return { ...result, readAgain: (ids) => readAll(rereadsOf(pieces, joiner, [...ids]), ids, run.readOptions, run.forced) };
}
