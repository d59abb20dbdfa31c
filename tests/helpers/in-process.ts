import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface MainResult {
  code: number;
  stdout: string;
  /** What went to stdout as bytes (binary formats). */
  stdoutBytes: Buffer;
  stderr: string;
}

function collector() {
  const parts: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      done();
    },
  });
  return { stream, bytes: () => Buffer.concat(parts) };
}

/**
 * Runs `chatlint <argv>` in this process through main(argv, io), in `cwd`, with captured streams and no
 * colour: the CLI's code path without a Node start-up per case.
 */
export async function runMain(
  argv: string[],
  options: { cwd?: string; input?: string; env?: Record<string, string>; stdoutIsTty?: boolean } = {},
): Promise<MainResult> {
  const stdout = collector();
  const stderr = collector();
  const stdoutStream = Object.assign(stdout.stream, { isTTY: options.stdoutIsTty ?? false });
  const stdin = Object.assign(Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]), { isTTY: options.input === undefined });
  const before = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  try {
    const code = await main(argv, {
      stdout: stdoutStream,
      stderr: stderr.stream,
      stdin,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', LANG: 'C', CHATLINT_CACHE_DIR: '', ...options.env },
    });
    return { code, stdout: stdout.bytes().toString('utf8'), stdoutBytes: stdout.bytes(), stderr: stderr.bytes().toString('utf8') };
  } finally {
    process.chdir(before);
  }
}
