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

const runWith = (args: string[], cacheDir = dir) => {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CHATLINT_CACHE_DIR: cacheDir, NO_COLOR: '1', LANG: 'C' },
  });
  return { code: result.status, stdout: result.stdout };
};
const run = () => runWith(['check', 'fixtures/transcript/one-chat.json', '-f', 'json']);
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

  it('keeps a team rule file beside it, for the same build, without changing the output', () => {
    const team = join(dir, 'team.yaml');
    writeFileSync(team, `# a team's copy\n${readFileSync(join(ROOT, 'rules/zh-CN.yaml'), 'utf8')}`);
    const args = ['check', 'fixtures/transcript/one-chat.json', '-f', 'json', '--rules', team];
    const first = runWith(args);
    expect(first.code).toBe(1);
    const remembered = readdirSync(dir).filter((name) => name.startsWith('rules-'));
    expect(remembered).toEqual([(caches()[0] as string).replace(/^code-(.*)\.bin$/, 'rules-$1.json')]);
    expect(runWith(args)).toEqual(first);
    writeFileSync(join(dir, remembered[0] as string), 'garbage');
    expect(runWith(args)).toEqual(first);
    expect(JSON.parse(readFileSync(join(dir, remembered[0] as string), 'utf8'))).toHaveProperty('packs');
  });

  it("loads none of Node's modules a one-transcript check does not use", () => {
    const preload = join(dir, 'modules-at-exit.cjs');
    writeFileSync(preload, "process.on('exit', () => process.stderr.write(`MODULES ${process.moduleLoadList.join(',')}\\n`));\n");
    const result = spawnSync(process.execPath, ['-r', preload, BIN, 'check', 'fixtures/transcript/one-chat.json', '-f', 'json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CHATLINT_CACHE_DIR: dir, NO_COLOR: '1', LANG: 'C' },
    });
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).summary.findings).toBeGreaterThan(0);
    const loaded = (/MODULES (.*)/.exec(result.stderr)?.[1] ?? '').split(',');
    expect(loaded).toContain('NativeModule fs');
    // Made on first use: process.stdin (a file stream brings fs/promises and readline), file streams for a
    // small file, and the modules of gzip input, worker threads, V8 flags and commander's subprocesses.
    for (const unused of ['fs/promises', 'internal/fs/streams', 'internal/readline/interface', 'zlib', 'worker_threads', 'v8', 'child_process']) {
      expect(loaded, unused).not.toContain(`NativeModule ${unused}`);
    }
  });

  it('is written by a check, not by --help or another command, nor after a big input changed V8 flags', () => {
    const fresh = mkdtempSync(join(dir, 'fresh-'));
    const cachesIn = () => readdirSync(fresh).filter((name) => name.startsWith('code-'));
    for (const args of [['--help'], ['--version'], ['rules'], ['check', '--help']]) {
      expect(runWith(args, fresh).code, args.join(' ')).toBe(0);
      expect(cachesIn(), args.join(' ')).toEqual([]);
    }
    // Over 8 MB: tuneV8 sets V8 flags, and a cache made afterwards would be refused by the next run.
    const big = join(fresh, 'big.jsonl');
    const line = (i: number) => `{"conversation_id":"c${i % 500}","timestamp":"2026-11-27T10:00:00Z","role":"customer","text":"${'好'.repeat(40)} ${i}"}`;
    writeFileSync(big, `${Array.from({ length: 70_000 }, (_, i) => line(i)).join('\n')}\n`);
    expect(runWith(['check', big, '-f', 'json', '-o', join(fresh, 'big.json'), '--jobs', '1'], fresh).code).toBe(0);
    expect(cachesIn()).toEqual([]);
    expect(runWith(['check', 'fixtures/transcript/one-chat.json', '-f', 'json'], fresh).code).toBe(1);
    const [written] = cachesIn();
    const bytes = readFileSync(join(fresh, written as string));
    // Accepted by the big run (it starts with V8's own flags), so left as it was.
    expect(runWith(['check', big, '-f', 'json', '-o', join(fresh, 'big.json'), '--jobs', '1'], fresh).code).toBe(0);
    expect(readFileSync(join(fresh, written as string)).equals(bytes)).toBe(true);
  });
});
