import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process through main(argv, io), without colour unless the env asks for it. */
export async function runMain(argv: string[], env: Record<string, string> = {}): Promise<InProcessResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const stdin = Object.assign((async function* () {})(), { isTTY: true });
  const code = await main(argv, {
    stdout,
    stderr,
    stdin,
    env: { NO_COLOR: '', FORCE_COLOR: '0', LANG: 'C', CHATLINT_CACHE_DIR: '', ...env },
  });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
