import type { ChatlintError } from '../errors.js';
import { Writable } from 'node:stream';
import { terminalLines, terminalSafe } from '../report/terminal-safe.js';
import { isSpecialTarget, type ReportWriteError } from '../report/write.js';
import { EXIT_USAGE } from '../errors.js';

/**
 * Everything a command touches outside itself. The real process passes its own streams and
 * environment (run.ts); tests pass captured ones, so a command runs in-process without sharing state.
 */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** The descriptor behind stdin (0 in the real process), to tell when it is redirected from the -o file. */
  stdinFd?: number;
  /** The folder relative paths are read from; the process's own when absent (see main.ts). */
  cwd?: string;
}

/** The process's own streams and environment. Its stdin is made when a command first reads it. */
export function processIo(stdinFd?: number): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    ...(stdinFd === undefined ? {} : { stdinFd }),
  };
}

/**
 * `io` with some streams replaced. Its other properties are copied as they are defined, so a getter stays a
 * getter: the real process's stdin is made only when a command reads it (making it costs a small run ~1%).
 */
export function withStreams(io: Io, streams: Partial<Pick<Io, 'stdout' | 'stderr'>>): Io {
  return Object.assign(Object.defineProperties({}, Object.getOwnPropertyDescriptors(io)) as Io, streams);
}

/**
 * A stream that removes escape sequences, control characters and bidirectional overrides from
 * everything written through it: the one step between user-controlled text (rule files, file names,
 * waiver fields, skip reasons) and a terminal. Reports in JSON and CSV never pass through it.
 */
export function sanitized<S extends NodeJS.WritableStream & { isTTY?: boolean }>(stream: S): S {
  const clean = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      stream.write(terminalLines(chunk.toString()));
      done();
    },
  });
  return Object.assign(clean, { isTTY: stream.isTTY }) as unknown as S;
}

/** Prints an expected error's problems, one `chatlint:` line each (through `clean`), and gives its exit code. */
export function reportError(error: ChatlintError, io: Io, clean: (text: string) => string = (text) => text): number {
  for (const problem of error.problems) io.stderr.write(`chatlint: ${clean(problem)}\n`);
  return error.exitCode;
}

/**
 * One line for a report that could not be written (full disk, EIO, a closed pipe), exit 2: the
 * previous -o file is named as left as it was. A reader that closed the pipe (`chatlint check … | head`)
 * chose to stop, so that case says nothing (still exit 2, never a pass).
 */
export function writeFailed(error: ReportWriteError, output: string | undefined, io: Io): number {
  if (error.target === 'standard output' && error.code === 'EPIPE') return EXIT_USAGE;
  const kept = output !== undefined && error.target === output && !isSpecialTarget(output) ? `; ${output} is left as it was` : '';
  io.stderr.write(`chatlint: ${terminalSafe(error.message)}${terminalSafe(kept)}\n`);
  return EXIT_USAGE;
}
