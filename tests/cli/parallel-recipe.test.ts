import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const hasParallel = spawnSync('parallel', ['--version'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'chatlint-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The README's one-machine shard recipe: the `parallel chatlint check …` line and the `chatlint merge …` after it. */
function readmeRecipe(): string[] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('parallel chatlint check'));
  return [lines[start] as string, lines[start + 1] as string];
}

// Real processes are the point here: GNU parallel starting chatlint once per shard.
describe.skipIf(!hasParallel)('the README recipe with GNU parallel', () => {
  it('runs 8 shards and merges them into the report of one run', () => {
    const [shards, merge] = readmeRecipe();
    expect(merge).toMatch(/^chatlint merge part-\*\.json/);
    const shim = join(dir, 'chatlint');
    writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/chatlint.js')}" "$@"\n`);
    chmodSync(shim, 0o755);
    const script = [shards, merge].join('\n').replaceAll("'exports/2026-11-27/*.jsonl'", `'${join(ROOT, 'fixtures/nightly')}/*.jsonl'`);
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}`, CHATLINT_CACHE_DIR: '', HOME: dir };
    const run = spawnSync('bash', ['-c', script], { cwd: dir, env, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(1); // the merge exits 1: the fixtures hold error findings
    const one = spawnSync(shim, ['check', join(ROOT, 'fixtures/nightly'), '--format', 'json'], { cwd: dir, env, encoding: 'utf8' });
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(one.stdout);
  });
});
