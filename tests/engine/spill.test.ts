import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatlint } from '../helpers/cli.js';
import { loadRuleset } from '../../src/config/load.js';
import { runCheck } from '../../src/engine/run.js';
import { readFiles } from '../../src/input/read.js';
import { materialize } from '../../src/model/report.js';

describe('grouping past the memory budget', () => {
  it('gives the same report when every message goes through the disk spill', async () => {
    // A private temporary folder: other test files' runs spill into the shared one meanwhile.
    const previous = process.env.TMPDIR;
    const tmp = mkdtempSync(join(tmpdir(), 'chatlint-spill-test-'));
    process.env.TMPDIR = tmp;
    try {
      const args = ['check', 'fixtures/nightly', 'fixtures/csv', 'fixtures/broken/bad-lines.jsonl', '-f', 'json'];
      const inMemory = await chatlint(args);
      // Holding every message (runCheck, as audit does): past the budget they go through the spill.
      const ruleset = loadRuleset({ cwd: process.cwd() });
      const held = async (memoryBudgetBytes?: number) => {
        const run = await runCheck(readFiles(['fixtures/nightly', 'fixtures/broken/bad-lines.jsonl'].flatMap(filesIn), {}), ruleset, {}, { memoryBudgetBytes });
        const text = JSON.stringify(materialize(run.report));
        run.entries.close();
        return text;
      };
      const spilled = await chatlint([...args, '--memory-budget', '0', '--jobs', '1']);
      expect(spilled.code).toBe(inMemory.code);
      expect(spilled.stdout).toBe(inMemory.stdout);
      expect(await held(0)).toBe(await held());
      // No spill folder is left.
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

function filesIn(path: string): string[] {
  return path.endsWith('.jsonl') ? [path] : readdirSync(path).filter((name) => name.endsWith('.jsonl')).map((name) => join(path, name));
}
