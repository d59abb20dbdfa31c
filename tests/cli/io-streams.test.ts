import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { descriptorOut, processIo, sanitizedText, withStreams, type Io, type TextOut } from '../../src/cli/io.js';
import { BIN, ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'chatlint-io-'));
// Text a byte-wise writer could cut apart: three-byte and four-byte UTF-8 characters, and a newline.
const TEXT = '客服 1024 为您服务 👍\n';

/** Text written through `out`, as the stream a fallback is handed would get it. */
function recorder(): { stream: NodeJS.WritableStream; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = {
    write(chunk: string | Uint8Array, done?: () => void) {
      chunks.push(Buffer.from(chunk));
      done?.();
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { stream, bytes: () => Buffer.concat(chunks) };
}

describe('withStreams', () => {
  it('makes a replaced stream on first read, once, and leaves a getter unread', () => {
    let stdinMade = 0;
    let stderrMade = 0;
    const stdout = { write: () => true } as unknown as Io['stdout'];
    const io: Io = {
      stdout,
      stderr: stdout,
      get stdin() {
        stdinMade++;
        return [] as unknown as Io['stdin'];
      },
      env: {},
      stdinFd: 0,
    };
    const replaced: TextOut = { write: () => false };
    const copy = withStreams(io, {
      stderr: () => {
        stderrMade++;
        return replaced;
      },
    });
    expect([stdinMade, stderrMade]).toEqual([0, 0]);
    expect(copy.stderr).toBe(replaced);
    expect(copy.stderr).toBe(replaced);
    expect(stderrMade).toBe(1);
    expect(copy.stdout).toBe(stdout);
    expect(copy.stdinFd).toBe(0);
    expect(copy.stdin).toEqual([]);
    expect(stdinMade).toBe(1);
  });
});

describe("the process's own streams", () => {
  it('make stdout when it is first read, and say so once', () => {
    const made: unknown[] = [];
    const io = processIo({ stdoutMade: (stdout) => made.push(stdout) });
    expect(made).toEqual([]);
    expect(io.stdout).toBe(process.stdout);
    expect(io.stdout).toBe(process.stdout);
    expect(made).toEqual([process.stdout]);
  });

  it('write lines to a file straight to its descriptor, whole and in order', () => {
    const path = join(dir, 'stderr.txt');
    const fd = openSync(path, 'w');
    try {
      const out = descriptorOut(fd);
      expect(out?.isTTY).toBe(false);
      let called = 0;
      for (let i = 0; i < 3; i++) expect(out?.write(`${i} ${TEXT}`, () => called++)).toBe(true);
      expect(called).toBe(3);
      expect(readFileSync(path, 'utf8')).toBe(`0 ${TEXT}1 ${TEXT}2 ${TEXT}`);
    } finally {
      closeSync(fd);
    }
  });

  it("leave a terminal, a device or a closed descriptor to Node's stream", () => {
    const devNull = openSync('/dev/null', 'w');
    try {
      expect(descriptorOut(devNull)).toBeUndefined();
    } finally {
      closeSync(devNull);
    }
    const closed = openSync(join(dir, 'closed.txt'), 'w');
    closeSync(closed);
    expect(descriptorOut(closed)).toBeUndefined();
  });

  it("hand the rest to Node's stream when a non-blocking pipe is full, cutting no character", () => {
    const fifo = join(dir, `full-${process.pid}-${Date.now()}`);
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      // Fill the pipe, then make room for part of the text (over PIPE_BUF, so the kernel takes what fits).
      const filler = Buffer.alloc(4096, 'x');
      let filled = 0;
      for (;;) {
        try {
          filled += writeSync(writer, filler);
        } catch (error) {
          expect((error as NodeJS.ErrnoException).code).toBe('EAGAIN');
          break;
        }
      }
      const room = 6000;
      expect(readSync(reader, Buffer.alloc(room))).toBe(room);
      const taken = recorder();
      const out = descriptorOut(writer, () => taken.stream);
      const text = TEXT.repeat(700);
      let done = 0;
      expect(out?.write(text, () => done++)).toBe(true);
      expect(out?.write('and then\n', () => done++)).toBe(true);
      expect(done).toBe(2);
      // What went into the pipe, then what the stream took: the text, whole.
      const piped: Buffer[] = [];
      const chunk = Buffer.alloc(65536);
      for (;;) {
        let n = 0;
        try {
          n = readSync(reader, chunk);
        } catch {
          break;
        }
        if (n === 0) break;
        piped.push(Buffer.from(chunk.subarray(0, n)));
      }
      const direct = Buffer.concat(piped).subarray(filled - room);
      expect(direct.length).toBeGreaterThan(0);
      expect(taken.bytes().length).toBeGreaterThan(0);
      expect(Buffer.concat([direct, taken.bytes()]).toString()).toBe(`${text}and then\n`);
    } finally {
      closeSync(writer);
      closeSync(reader);
    }
  });

  it('clean lines for a terminal without making a stream', () => {
    const taken = recorder();
    const out = sanitizedText({ write: (text, done) => taken.stream.write(text, done), isTTY: true });
    expect(out.isTTY).toBe(true);
    out.write('red \u001b[31mtext\u001b[0m \u202eevil\n');
    expect(taken.bytes().toString()).not.toMatch(/\u001b|\u202e/);
    expect(taken.bytes().toString()).toContain('text');
  });

  it('leave a one-transcript check to -o without the modules behind stdout and stderr, crypto or streams', () => {
    const preload = join(dir, 'modules-at-exit.cjs');
    // Written straight to the descriptor, so that the preload itself makes no stream.
    writeFileSync(preload, "process.on('exit', () => require('fs').writeSync(2, `MODULES ${process.moduleLoadList.join(',')}\\n`));\n");
    const report = join(dir, 'one-chat.json');
    const stderrFile = join(dir, 'check-stderr.txt');
    // stderr a pipe, then a file: the summary line is written either way, whole.
    for (const stderr of ['pipe', 'file'] as const) {
      const fd = stderr === 'file' ? openSync(stderrFile, 'w') : undefined;
      const result = spawnSync(process.execPath, ['-r', preload, BIN, 'check', 'fixtures/transcript/one-chat.json', '-f', 'json', '-o', report], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', fd ?? 'pipe'],
        env: { ...process.env, CHATLINT_CACHE_DIR: dir, NO_COLOR: '1', LANG: 'C' },
      });
      if (fd !== undefined) closeSync(fd);
      const printed = fd === undefined ? result.stderr : readFileSync(stderrFile, 'utf8');
      expect(result.status, printed).toBe(1);
      expect(printed).toMatch(/^chatlint: wrote .*one-chat\.json: 1 conversations, 12 messages, \d+ findings, 0 skipped records\nMODULES /);
      const loaded = (/MODULES (.*)/.exec(printed)?.[1] ?? '').split(',');
      expect(loaded).toContain('NativeModule fs');
      for (const unused of ['net', 'tty', 'stream', 'crypto', 'timers/promises']) expect(loaded, `${stderr}: ${unused}`).not.toContain(`NativeModule ${unused}`);
    }
  });

  it("leave a pretty report piped or written to a file without tty (chalk asks only a character device), and ask a device", () => {
    const preload = join(dir, 'modules-at-exit.cjs');
    writeFileSync(preload, "process.on('exit', () => require('fs').writeSync(2, `MODULES ${process.moduleLoadList.join(',')}\\n`));\n");
    const reportFile = join(dir, 'pretty.txt');
    for (const stdout of ['pipe', 'file', 'device'] as const) {
      const fd = stdout === 'file' ? openSync(reportFile, 'w') : stdout === 'device' ? openSync('/dev/null', 'w') : undefined;
      const result = spawnSync(process.execPath, ['-r', preload, BIN, 'check', 'fixtures/transcript/one-chat.json'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['pipe', fd ?? 'pipe', 'pipe'],
        env: withoutColourSettings({ ...process.env, CHATLINT_CACHE_DIR: dir, LANG: 'C' }),
      });
      if (fd !== undefined) closeSync(fd);
      expect(result.status, result.stderr).toBe(1);
      const report = stdout === 'pipe' ? result.stdout : stdout === 'file' ? readFileSync(reportFile, 'utf8') : '';
      if (stdout !== 'device') expect(report, stdout).toMatch(/^Conversation T20261127-0815/);
      expect(report).not.toMatch(/\u001b\[/);
      const loaded = (/MODULES (.*)/.exec(result.stderr)?.[1] ?? '').split(',');
      expect(loaded.includes('NativeModule tty'), stdout).toBe(stdout === 'device');
    }
  });
});

/** An environment that leaves colour to chalk's look at the descriptors (no FORCE_COLOR or NO_COLOR). */
function withoutColourSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, NO_COLOR: _none, ...rest } = env;
  return rest;
}
