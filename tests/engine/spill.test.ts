import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { chatlint } from '../helpers/cli.js';

describe('grouping past the memory budget', () => {
  it('gives the same report when every message goes through the disk spill', async () => {
    const spills = () => readdirSync(tmpdir()).filter((name) => name.startsWith('chatlint-spill-'));
    const before = spills();
    const args = ['check', 'fixtures/nightly', 'fixtures/csv', 'fixtures/broken/bad-lines.jsonl', '-f', 'json'];
    const inMemory = await chatlint(args);
    const spilled = await chatlint([...args, '--memory-budget', '0']);
    expect(spilled.code).toBe(inMemory.code);
    expect(JSON.parse(spilled.stdout)).toEqual(JSON.parse(inMemory.stdout));
    expect(spilled.stdout).toBe(inMemory.stdout);
    // No spill folder of this run is left (others' runs on a shared machine may come and go meanwhile).
    expect(spills().filter((name) => !before.includes(name))).toEqual([]);
  });
});
