import { main } from './main.js';

/** Entry point used by bin/chatlint.js: real process streams, real exit code. */
export async function run(): Promise<void> {
  try {
    const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
    process.exitCode = code;
  } catch (error) {
    process.stderr.write(`chatlint: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  }
}
