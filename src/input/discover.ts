import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { decoderLabel } from './encoding.js';
import { detectEncoding } from './detect-encoding.js';
import { isSlackMetadataFile, SLACK_METADATA_FILES } from './formats/slack.js';
import { sniffProduct } from './read.js';
import { HEAD_BYTES, openFile } from './source.js';
import { withoutCompression } from './compressed.js';
import { UsageError } from '../errors.js';

// fast-glob is loaded only for directories and patterns: checking one named file does not pay for it.
const loadGlob = async () => (await import('fast-glob')).default;

export const INPUT_EXTENSIONS = ['jsonl', 'ndjson', 'json', 'csv', 'tsv'];
/** Compressed forms of any of the above (`night.jsonl.gz`), and zip archives, read entry by entry. */
export const COMPRESSED_SUFFIXES = ['gz', 'zst'];
/** Taken from a directory only when a product format (WhatsApp, Salesforce transcripts) recognises the content. */
export const SNIFFED_EXTENSIONS = ['txt', 'html', 'htm'];

/**
 * Whether a file found in a directory is a chat export: `.txt`/`.html` files only when a product format
 * claims them (notes and READMEs beside an export are left alone), and never a Slack export's metadata
 * (users.json, channels.json …), which holds people and channels, not messages.
 */
export async function isChatExport(file: string): Promise<boolean> {
  const extension = extname(withoutCompression(file)).slice(1).toLowerCase();
  try {
    if (SNIFFED_EXTENSIONS.includes(extension)) {
      // Through openFile, so a gzipped or zstd-compressed transcript is sniffed by its content too.
      const input = await openFile(file);
      const head = input.head;
      await input.close?.();
      const text = new TextDecoder(decoderLabel(detectEncoding(head, head.length < HEAD_BYTES).encoding)).decode(head);
      return sniffProduct(basename(file), text.replace(/^\uFEFF/, ''), undefined) !== undefined;
    }
    if (extension === 'json' && SLACK_METADATA_FILES.includes(basename(file).toLowerCase())) {
      return !isSlackMetadataFile(file, JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, '')) as unknown);
    }
  } catch {
    // Unreadable or unparsable: let the reader report it with a reason.
    return !SNIFFED_EXTENSIONS.includes(extension);
  }
  return true;
}

const GLOB_CHARS = /[*?[\]{}!]/;

/**
 * Expands the paths a user gave into files: a file stays itself, a directory is searched recursively
 * for chat exports (see isChatExport), anything else is a glob pattern. A path that matches nothing is a usage error (exit 2).
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
      const fg = await loadGlob();
      const plain = [...INPUT_EXTENSIONS, ...SNIFFED_EXTENSIONS];
      const compressed = plain.flatMap((e) => COMPRESSED_SUFFIXES.map((c) => `${e}.${c}`));
      const found = await fg(`**/*.{${[...plain, ...compressed, 'zip'].join(',')}}`, {
        cwd: path,
        onlyFiles: true,
        followSymbolicLinks: false,
        suppressErrors: true,
        ignore: ['**/node_modules/**', '**/.git/**'],
        caseSensitiveMatch: false,
      });
      for (const file of found.sort()) {
        const full = `${path.replace(/[/\\]+$/, '')}/${file}`;
        if (await isChatExport(full)) add(full);
      }
      continue;
    }
    if (stats) throw new UsageError(`${path}: not a file or directory`);
    if (!GLOB_CHARS.test(path)) throw new UsageError(`${path}: no such file or directory`);
    const fg = await loadGlob();
    const matched = await fg(path, { onlyFiles: true, followSymbolicLinks: false, suppressErrors: true, dot: false });
    if (matched.length === 0) throw new UsageError(`${path}: no files match this pattern`);
    for (const file of matched.sort()) add(file);
  }
  return files;
}
