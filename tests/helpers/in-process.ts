import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface MainResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `chatlint <argv>` in this process (no spawn): stdout and stderr collected, stdin from `input`. */
export async function runMain(argv: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<MainResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const stdin = Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]);
  const code = await main(argv, {
    stdout,
    stderr,
    stdin,
    env: { NO_COLOR: '1', LANG: 'C', CHATLINT_CACHE_DIR: '', ...options.env },
  });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
