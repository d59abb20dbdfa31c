import { constants } from 'node:os';
import { rememberRulesIn } from '../config/parse.js';
import { currentProgress } from '../engine/progress.js';
import { ReportWriteError } from '../report/write.js';
import { processIo } from './io.js';
import { main } from './main.js';

const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * SIGINT, SIGTERM and SIGHUP end the run at once with 128 + the signal's number (130, 143, 129), after
 * one line saying how far it got. process.exit runs the 'exit' handlers that remove the report's
 * temporary file and the spill folder, so the previous report is all that is left.
 */
function handleInterrupts(): void {
  for (const signal of INTERRUPTS) {
    process.once(signal, () => {
      const { phase, records } = currentProgress();
      process.stderr.write(`chatlint: interrupted by ${signal} while ${phase} (${records} records read); no report written, any previous report is left as it was\n`);
      process.exit(128 + constants.signals[signal]);
    });
  }
}

/** Where bin/chatlint.js keeps what a run learns for the next: its cache folder ('' for none) and this build's name. */
export interface RunCache {
  folder: string;
  build: string;
}

/** Entry point used by bin/chatlint.js: real process streams, real exit code. */
export async function run(cache?: RunCache): Promise<void> {
  handleInterrupts();
  if (cache) rememberRulesIn(cache.folder, cache.build);
  // A closed pipe (`chatlint check … | head`) or a full disk on stdout: check() says so and returns 2;
  // this listener only keeps a late stream error from ending the process with a stack trace.
  const stdoutMade = (stdout: NodeJS.WriteStream) =>
    stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') process.stderr.write(`chatlint: ${new ReportWriteError('standard output', error.code).message}\n`);
      process.exit(2);
    });
  try {
    const code = await main(process.argv.slice(2), processIo({ stdinFd: 0, stdoutMade, directStderr: true }));
    process.exitCode = code;
  } catch (error) {
    process.stderr.write(`chatlint: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  }
}

// For bin/chatlint.js: whether the run's code cache would be refused by the next run (see tuneV8).
export { v8FlagsChanged } from '../engine/pieces.js';
