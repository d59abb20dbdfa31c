import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PartialReport } from '../engine/aggregate.js';
import type { RunResult } from '../engine/run.js';
import { TOOL } from '../model/tool.js';

/** What `--cache` keeps of a run: its partial reports and what the CLI reports besides. */
export interface CachedRun {
  parts: PartialReport[];
  fileErrors: RunResult['fileErrors'];
  filesRead: number;
  seen: RunResult['seen'];
}

/** SHA-256 of a file's bytes, read in 4 MiB pieces. */
function contentHash(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(4 << 20);
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * The key of a run: the tool's version, the rule set's hash, every setting that changes findings
 * (`settings`), and each input file's name and content hash in order. Equal keys mean an equal report,
 * so a re-run over unchanged files checks nothing; a changed rule, setting or byte re-checks.
 */
export function runKey(settings: unknown, files: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ tool: TOOL.version, settings }));
  for (const file of files) {
    let content: string;
    try {
      content = contentHash(file);
    } catch (error) {
      content = `unreadable:${(error as NodeJS.ErrnoException).code ?? 'error'}`;
    }
    hash.update(`\u0000${file}\u0000${content}`);
  }
  return hash.digest('hex');
}

export function readCachedRun(dir: string, key: string): CachedRun | undefined {
  try {
    const value = JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8')) as CachedRun;
    return Array.isArray(value.parts) && value.parts.every((p) => p.chatlintPartial === 1) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the entry through a temporary file, so a reader never sees half of one; a read-only cache is no failure. */
export function writeCachedRun(dir: string, key: string, run: CachedRun): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    const temp = join(dir, `${key}.${process.pid}.tmp`);
    writeFileSync(temp, JSON.stringify(run));
    renameSync(temp, join(dir, `${key}.json`));
    return true;
  } catch {
    return false;
  }
}
