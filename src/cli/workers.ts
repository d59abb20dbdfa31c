import { Worker } from 'node:worker_threads';
import type { PartialReport } from '../engine/aggregate.js';
import type { RunResult } from '../engine/run.js';

/** The worker script, always from dist (tests run the sources, but a worker needs compiled JavaScript). */
const WORKER = new URL('../../dist/cli/check-worker.js', import.meta.url);

/** A worker's shard, whole (its entries in memory), as it crosses to the main thread. */
export type ShardResult = Omit<RunResult, 'report' | 'partial' | 'entries'> & { partial: PartialReport };

/** What a check worker posts: warnings as they come, then its shard's result or the error that stopped it. */
export type WorkerMessage = { type: 'warn'; text: string } | { type: 'done'; result: ShardResult } | { type: 'error'; message: string };

/**
 * Checks `files` in `jobs` worker threads (`options` are check's, passed through as they are), worker k taking the conversations of shard k of `jobs` (all of
 * them read every file: parsing is repeated, grouping, rules and scoring are split). Resolves to the
 * shards' results in shard order; warnings of shard 1 (which keeps the read skips) and every shard's own
 * duplicates reach `warn`.
 */
export function checkInWorkers(files: string[], options: object, jobs: number, memoryBudgetBytes: number, warn: (text: string) => void): Promise<ShardResult[]> {
  const runs = Array.from({ length: jobs }, (_, i) =>
    new Promise<ShardResult>((resolve, reject) => {
      const worker = new Worker(WORKER, { workerData: { files, options, shard: { index: i + 1, count: jobs }, memoryBudgetBytes } });
      let settled = false;
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'warn') {
          // Every worker reads every file: notes about files come from the first; others add only their duplicates.
          if (i === 0 || message.text.includes(': skipped: ')) warn(message.text);
        } else if (message.type === 'done') {
          settled = true;
          resolve(message.result);
        } else {
          settled = true;
          reject(new Error(message.message));
        }
      });
      worker.on('error', (error) => {
        settled = true;
        reject(error);
      });
      worker.on('exit', (code) => {
        if (!settled) reject(new Error(`check worker ${i + 1}/${jobs} stopped (exit code ${code})`));
      });
    }),
  );
  return Promise.all(runs);
}
