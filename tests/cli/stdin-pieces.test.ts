import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { chatlint, spawnChatlint } from '../helpers/cli.js';
import { generatedNight } from '../helpers/night.js';
import type { Report } from '../../src/model/report.js';

const dir = mkdtempSync(join(tmpdir(), 'chatlint-stdin-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const withoutTime = (text: string) => text.replace(/"generatedAt": ?"[^"]*",?/g, '');
// Every JSON Lines file, however small, is cut into ranges when workers read it.
const CUT_SMALL_FILES = { CHATLINT_TEST_MIN_RANGE_BYTES: '1' };

/** The report of the file read by name, with the file called as standard input is called. */
async function asIfPiped(file: string, args: string[]): Promise<string> {
  const byName = await chatlint(['check', file, ...args]);
  return withoutTime(byName.stdout.split(JSON.stringify(file).slice(1, -1)).join('<stdin>'));
}

describe('standard input is read like a file (copied to a private temporary file first)', () => {
  const night = generatedNight(dir, 'night.jsonl', 'time');

  it.each([
    ['time-ordered, 2 workers, budget 0', night, ['--jobs', '2', '--memory-budget', '0']],
  ])('%s: the same report as the file by name', async (_label, file, variant) => {
    const args = ['-f', 'json', ...variant];
    const piped = await chatlint(['check', '-', ...args], { input: readFileSync(file), env: CUT_SMALL_FILES });
    expect(piped.code).toBe(1);
    expect(withoutTime(piped.stdout)).toBe(await asIfPiped(file, args));
    // Its unreadable lines are skips of standard input.
    expect((JSON.parse(piped.stdout) as Report).skipped.slice(0, 2).map((s) => [s.file, s.line])).toEqual([['<stdin>', 101], ['<stdin>', 103]]);
  });

  it('gzip on stdin, CSV on stdin, and standard input before the files named', async () => {
    const gz = await chatlint(['check', '-', '-f', 'ndjson', '--jobs', '2'], { input: gzipSync(readFileSync(night)), env: CUT_SMALL_FILES });
    expect(withoutTime(gz.stdout)).toBe(await asIfPiped(night, ['-f', 'ndjson', '--jobs', '1']));
    const csv = 'fixtures/csv/export-zh.csv';
    const piped = await chatlint(['check', '-', '-f', 'json'], { input: readFileSync(csv) });
    expect(withoutTime(piped.stdout)).toBe(await asIfPiped(csv, ['-f', 'json']));
    const both = JSON.parse((await chatlint(['check', '-', csv, '-f', 'json', '--jobs', '2'], { input: gzipSync(readFileSync(csv)), env: CUT_SMALL_FILES })).stdout) as Report;
    expect(both.summary.inputs.map((i) => [i.path, i.format])).toEqual([['<stdin>', 'csv'], [csv, 'csv']]);
  });

  it('gzip cut short: the records before the cut, then the failure, as before', async () => {
    const cut = gzipSync(readFileSync(night)).subarray(0, 20_000);
    const run = await chatlint(['check', '-', '-f', 'json'], { input: cut });
    const report = JSON.parse(run.stdout) as Report;
    expect(run.stderr).toContain('chatlint: <stdin>: not valid gzip data: unexpected end of file\n');
    expect(report.summary.messages).toBeGreaterThan(100);
    expect(report.skipped.map((s) => s.reason)).toContain('file not read: not valid gzip data: unexpected end of file');
    expect(report.summary.recordsRead).toBe(report.summary.messages + report.summary.skippedRecords);
  });

  it('leaves no temporary file behind (a real process, its own TMPDIR)', () => {
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const run = spawnChatlint(['check', '-', '-f', 'json', '--memory-budget', '0'], { input: readFileSync(night), env: { TMPDIR: tmp } });
    expect(run.code).toBe(1);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
