import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';

/**
 * bin/chatlint.js compiles the bundle through a V8 code cache in CHATLINT_CACHE_DIR. Spawned: the real
 * binary's start-up is the point. Whatever the cache holds (nothing, a good cache, garbage, another
 * build's), the output is the same.
 */
const dir = mkdtempSync(join(tmpdir(), 'chatlint-code-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = () => {
  const result = spawnSync(process.execPath, [BIN, 'check', 'fixtures/transcript/one-chat.json', '-f', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CHATLINT_CACHE_DIR: dir, NO_COLOR: '1', LANG: 'C' },
  });
  return { code: result.status, stdout: result.stdout };
};
const caches = () => readdirSync(dir).filter((name) => name.startsWith('code-'));

describe('the code cache', () => {
  it('is written once, read after, replaced when unusable, and never changes the output', () => {
    writeFileSync(join(dir, 'code-v0-x64-1-1.bin'), 'another build');
    const first = run();
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout).summary.findings).toBeGreaterThan(0);
    const [cache] = caches();
    expect(caches()).toHaveLength(1);
    expect(cache).toMatch(new RegExp(`^code-${process.version}-`));
    const written = readFileSync(join(dir, cache as string));

    expect(run()).toEqual(first);
    expect(readFileSync(join(dir, cache as string)).equals(written)).toBe(true);

    writeFileSync(join(dir, cache as string), 'garbage');
    expect(run()).toEqual(first);
    expect(readFileSync(join(dir, cache as string)).length).toBeGreaterThan(1000);
  });
});
