import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/chatlint.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would (npm test builds first), without colour unless asked. */
export function chatlint(args: string[], options: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {}): CliResult {
  // CHATLINT_CACHE_DIR='' keeps the regex-verdict cache in memory, so tests write nothing outside the repository.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '', FORCE_COLOR: '0', LANG: 'C', CHATLINT_CACHE_DIR: '', ...options.env };
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Folders made by tempDir are removed when the test file that made them finishes.
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder with the given files in it, removed after the test file. */
export function tempDir(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatlint-test-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Runs main(argv) in this process with captured streams: the CLI's code path without a Node start-up. */
export async function runHere(argv: string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}): Promise<CliResult> {
  const { Readable, Writable } = await import('node:stream');
  const { main } = await import('../../src/cli/main.js');
  const collect = () => {
    const parts: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        parts.push(chunk.toString());
        done();
      },
    });
    return { stream, text: () => parts.join('') };
  };
  const stdout = collect();
  const stderr = collect();
  const stdin = Object.assign(Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]), { isTTY: options.input === undefined });
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, stdin, env: { ...process.env, NO_COLOR: '1', LANG: 'C', ...options.env } });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
