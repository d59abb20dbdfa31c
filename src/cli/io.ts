import { fstatSync, writeSync } from 'node:fs';
import type { ChatlintError } from '../errors.js';
import { stream } from '../model/node-modules.js';
import { terminalLines, terminalSafe } from '../report/terminal-safe.js';
import { isSpecialTarget, type ReportWriteError } from '../report/write.js';
import { EXIT_USAGE } from '../errors.js';

/**
 * Everything a command touches outside itself. The real process passes its own streams and
 * environment (run.ts); tests pass captured ones, so a command runs in-process without sharing state.
 */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: TextOut;
  stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** The descriptor behind stdin (0 in the real process), to tell when it is redirected from the -o file. */
  stdinFd?: number;
  /** The folder relative paths are read from; the process's own when absent (see main.ts). */
  cwd?: string;
}

/** Where lines for people go (stderr): all a command asks of it. */
export interface TextOut {
  write(text: string, done?: (error?: Error | null) => void): boolean;
  isTTY?: boolean | undefined;
}

/**
 * The process's own streams and environment, each stream made when a command first uses it: making Node's
 * stdin, stdout and stderr loads the modules behind them (net for a pipe, tty for a terminal).
 * - `stdoutMade` is called with stdout when it is made.
 * - `directStderr`: stderr written straight to its descriptor when that is a pipe, a socket or a file.
 */
export function processIo(options: { stdinFd?: number; stdoutMade?: (stdout: NodeJS.WriteStream) => void; directStderr?: boolean } = {}): Io {
  let stdout: NodeJS.WriteStream | undefined;
  let stderr: TextOut | undefined;
  return {
    get stdout() {
      if (!stdout) {
        stdout = process.stdout;
        options.stdoutMade?.(stdout);
      }
      return stdout;
    },
    get stderr() {
      return (stderr ??= (options.directStderr && descriptorOut(2)) || process.stderr);
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    ...(options.stdinFd === undefined ? {} : { stdinFd: options.stdinFd }),
  };
}

/**
 * Writes straight to descriptor `fd` when it is a pipe, a socket or a regular file: at once and whole, as
 * Node's own stream writes there, without making that stream (for a pipe it loads net and streams; with
 * crypto's, ~5% of a one-transcript check). Undefined for a terminal or anything else, which get Node's stream.
 * Should the descriptor refuse to wait (a non-blocking pipe that is full), Node's stream takes over.
 */
export function descriptorOut(fd: number, fallback: () => NodeJS.WritableStream = () => (fd === 1 ? process.stdout : process.stderr)): TextOut | undefined {
  try {
    const stats = fstatSync(fd);
    if (!stats.isFIFO() && !stats.isSocket() && !stats.isFile()) return undefined;
  } catch {
    return undefined;
  }
  let taken: NodeJS.WritableStream | undefined;
  return {
    isTTY: false,
    write(text, done) {
      if (taken) return taken.write(text, done);
      const bytes = Buffer.from(text);
      let at = 0;
      try {
        while (at < bytes.length) at += writeSync(fd, bytes, at);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          taken = fallback();
          return taken.write(bytes.subarray(at), done);
        }
        // A closed or failing stderr loses what it would have said; the run and its exit code go on.
        done?.(error as Error);
        return false;
      }
      done?.();
      return true;
    },
  };
}

/**
 * `io` with some streams replaced, each made by its function on first read. Its other properties are copied as
 * they are defined, so a getter stays a getter: the process's own streams are made only when a command uses them.
 */
export function withStreams(io: Io, streams: { [Name in 'stdout' | 'stderr']?: () => Io[Name] }): Io {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(io)) as Io;
  for (const [name, make] of Object.entries(streams)) {
    let made: Io['stdout'] | Io['stderr'] | undefined;
    Object.defineProperty(copy, name, { get: () => (made ??= make()), enumerable: true, configurable: true });
  }
  return copy;
}

/**
 * A stream that removes escape sequences, control characters and bidirectional overrides from
 * everything written through it: the one step between user-controlled text (rule files, file names,
 * waiver fields, skip reasons) and a terminal. Reports in JSON and CSV never pass through it.
 */
export function sanitized<S extends NodeJS.WritableStream & { isTTY?: boolean }>(out: S): S {
  const clean = new (stream().Writable)({
    write(chunk: Buffer | string, _encoding, done) {
      out.write(terminalLines(chunk.toString()));
      done();
    },
  });
  return Object.assign(clean, { isTTY: out.isTTY }) as unknown as S;
}

/** `out` with the same cleaning as sanitized(), for lines to people: no stream to make. */
export function sanitizedText(out: TextOut): TextOut {
  return {
    get isTTY() {
      return out.isTTY;
    },
    write: (text, done) => out.write(terminalLines(text), done),
  };
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
