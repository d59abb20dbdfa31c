import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatlint } from '../helpers/cli.js';

describe('grouping past the memory budget', () => {
  it('gives the same report when every message goes through the disk spill', async () => {
    // A private temporary folder: other test files' runs spill into the shared one meanwhile.
    const previous = process.env.TMPDIR;
    const tmp = mkdtempSync(join(tmpdir(), 'chatlint-spill-test-'));
    process.env.TMPDIR = tmp;
    try {
      const args = ['check', 'fixtures/nightly', 'fixtures/csv', 'fixtures/broken/bad-lines.jsonl', '-f', 'json'];
      const inMemory = await chatlint(args);
      // Agent signatures need every conversation checked once: past the budget their messages go through the spill.
      const signed = ['check', '-', '-f', 'json', '--rules', 'examples/twitter-support.yaml'];
      const stdin = await chatlint([...signed, '--memory-budget', '0'], { input: readFixture() });
      const stdinInMemory = await chatlint(signed, { input: readFixture() });
      expect(JSON.parse(stdin.stdout)).toHaveProperty('summary.agentIdentity');
      const spilled = await chatlint([...args, '--memory-budget', '0', '--jobs', '1']);
      expect(spilled.code).toBe(inMemory.code);
      expect(spilled.stdout).toBe(inMemory.stdout);
      expect(stdin.stdout).toBe(stdinInMemory.stdout);
      // No spill folder is left.
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

function readFixture(): string {
  return readdirSync('fixtures/nightly')
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) => readFileSync(join('fixtures/nightly', name), 'utf8'))
    .join('');
}
