import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const liveFolders = new Set<string>();
let cleanupInstalled = false;

function removeLiveFolders(): void {
  for (const folder of liveFolders) rmSync(folder, { recursive: true, force: true });
  liveFolders.clear();
}

/**
 * A private temporary folder (mode 0700, a fresh random name) for what a run keeps on disk. It is removed
 * by removeTempFolder, or at exit: a crash, or the signal handlers of cli/run.ts, which end the process
 * with process.exit, leave nothing behind.
 */
export function makeTempFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  liveFolders.add(folder);
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    process.on('exit', removeLiveFolders);
  }
  return folder;
}

export function removeTempFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  liveFolders.delete(folder);
}
