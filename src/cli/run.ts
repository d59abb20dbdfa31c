import { main } from './main.js';

/** Entry point used by bin/chatlint.js: real process streams, real exit code. */
export async function run(): Promise<void> {
  // `chatlint check … | head` closes the pipe early: that is the reader's choice, not a failure to report.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
    process.exitCode = code;
  } catch (error) {
    process.stderr.write(`chatlint: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  }
}
