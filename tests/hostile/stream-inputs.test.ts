import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, chatlint, tempDir } from '../helpers/cli.js';

const BIN = join(ROOT, 'bin/chatlint.js');
const RULES = join(ROOT, 'fixtures/hostile/rules.yaml');
const JSONL = '{"conversation_id":"c1","timestamp":"2026-11-27 10:00:00","role":"customer","text":"在吗"}\n{"conversation_id":"c1","timestamp":"2026-11-27 10:00:05","role":"agent","agent_id":"7","text":"我晕！！"}\n';
const CSV = 'conversation_id,timestamp,role,agent_id,text\nc1,2026-11-27 10:00:00,customer,,在吗\nc1,2026-11-27 10:00:05,agent,7,我晕！！\n';

const files = (stdout: string) => [...new Set((JSON.parse(stdout) as { findings: Array<{ source: { file: string } }> }).findings.map((f) => f.source.file))];

describe('pipes given by name are read like standard input: format sniffed from content, path in findings', () => {
  it.each([
    ['JSON Lines', JSONL],
    ['CSV', CSV],
  ])('process substitution <(…) with %s', (_name, content) => {
    const dir = tempDir({ 'x.txt': content });
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" check <(cat x.txt) --rules "${RULES}" -f json`], { cwd: dir, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(files(result.stdout)).toEqual([expect.stringMatching(/^\/dev\/fd\/\d+$/)]);
  });

  it('/dev/fd/N of a descriptor handed to the process', () => {
    const dir = tempDir({ 'x.data': CSV });
    const result = spawnSync('bash', ['-c', `exec 7<x.data; "${process.execPath}" "${BIN}" check /dev/fd/7 --rules "${RULES}" -f json`], { cwd: dir, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(files(result.stdout)).toEqual(['/dev/fd/7']);
  });

  it.each([
    ['a named pipe without an extension', 'feed'],
    ['a named pipe called .jsonl', 'feed.jsonl'],
  ])('%s', async (_name, name) => {
    const dir = tempDir();
    const fifo = join(dir, name);
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf '%s' "$0" > "$1"`, JSONL, fifo], { stdio: 'ignore' });
    const written = new Promise((resolve) => writer.on('close', resolve));
    const result = await chatlint(['check', fifo, '--rules', RULES, '-f', 'json']);
    await written;
    expect(result.code).toBe(1);
    expect(files(result.stdout)).toEqual([fifo]);
  });
});
