import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';
import type * as FsPromises from 'node:fs/promises';
import type * as Stream from 'node:stream';
import type * as V8 from 'node:v8';
import type * as WorkerThreads from 'node:worker_threads';
import type * as Zlib from 'node:zlib';
import { once } from './once.js';

/**
 * Node's modules that a small check does not use, loaded on first use. The bundle requires every module
 * imported by name as it starts, used or not. Required at start-up, fs/promises (with the readline and
 * watchers it brings), worker_threads, v8 and zlib were ~2% of the instructions of a one-transcript check;
 * crypto and stream (with the streams crypto brings) ~5% more.
 */
const load = createRequire(import.meta.url);

export const crypto = once(() => load('node:crypto') as typeof Crypto);
export const fsPromises = once(() => load('node:fs/promises') as typeof FsPromises);
export const stream = once(() => load('node:stream') as typeof Stream);
export const v8 = once(() => load('node:v8') as typeof V8);
export const workerThreads = once(() => load('node:worker_threads') as typeof WorkerThreads);
export const zlib = once(() => load('node:zlib') as typeof Zlib);

/** SHA-256 of `text` in hex (crypto loaded on first use). */
export const sha256 = (text: string): string => crypto().createHash('sha256').update(text).digest('hex');
