import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { fsPromises } from '../model/node-modules.js';
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
      return !isSlackMetadataFile(file, JSON.parse((await fsPromises().readFile(file, 'utf8')).replace(/^\uFEFF/, '')) as unknown);
    }
  } catch {
    // Unreadable or unparsable: let the reader report it with a reason.
    return !SNIFFED_EXTENSIONS.includes(extension);
  }
  return true;
}

const GLOB_CHARS = /[*?[\]{}!]/;

/** A file's identity (device and inode), which no spelling of its path, link or encoding changes. */
export function fileIdentity(path: string): string | undefined {
  try {
    const stats = statSync(path);
    return stats.isFile() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/** The same for an open descriptor (standard input redirected from a file: `chatlint check < x.jsonl`). */
export function descriptorIdentity(fd: number): string | undefined {
  try {
    const stats = fstatSync(fd);
    return stats.isFile() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a file holds a chatlint report (JSON, NDJSON or CSV as chatlint writes them) or nothing: the
 * previous run's `-o` file inside a folder being checked, which is left out of the input.
 */
export function holdsChatlintReport(path: string): boolean {
  let head: string;
  try {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(4096);
      head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8').replace(/^\uFEFF/, '');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  const start = head.trimStart();
  return (
    start === '' ||
    /^\{\s*"schemaVersion"\s*:/.test(start) ||
    /^\{"ruleId":"[^"]*","kind":"[^"]*","severity":/.test(start) ||
    /^(?:conversationId,timestamp,agentId,agentName,ruleId|agentId,agentName,conversations,messages|conversationId,startedAt,agents,messages)\b/.test(start)
  );
}

export const refuseOverwrite = (path: string, input: string) =>
  new UsageError(`-o ${path}: is the same file as ${input}; refusing to write the report over an input file (choose another -o path)`);

/**
 * Expands the paths a user gave into files: a file stays itself, a directory is searched recursively
 * for chat exports (see isChatExport), anything else is a glob pattern. A path that matches nothing is a usage error (exit 2).
 * `output` is the run's `-o` file, compared by identity (device and inode) with every file found: named
 * as an input it is refused (exit 2, before anything is read); met in a folder or a glob it is left out
 * when it holds a chatlint report (the last run's), and refused when it holds anything else.
 */
export async function discoverFiles(paths: string[], output?: string): Promise<string[]> {
  const outputIdentity = output === undefined ? undefined : fileIdentity(output);
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (file: string, named = false) => {
    const absolute = resolve(file);
    if (seen.has(absolute)) return;
    if (output !== undefined && (absolute === resolve(output) || (outputIdentity !== undefined && fileIdentity(file) === outputIdentity))) {
      if (named || !holdsChatlintReport(file)) throw refuseOverwrite(output, `the input ${file}`);
      return;
    }
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
    // A named pipe, /dev/fd/N or process substitution (<(zcat x.gz)) is read once, like standard input.
    if (stats?.isFile() || stats?.isFIFO() || stats?.isCharacterDevice()) {
      add(path, true);
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
