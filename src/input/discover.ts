import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import fg from 'fast-glob';

export const INPUT_EXTENSIONS = ['jsonl', 'ndjson', 'json', 'csv', 'tsv'];

export class UsageError extends Error {}

const GLOB_CHARS = /[*?[\]{}!]/;

/**
 * Expands the paths a user gave into files: a file stays itself, a directory is searched recursively
 * for chat exports, anything else is a glob pattern. A path that matches nothing is a usage error (exit 2).
 * `exclude` holds files never to read (the run's own report file).
 */
export async function discoverFiles(paths: string[], exclude: string[] = []): Promise<string[]> {
  const excluded = new Set(exclude.map((p) => resolve(p)));
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const absolute = resolve(file);
    if (seen.has(absolute) || excluded.has(absolute)) return;
    seen.add(absolute);
    files.push(file);
  };
  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      stats = undefined;
    }
    if (stats?.isFile()) {
      add(path);
      continue;
    }
    if (stats?.isDirectory()) {
      const found = await fg(`**/*.{${INPUT_EXTENSIONS.join(',')}}`, {
        cwd: path,
        onlyFiles: true,
        followSymbolicLinks: false,
        suppressErrors: true,
        ignore: ['**/node_modules/**', '**/.git/**'],
        caseSensitiveMatch: false,
      });
      for (const file of found.sort()) add(`${path.replace(/[/\\]+$/, '')}/${file}`);
      continue;
    }
    if (stats) throw new UsageError(`${path}: not a file or directory`);
    if (!GLOB_CHARS.test(path)) throw new UsageError(`${path}: no such file or directory`);
    const matched = await fg(path, { onlyFiles: true, followSymbolicLinks: false, suppressErrors: true, dot: false });
    if (matched.length === 0) throw new UsageError(`${path}: no files match this pattern`);
    for (const file of matched.sort()) add(file);
  }
  return files;
}
