import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

const LINE = `${JSON.stringify({ conversation_id: 'c1', timestamp: '2026-11-27 10:00:00', role: 'customer', text: '在吗'.repeat(50) })}\n`;

/**
 * Starts `chatlint check - -o report.json` over an existing report, feeds it part of a big export on
 * standard input (never closing it, so the run is still reading), kills it, and returns what is left.
 */
async function interrupt(signal: NodeJS.Signals): Promise<{ files: string[]; report: string; exit: { code: number | null; signal: NodeJS.Signals | null } }> {
  const dir = tempDir({ 'report.json': 'previous report\n' });
  const child = spawn(process.execPath, [join(ROOT, 'bin/chatlint.js'), 'check', '-', '--rules', join(ROOT, 'fixtures/hostile/rules.yaml'), '-o', 'report.json'], {
    cwd: dir,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  child.stdin.on('error', () => {});
  // More than a pipe holds: 'drain' comes once the process is up and reading, and it is interrupted mid-input.
  const chunk = LINE.repeat(2000);
  let full = false;
  for (let i = 0; i < 10; i++) full = !child.stdin.write(chunk) || full;
  if (full) await once(child.stdin, 'drain');
  child.kill(signal);
  const exit = await exited;
  return { files: readdirSync(dir).sort(), report: readFileSync(join(dir, 'report.json'), 'utf8'), exit };
}

describe('an interrupted run leaves the previous report intact and no partial file', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)('%s while reading standard input', async (signal) => {
    const { files, report, exit } = await interrupt(signal);
    expect(exit.signal ?? exit.code).not.toBe(0);
    expect(report).toBe('previous report\n');
    expect(files).toEqual(['report.json']);
  });
});
