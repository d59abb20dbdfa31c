import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, ROOT, skips, tempDir, jsonLine as line } from '../helpers/cli.js';

const GOOD = line({ conversation_id: 'g1', timestamp: '2026-11-27 10:00:00', role: 'customer', text: '在吗' }) +
  line({ conversation_id: 'g1', timestamp: '2026-11-27 10:00:30', role: 'agent', agent_id: '7', text: '您好，云客服7为您服务' });

/** Writes `prefix`, then `size` bytes of `fill`, then `suffix`, in 1 MiB pieces (the test never holds the whole file). */
function writeLarge(path: string, prefix: string, size: number, fill: string, suffix: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, prefix);
    const piece = Buffer.from(fill.repeat(Math.ceil((1 << 20) / fill.length))).subarray(0, 1 << 20);
    for (let written = 0; written < size; written += piece.length) writeSync(fd, piece, 0, Math.min(piece.length, size - written));
    writeSync(fd, suffix);
  } finally {
    closeSync(fd);
  }
}

describe('big input, generated at test time', () => {
  it('a 50 MB single line is skipped with its size as it streams past, and the next line is read', async () => {
    const dir = tempDir();
    writeLarge(join(dir, 'huge.jsonl'), '{"conversation_id":"h","text":"', 50 * 1024 * 1024, 'x', `"}\n${GOOD}`);
    const out = await check([join(dir, 'huge.jsonl')]);
    expect(out.code).toBe(0);
    expect(skips(out)).toEqual([`1 line is ${50 * 1024 * 1024 + 33} bytes, over the limit of 16777216 (--max-line-bytes)`]);
    expect(out.report.summary).toMatchObject({ messages: 2, recordsRead: 3 });
    const small = await check([join(dir, 'huge.jsonl'), '--max-line-bytes', '1000']);
    expect(skips(small)).toEqual([`1 line is ${50 * 1024 * 1024 + 33} bytes, over the limit of 1000 (--max-line-bytes)`]);
  });

  it('a 10 MB message text is skipped over --max-message-chars (default 100000), read when the limit allows it', async () => {
    const dir = tempDir();
    const size = 10 * 1024 * 1024;
    writeLarge(join(dir, 'long.jsonl'), GOOD + '{"conversation_id":"g1","timestamp":"2026-11-27 10:00:40","role":"agent","agent_id":"7","text":"我晕', size - 2, 'a', '"}\n');
    const out = await check([join(dir, 'long.jsonl')]);
    expect(out.code).toBe(0);
    expect(skips(out)).toEqual([`3 message text is ${size} characters, over the limit of 100000 (--max-message-chars)`]);
    const allowed = await check([join(dir, 'long.jsonl'), '--max-message-chars', String(size)]);
    expect(allowed.code).toBe(1);
    expect(allowed.report.findings.map((f) => [f.ruleId, f.source.line, f.match])).toEqual([['rude', 3, '我晕']]);
    expect(allowed.report.findings[0]?.excerpt.length).toBeLessThan(100);
  });

  it('JSON nested 100,000 levels deep: one skipped record, no stack overflow, in .json and in .jsonl', async () => {
    const dir = tempDir({
      'deep.json': `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      'deep.jsonl': `${'['.repeat(100_000)}${']'.repeat(100_000)}\n${GOOD}`,
      'deep-text.jsonl': `{"conversation_id":"g1","timestamp":"2026-11-27 10:00:00","role":"customer","text":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}\n${GOOD}`,
    });
    const document = await check([join(dir, 'deep.json')]);
    expect(document.code).toBe(2);
    expect(skips(document)).toEqual(['#1 nested more than 32 levels deep (a chat export never is)']);
    expect(document.errors).toContain('no usable records in the input');
    const lines = await check([join(dir, 'deep.jsonl')]);
    expect(lines.code).toBe(0);
    expect(skips(lines)).toEqual(['1 nested more than 32 levels deep (a chat export never is)']);
    expect(lines.report.summary.messages).toBe(2);
    const text = await check([join(dir, 'deep-text.jsonl')]);
    expect(skips(text)).toEqual(['1 text is not a string, and too deeply nested to show as one']);
    expect(text.stderr).not.toMatch(/internal error|RangeError/);
  });

  it('a directory with thousands of files and symlink loops: every file read once, loops not followed', async () => {
    const dir = tempDir();
    for (let d = 0; d < 20; d++) {
      mkdirSync(join(dir, `day-${d}`));
      for (let f = 0; f < 100; f++) {
        const id = `c${d}-${f}`;
        writeFileSync(join(dir, `day-${d}`, `${f}.jsonl`), GOOD.replaceAll('"g1"', JSON.stringify(id)));
      }
    }
    symlinkSync('..', join(dir, 'day-0', 'loop'));
    symlinkSync(join(dir, 'day-1'), join(dir, 'day-2', 'sideways'));
    const out = await check([dir]);
    expect(out.code).toBe(0);
    expect(out.report.summary).toMatchObject({ files: 2000, conversations: 2000, messages: 4000, skippedRecords: 0 });
  });

  it('hundreds of files refused after their first bytes do not run out of file descriptors (ulimit -n 256)', () => {
    const dir = tempDir();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200_000, 1)]);
    for (let i = 0; i < 400; i++) writeFileSync(join(dir, `scan-${i}.jsonl`), png);
    writeFileSync(join(dir, 'ok.jsonl'), GOOD);
    const result = spawnSync('bash', ['-c', `ulimit -n 256 && exec "${process.execPath}" bin/chatlint.js check "${dir}" --rules fixtures/hostile/rules.yaml -f json -q`], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(result.stderr).not.toMatch(/EMFILE/);
    const report = JSON.parse(result.stdout) as { summary: { messages: number; skippedRecords: number } };
    expect(report.summary).toMatchObject({ messages: 2, skippedRecords: 400 });
  });
});

describe('standard input closed early', () => {
  it('closed before any byte: exit 2, "no records in the input"', async () => {
    const out = await check(['-'], { input: '' });
    expect(out.code).toBe(2);
    expect(out.errors).toEqual(['<stdin>: no records (an empty file, or a header only)', 'no records in the input']);
  });

  it('closed in the middle of a line: that line is skipped with its number, the rest checked', async () => {
    const out = await check(['-'], { input: `${GOOD}{"conversation_id":"g1","timestamp":"2026-11-27 10:01:00","ro` });
    expect(out.code).toBe(0);
    expect(skips(out)).toEqual([expect.stringMatching(/^3 invalid JSON: /)]);
    expect(out.report.summary).toMatchObject({ messages: 2, recordsRead: 3 });
  });
});
