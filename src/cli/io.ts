import type { ChatlintError } from '../errors.js';

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
}

/** Prints an expected error's problems, one `chatlint:` line each (through `clean`), and gives its exit code. */
export function reportError(error: ChatlintError, io: Io, clean: (text: string) => string = (text) => text): number {
  for (const problem of error.problems) io.stderr.write(`chatlint: ${clean(problem)}\n`);
  return error.exitCode;
}
