import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLine, ROOT, tempDir } from '../helpers/cli.js';

/** A night whose JSON report is far larger than a pipe holds: many conversations, a rude reply in each. */
function bigNight(): string {
  const lines: string[] = [];
  for (let c = 0; c < 600; c++) {
    const at = Date.UTC(2026, 10, 27, 3, 0, 0) + c * 1000;
    const id = `S${String(c).padStart(4, '0')}`;
    lines.push(jsonLine({ conversation_id: id, timestamp: new Date(at).toISOString(), role: 'customer', text: '在吗？' }));
    lines.push(jsonLine({ conversation_id: id, timestamp: new Date(at + 20_000).toISOString(), role: 'agent', agent_id: '3001', text: '我晕，你自己看啊！！' }));
  }
  return lines.join('');
}

describe('an interrupt while the report is written from spilled entries', () => {
  it('removes the private folder of the runs (SIGTERM, standard output full)', async () => {
    const input = join(tempDir({ 'night.jsonl': bigNight() }), 'night.jsonl');
    const tmp = tempDir();
    // Every entry goes to disk (budget 0); stdout is a pipe nobody empties, so writing the report waits.
    const child = spawn(process.execPath, [join(ROOT, 'bin/chatlint.js'), 'check', input, '-f', 'json', '--memory-budget', '0'], {
      env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // The first piece of the report marks the writing phase: every entry was added (and spilled) before it.
    await once(child.stdout, 'data');
    child.stdout.pause();
    expect(readdirSync(tmp).filter((name) => name.startsWith('chatlint-entries-'))).toHaveLength(1);
    child.kill('SIGTERM');
    const exit = await exited;
    expect(exit.code).toBe(143);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
