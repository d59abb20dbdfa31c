import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PartialHead } from '../engine/aggregate.js';
import { EntryStore } from '../engine/entry-store.js';
import { partialFileChunks, readPartialFile, readPartialHead } from '../engine/partial-file.js';
import type { RunResult } from '../engine/run.js';
import { crypto } from '../model/node-modules.js';
import { TOOL } from '../model/tool.js';

/** What `--cache` keeps of a run besides its entries: the partial report's head and what the CLI reports besides. */
export interface CachedHead extends PartialHead {
  fileErrors: RunResult['fileErrors'];
  filesRead: number;
  seen: RunResult['seen'];
}

/** SHA-256 of a file's bytes, read in 4 MiB pieces. */
function contentHash(path: string): string {
  const hash = crypto().createHash('sha256');
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
  const hash = crypto().createHash('sha256');
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

/**
 * A cached run's head, its entries read into a new store one at a time (past the store's budget, on disk);
 * undefined when there is no usable entry (missing, foreign, cut short: then the run checks again).
 */
export async function readCachedRun(dir: string, key: string, budgetBytes: number): Promise<{ head: CachedHead; entries: EntryStore } | undefined> {
  const path = join(dir, `${key}.json`);
  let head: Partial<CachedHead>;
  try {
    head = (await readPartialHead(path)) as Partial<CachedHead>;
  } catch {
    return undefined;
  }
  if (head.chatlintPartial !== 1 || typeof head.filesRead !== 'number' || !head.seen || !Array.isArray(head.fileErrors)) return undefined;
  const entries = new EntryStore(budgetBytes);
  try {
    const whole = await readPartialFile(path, (entry) => entries.add(entry));
    return { head: whole as unknown as CachedHead, entries };
  } catch {
    entries.close();
    return undefined;
  }
}

/**
 * Writes the entry (the run's head, then its entries from the store, one per line) through a temporary file,
 * so a reader never sees half of one; a read-only cache is no failure.
 */
export function writeCachedRun(dir: string, key: string, head: CachedHead, entries: EntryStore): boolean {
  const temp = join(dir, `${key}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(temp, 'w', 0o600);
    for (const chunk of partialFileChunks(head, entries)) writeSync(fd, chunk);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, join(dir, `${key}.json`));
    return true;
  } catch {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    return false;
  }
}
