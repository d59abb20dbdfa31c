import { Worker, type MessagePort } from 'node:worker_threads';
import type { Ruleset } from '../config/ruleset.js';
import type { InputEvent } from '../input/events.js';
import type { ReadOptions } from '../input/options.js';
import type { SkippedRecord } from '../model/message.js';
import type { InputFile } from '../model/report.js';
import type { ConversationEntry } from './aggregate.js';
import { MemoryEntrySink, type EntrySink } from './entry-sink.js';
import { IdHashTable } from './id-table.js';
import { planPieces, readPiece, type Piece } from './pieces.js';
import { countRecords, currentProgress, enterPhase } from './progress.js';
import {
  checkEvicting,
  conversationChecker,
  finishRun,
  groupWhole,
  messagesOf,
  runCheck,
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

/** Entries and supersessions in the order the worker made them (a string is a conversation id superseded). */
type Op = ConversationEntry | string;

/** What a check worker posts. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'ops'; piece: number; ops: Op[]; records: number }
  | { type: 'piece-done'; piece: number; account: ReadAccount; hooks: HookCall[] }
  | { type: 'error'; message: string };

/** What the main thread posts to a check worker. */
export type ToWorker = { type: 'piece'; index: number; piece: Piece } | { type: 'exit' };

/** What a worker needs to check pieces as the main thread would. */
export interface WorkerSetup {
  ruleset: Ruleset;
  readOptions: ReadOptions;
  forced: string | undefined;
  options: RunOptions;
}

const OPS_PER_POST = 500;

/** A sink that posts entries to the main thread in batches (nothing per finding stays in the worker). */
class PostingSink implements EntrySink {
  private ops: Op[] = [];
  private postedRecords = 0;

  constructor(
    private readonly port: MessagePort,
    private readonly piece: number,
  ) {}

  add(entry: ConversationEntry): void {
    this.ops.push(entry);
    if (this.ops.length >= OPS_PER_POST) this.flush();
  }

  supersede(conversationId: string): void {
    this.ops.push(conversationId);
  }

  flush(): void {
    const records = currentProgress().records;
    const message: FromWorker = { type: 'ops', piece: this.piece, ops: this.ops, records: records - this.postedRecords };
    this.port.postMessage(message);
    this.postedRecords = records;
    this.ops = [];
  }
}

/**
 * The worker side: checks the pieces the main thread sends, one at a time, posting entries as they are
 * made and, per piece, the read accounts and the hook calls to replay. Conversations reopened in a piece
 * are only superseded here: the main thread re-checks them whole.
 */
export function serveChecks(port: MessagePort, setup: WorkerSetup): void {
  const check = conversationChecker(setup.ruleset, setup.options);
  const post = (message: FromWorker) => port.postMessage(message);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'exit') {
      port.close();
      return;
    }
    const hooks: HookCall[] = [];
    const recorder: RunHooks = {
      onSkip: (skip) => hooks.push({ hook: 'onSkip', skip }),
      onFileError: (file, reason) => hooks.push({ hook: 'onFileError', file, reason }),
      onNote: (file, note) => hooks.push({ hook: 'onNote', file, message: note }),
      onEmptyFile: (file) => hooks.push({ hook: 'onEmptyFile', file }),
    };
    const sink = new PostingSink(port, message.index);
    checkEvicting(readPiece(message.piece, setup.readOptions, setup.forced), recorder, setup.options, check, sink)
      .then(({ account }) => {
        sink.flush();
        post({ type: 'piece-done', piece: message.index, account, hooks });
        post({ type: 'ready' });
      })
      .catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  });
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

export interface ParallelCheck {
  /** The compiled worker script (it builds a WorkerSetup from `workerData` and calls serveChecks). */
  workerUrl: URL;
  workerData: unknown;
  jobs: number;
  files: string[];
  readOptions: ReadOptions;
  forced: string | undefined;
  /** Smallest JSON Lines file cut into ranges (default MIN_RANGE_BYTES; tests cut small files). */
  minRangeBytes?: number | undefined;
  /** Reads the inputs again, only the records of these conversations (see RunOptions.reread). */
  reread: (conversations: ReadonlySet<string>) => AsyncIterable<InputEvent>;
}

/**
 * Checks files on `jobs` worker threads: the files (and ranges of big JSON Lines files) are spread over
 * the workers, each groups and checks its piece in bounded memory and posts entries here. A conversation
 * that more than one piece saw (or that reopened in its piece) is superseded and re-checked whole at the
 * end, so the report is byte-identical to a one-thread run. With one piece, it runs here, in this thread.
 */
export async function checkInParallel(run: ParallelCheck, ruleset: Ruleset, hooks: RunHooks, options: RunOptions): Promise<RunResult> {
  const pieces = await planPieces(run.files, run.readOptions, run.forced, run.jobs, run.minRangeBytes);
  if (pieces.length <= 1 || run.jobs <= 1) {
    const events = (async function* () {
      for (const piece of pieces) yield* readPiece(piece, run.readOptions, run.forced);
    })();
    return runCheck(events, ruleset, hooks, { ...options, reread: run.reread });
  }
  await enterPhase('reading');
  const sink = new MemoryEntrySink();
  const seenIn = new IdHashTable();
  const reopened = new Set<string>();
  const reopen = (id: string) => {
    if (reopened.has(id)) return;
    reopened.add(id);
    sink.supersede(id);
  };
  const take = (piece: number, op: Op) => {
    if (typeof op === 'string') return reopen(op);
    const id = op.summary.conversationId;
    if (reopened.has(id)) return;
    // Seen in another piece (or another id with the same hash): re-checked whole at the end.
    if (seenIn.putIfAbsent(id, piece) !== piece) return reopen(id);
    sink.add(op);
  };
  const accounts: ReadAccount[] = [];
  const hookCalls: HookCall[][] = [];
  let replayed = 0;
  let next = 0;
  const workers: Worker[] = [];
  await new Promise<void>((resolve, reject) => {
    let done = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      for (const worker of workers) void worker.terminate();
      reject(error);
    };
    const count = Math.min(run.jobs, pieces.length);
    for (let w = 0; w < count; w++) {
      const worker = new Worker(run.workerUrl, { workerData: run.workerData });
      workers.push(worker);
      let busy = false;
      worker.on('message', (message: FromWorker) => {
        if (failed) return;
        if (message.type === 'ready') {
          const index = next++;
          const piece = pieces[index];
          busy = piece !== undefined;
          worker.postMessage((piece ? { type: 'piece', index, piece } : { type: 'exit' }) satisfies ToWorker);
        } else if (message.type === 'ops') {
          countRecords(message.records);
          for (const op of message.ops) take(message.piece, op);
        } else if (message.type === 'piece-done') {
          busy = false;
          accounts[message.piece] = message.account;
          hookCalls[message.piece] = message.hooks;
          // Warnings reach stderr in read order, as a one-thread run writes them.
          for (; replayed < pieces.length && hookCalls[replayed]; replayed++) replay(hooks, hookCalls[replayed] as HookCall[]);
          if (++done === pieces.length) resolve();
        } else fail(new Error(message.message));
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (busy) fail(new Error(`check worker stopped (exit code ${code}) before its piece was done`));
      });
    }
  });
  const account = joinAccounts(accounts);
  await enterPhase('grouping');
  if (reopened.size > 0) {
    const check = conversationChecker(ruleset, options);
    await groupWhole(run.reread(reopened), options.memoryBudgetBytes, (grouped) => sink.add(check(grouped)), messagesOf(reopened));
  }
  return finishRun(ruleset, options, hooks, account, sink.entries());
}
