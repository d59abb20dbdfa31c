import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, chatlint, tempDir } from '../helpers/cli.js';

const BIN = join(ROOT, 'bin/chatlint.js');
const RULES = join(ROOT, 'fixtures/hostile/rules.yaml');
const line = (i: number) => `${JSON.stringify({ conversation_id: `c${i % 7}`, timestamp: `2026-11-27 10:${String(i % 60).padStart(2, '0')}:00`, role: i % 2 ? 'agent' : 'customer', agent_id: '7', text: `在吗 ${i}` })}\n`;
const EXPORT = Array.from({ length: 40 }, (_, i) => line(i)).join('');
const PREVIOUS = '{"schemaVersion": 1, "previous": true}\n';

/** Runs the real binary (signals, pipes and devices need a real process). */
function spawnChatlint(args: string[], options: { cwd: string; env?: Record<string, string>; stdio?: ['pipe' | 'ignore' | number, 'pipe' | 'ignore' | number, 'pipe'] }) {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', LANG: 'C', CHATLINT_CACHE_DIR: '', ...options.env },
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
}

describe('-o never overwrites a file the run reads (decided by identity, whatever the encoding)', () => {
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(EXPORT, 'utf16le')]);
  const gb18030 = Buffer.from('conversation_id,timestamp,role,text\nc1,2026-11-27 10:00:00,customer,\xd4\xda\xc2\xf0\n', 'latin1');
  const mapped = '工单号,记录时间,身份,聊天内容\nc1,2026-11-27 10:00:00,访客,在吗\n';

  it.each([
    ['the same path', (dir: string) => ({ args: [join(dir, 'a.jsonl')], out: join(dir, 'a.jsonl') })],
    ['another spelling of the path', (dir: string) => ({ args: [join(dir, 'a.jsonl')], out: join(dir, 'sub/../a.jsonl') })],
    ['a symbolic link to it', (dir: string) => ({ args: [join(dir, 'a.jsonl')], out: join(dir, 'link.jsonl') })],
    ['a hard link to it', (dir: string) => ({ args: [join(dir, 'a.jsonl')], out: join(dir, 'hard.jsonl') })],
    ['found by a directory walk (UTF-16 with BOM)', (dir: string) => ({ args: [dir], out: join(dir, 'u16.jsonl') })],
    ['found by a directory walk (GB18030 CSV)', (dir: string) => ({ args: [dir], out: join(dir, 'gb.csv') })],
    ['matched by a glob (a CSV read through a column mapping)', (dir: string) => ({ args: [join(dir, '*.tsv')], out: join(dir, 'mapped.tsv') })],
  ])('%s: exit 2 before reading, the file unchanged', async (_name, make) => {
    const dir = tempDir({ 'a.jsonl': EXPORT, 'u16.jsonl': utf16, 'gb.csv': gb18030, 'mapped.tsv': mapped.replace(/,/g, '\t') });
    mkdirSync(join(dir, 'sub'));
    symlinkSync(join(dir, 'a.jsonl'), join(dir, 'link.jsonl'));
    execFileSync('ln', [join(dir, 'a.jsonl'), join(dir, 'hard.jsonl')]);
    const { args, out } = make(dir);
    const before = readFileSync(out);
    const result = await chatlint(['check', ...args, '--rules', RULES, '-o', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is the same file as the input .*; refusing to write the report over an input file/);
    expect(readFileSync(out)).toEqual(before);
  });

  it('standard input redirected from the -o file is refused (fstat of fd 0)', () => {
    const dir = tempDir({ 'a.jsonl': EXPORT });
    const fd = openSync(join(dir, 'a.jsonl'), 'r');
    try {
      const result = spawnSync(process.execPath, [BIN, 'check', '-', '--rules', RULES, '-o', 'a.jsonl'], { cwd: dir, stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('is the same file as standard input');
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(join(dir, 'a.jsonl'), 'utf8')).toBe(EXPORT);
  });

  it("the last run's report inside a folder being checked is left out of the input and replaced", async () => {
    const dir = tempDir({ 'a.jsonl': EXPORT, 'report.json': PREVIOUS });
    const result = await chatlint(['check', dir, '--rules', RULES, '-o', join(dir, 'report.json')]);
    expect(result.code).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).summary.files).toBe(1);
  });

  it('a chat export outside the inputs is still refused by its content (the second guard)', async () => {
    const dir = tempDir({ 'a.jsonl': EXPORT, 'other.jsonl': EXPORT });
    const result = await chatlint(['check', join(dir, 'a.jsonl'), '--rules', RULES, '-o', join(dir, 'other.jsonl')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('holds a chat export');
  });

  it('a folder as -o is refused with a clear line', async () => {
    const dir = tempDir({ 'a.jsonl': EXPORT });
    const result = await chatlint(['check', join(dir, 'a.jsonl'), '--rules', RULES, '-o', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`chatlint: -o ${dir}: is a folder; give a file name for the report\n`);
  });
});

describe('targets that are not regular files are written into, never replaced', () => {
  it('a FIFO receives the report and stays a FIFO', async () => {
    const dir = tempDir({ 'a.jsonl': EXPORT });
    const fifo = join(dir, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    reader.stdout.on('data', (c: Buffer) => chunks.push(c));
    const readerDone = new Promise((resolve) => reader.on('close', resolve));
    const child = spawnChatlint(['check', 'a.jsonl', '--rules', RULES, '-o', fifo, '-f', 'json'], { cwd: dir });
    const code = await new Promise((resolve) => child.on('close', resolve));
    await readerDone;
    expect(code).toBe(1);
    expect(JSON.parse(Buffer.concat(chunks).toString()).summary.messages).toBe(40);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['a.jsonl', 'out.fifo']);
  });

  const made = (() => {
    const dir = tempDir();
    try {
      execFileSync('mknod', [join(dir, 'null'), 'c', '1', '3']);
      execFileSync('mknod', [join(dir, 'full'), 'c', '1', '7']);
      return dir;
    } catch {
      return null;
    }
  })();

  it.skipIf(made === null)('a private null device stays a device (as root, no rename over it)', async () => {
    const dir = made as string;
    writeFileSync(join(dir, 'a.jsonl'), EXPORT);
    const result = await chatlint(['check', join(dir, 'a.jsonl'), '--rules', RULES, '-o', join(dir, 'null')]);
    expect(result.code).toBe(1);
    expect(statSync(join(dir, 'null')).isCharacterDevice()).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.skipIf(made === null)('a full device: one line naming it and the reason, exit 2', async () => {
    const dir = made as string;
    writeFileSync(join(dir, 'a.jsonl'), EXPORT);
    const result = await chatlint(['check', join(dir, 'a.jsonl'), '--rules', RULES, '-o', join(dir, 'full')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`chatlint: ${join(dir, 'full')}: cannot write the report: no space left on the device (ENOSPC)\n`);
  });

  it('-o /dev/stdout writes to standard output', () => {
    const dir = tempDir({ 'a.jsonl': EXPORT });
    const result = spawnSync(process.execPath, [BIN, 'check', 'a.jsonl', '--rules', RULES, '-o', '/dev/stdout', '-f', 'json', '-q'], { cwd: dir, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).summary.messages).toBe(40);
  });
});

describe('write failures: one line, exit 2, no partial file, the previous report untouched', () => {
  it('a full disk on standard output (/dev/full)', () => {
    const dir = tempDir({ 'a.jsonl': EXPORT });
    const fd = openSync('/dev/full', 'w');
    try {
      const result = spawnSync(process.execPath, [BIN, 'check', 'a.jsonl', '--rules', RULES], { cwd: dir, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toBe('chatlint: standard output: cannot write the report: no space left on the device (ENOSPC)\n');
    } finally {
      closeSync(fd);
    }
  });

  it('a reader that closes the pipe early (| head): quiet, exit 2, no stack trace', async () => {
    const big = Array.from({ length: 20_000 }, (_, i) => line(i).replace(/"c\d+"/, `"c${i}"`)).join('');
    const dir = tempDir({ 'a.jsonl': big });
    const child = spawnChatlint(['check', 'a.jsonl', '--rules', RULES, '-f', 'json', '-q'], { cwd: dir });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    // Read the first bytes, then close the pipe while the report (megabytes) is still being written.
    child.stdout?.once('data', () => child.stdout?.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toBe('');
  });

  const tmpfs = (() => {
    const dir = tempDir();
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    return mount.status === 0 ? dir : null;
  })();
  afterAll(() => {
    if (tmpfs) spawnSync('umount', [tmpfs]);
  });

  it.skipIf(tmpfs === null)('a full disk under -o (a 64 KiB tmpfs)', async () => {
    const dir = tmpfs as string;
    writeFileSync(join(dir, 'report.json'), PREVIOUS);
    const input = tempDir({ 'a.jsonl': Array.from({ length: 3000 }, (_, i) => line(i).replace(/"c\d+"/, `"c${i}"`)).join('') });
    const result = await chatlint(['check', join(input, 'a.jsonl'), '--rules', RULES, '-o', join(dir, 'report.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`chatlint: ${join(dir, 'report.json')}: cannot write the report: no space left on the device (ENOSPC); ${join(dir, 'report.json')} is left as it was\n`);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(PREVIOUS);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });
});

describe('SIGINT, SIGTERM and SIGHUP in every phase: previous report kept, temporaries removed, how far it got', () => {
  const EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

  it.each([
    ['reading', 'SIGINT'],
    ['spilling', 'SIGHUP'],
    ['grouping', 'SIGTERM'],
    ['writing', 'SIGINT'],
    ['writing', 'SIGTERM'],
    ['writing', 'SIGHUP'],
  ] as const)('while %s, %s', async (phase, signal) => {
    const dir = tempDir({ 'a.jsonl': EXPORT, 'report.json': PREVIOUS });
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const child = spawnChatlint(['check', 'a.jsonl', '--rules', RULES, '-o', 'report.json', '--memory-budget', phase === 'spilling' ? '0' : '512'], {
      cwd: dir,
      env: { CHATLINT_TEST_PHASE_MARKERS: `pause:${phase}`, TMPDIR: tmp },
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes(`chatlint-phase: ${phase}\n`)) resolve();
      });
    });
    if (phase === 'spilling') expect(readdirSync(tmp).some((f) => f.startsWith('chatlint-spill-'))).toBe(true);
    if (phase === 'writing') expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(true);
    child.kill(signal);
    expect(await exited).toBe(EXIT[signal]);
    expect(stderr).toContain(`chatlint: interrupted by ${signal} while ${phase} (`);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(PREVIOUS);
    expect(readdirSync(dir).sort()).toEqual(['a.jsonl', 'report.json', 'tmp']);
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(join(dir, 'report.json'))).toBe(true);
  });
});
