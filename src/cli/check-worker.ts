import { parentPort, workerData } from 'node:worker_threads';
import type { Shard } from '../model/shard.js';
import { checkShard } from './check.js';
import { type CheckOptions } from './check-settings.js';
import type { WorkerMessage } from './workers.js';

/** One worker thread of `chatlint check --jobs N`: checks one shard and posts its partial result. */
const { files, options, shard, memoryBudgetBytes } = workerData as { files: string[]; options: CheckOptions; shard: Shard; memoryBudgetBytes: number };
const post = (message: WorkerMessage) => parentPort?.postMessage(message);
try {
  const result = await checkShard(files, options, shard, memoryBudgetBytes, (text) => post({ type: 'warn', text }));
  post({ type: 'done', result });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
