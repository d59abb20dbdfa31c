import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';
import type { InputEvent } from '../input/events.js';
import { inputBytes } from '../input/source.js';
import type { TextOut } from './io.js';

/** How long a run goes before the bar appears unasked: a small run finishes before it shows anything. */
const SHOW_AFTER_MS = 1000;

export interface Progress {
  /** The input events, counted on their way through. */
  track(events: AsyncIterable<InputEvent>): AsyncIterable<InputEvent>;
  /** Counts what worker threads read (they read on their own): records, bytes and files done. */
  count(records: number, bytes: number, files: number): void;
  /** Removes the bar (before the report or any message is printed). */
  stop(): void;
}

const NO_PROGRESS: Progress = { track: (events) => events, count: () => {}, stop: () => {} };

/**
 * A progress bar on stderr (files, MB, messages, rate, ETA): `asked` true shows it at once wherever stderr
 * goes, false never, undefined only when stderr is a terminal and the run lasts over a second.
 * Drawn by cli-progress (widely used, one small dependency), loaded only when a bar is drawn.
 */
export function startProgress(stderr: TextOut, files: readonly string[], asked: boolean | undefined): Progress {
  if (asked === false || (asked === undefined && !stderr.isTTY)) return NO_PROGRESS;
  const totalBytes = files.reduce((sum, file) => {
    try {
      return sum + statSync(file).size;
    } catch {
      return sum;
    }
  }, 0);
  const startBytes = inputBytes.read;
  const started = Date.now();
  let filesSeen = 0;
  let messages = 0;
  let workerBytes = 0;
  const bytesRead = () => inputBytes.read - startBytes + workerBytes;
  let bar: CliProgress.SingleBar | undefined;
  const values = () => {
    const mb = bytesRead() / 1e6;
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    return { files: `${Math.max(filesSeen, 0)}/${files.length}`, mb: mb.toFixed(1), totalMb: (totalBytes / 1e6).toFixed(1), messages, rate: (mb / seconds).toFixed(1) };
  };
  const show = () => {
    const { SingleBar } = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
    bar = new SingleBar({
      // cli-progress writes text, asks isTTY and columns, and moves the cursor through readline (writes too).
      stream: stderr as NodeJS.WritableStream,
      format: 'checking [{bar}] {percentage}% | files {files} | {mb}/{totalMb} MB | {messages} messages | {rate} MB/s | ETA {eta_formatted}',
      hideCursor: false,
      clearOnComplete: Boolean(stderr.isTTY),
      noTTYOutput: asked === true,
      notTTYSchedule: 2000,
      etaBuffer: 50,
    });
    bar.start(Math.max(1, totalBytes), 0, values());
  };
  const timer = asked ? undefined : setTimeout(show, SHOW_AFTER_MS);
  timer?.unref();
  if (asked) show();
  return {
    async *track(events) {
      for await (const event of events) {
        if (event.type === 'file') filesSeen++;
        else if (event.type === 'message') messages++;
        else if (event.type === 'batch') messages += event.events.length;
        bar?.update(Math.min(totalBytes, bytesRead()), values());
        yield event;
      }
    },
    count(records, bytes, files) {
      messages += records;
      workerBytes += bytes;
      filesSeen += files;
      bar?.update(Math.min(totalBytes, bytesRead()), values());
    },
    stop() {
      if (timer) clearTimeout(timer);
      bar?.update(Math.min(totalBytes, bytesRead()), values());
      bar?.stop();
      bar = undefined;
    },
  };
}
