/**
 * Compressed inputs, as nightly jobs get them: `night.jsonl.gz` and `export.csv.zst` are decompressed as
 * they stream (gzip with Node's zlib; zstd with fzstd, pure JavaScript, because Node 20's zlib has no
 * zstd), and a `.zip` is read entry by entry, each entry named `export.zip:chats/0001.json`.
 *
 * Nothing is ever extracted to disk, so an entry name such as `../../etc/passwd` is only a label.
 * Zip bombs meet the same limits as every input: lines over --max-line-bytes are skipped as they stream,
 * documents read whole are capped (MAX_WHOLE_DOCUMENT_BYTES), and yauzl checks each entry's size against
 * what the archive declares.
 */
import { createReadStream } from 'node:fs';
import type { Readable, Transform } from 'node:stream';
import { stream, zlib } from '../model/node-modules.js';
import { Decompress } from 'fzstd';
// yauzl loads only when a zip archive is read.
import type * as yauzl from 'yauzl';

const COMPRESSED = /\.(gz|zst)$/i;

/** The name without a `.gz` / `.zst` suffix: what says the format of the content (`night.jsonl.gz` → `night.jsonl`). */
export function withoutCompression(name: string): string {
  return name.replace(COMPRESSED, '');
}

export const isZip = (name: string): boolean => /\.zip$/i.test(name);

/** An error while decompressing, with a code readers turn into a clear reason. */
export class DecompressionError extends Error {
  readonly code = 'EDECOMPRESS';
}

function zstdStream(): Transform {
  const decoding = new (stream().Transform)({
    transform(chunk: Buffer, _encoding, done) {
      try {
        decoder.push(chunk);
        done();
      } catch (error) {
        done(new DecompressionError(`not valid zstd data: ${(error as Error).message}`));
      }
    },
    flush(done) {
      try {
        decoder.push(new Uint8Array(0), true);
        done();
      } catch (error) {
        done(new DecompressionError(`zstd data ends early: ${(error as Error).message}`));
      }
    },
  });
  // fzstd may hand out views of its own window: copy before passing them on.
  const decoder = new Decompress((data) => decoding.push(Buffer.from(data)));
  return decoding;
}

/**
 * source → decoder → the stream returned. Errors keep their system code (ENOENT …); a decoder's or an
 * archive's error becomes a DecompressionError that says what was being read. Closing the result closes
 * the source, so a reader that stops early leaves no file open.
 */
function relay(source: Readable, decoder: Transform, what: string): Readable {
  const out = new (stream().PassThrough)();
  const fail = (error: NodeJS.ErrnoException) =>
    out.destroy(error instanceof DecompressionError || (error.code !== undefined && !error.code.startsWith('Z_')) ? error : new DecompressionError(`${what}: ${error.message}`));
  source.on('error', fail);
  decoder.on('error', fail);
  out.on('close', () => {
    source.destroy();
    decoder.destroy();
  });
  source.pipe(decoder).pipe(out);
  return out;
}

/**
 * Decompresses `source` by the name's suffix (`.gz`, `.zst`). `within` names what holds it (a zip entry)
 * in errors; a file's own errors are reported under its path anyway.
 */
export function decompressed(name: string, source: Readable, within?: string): Readable {
  const suffix = COMPRESSED.exec(name)?.[1]?.toLowerCase();
  const prefix = within ? `${within}: ` : '';
  if (suffix === 'gz') return relay(source, zlib().createGunzip(), `${prefix}not valid gzip data`);
  if (suffix === 'zst') return relay(source, zstdStream(), `${prefix}not valid zstd data`);
  return relay(source, new (stream().PassThrough)(), within ?? 'cannot read');
}

/** `.gz` or `.zst` by the first bytes (for standard input, which has no name), else undefined. */
export function compressionByMagic(head: Buffer): '.gz' | '.zst' | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return '.gz';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return '.zst';
  return undefined;
}

/** How many bytes a file stream reads at a time. */
export const FILE_CHUNK_BYTES = 1 << 20;

/** A file's bytes, decompressed when its name says so. */
export function openFileStream(path: string): Readable {
  const source = createReadStream(path, { highWaterMark: FILE_CHUNK_BYTES });
  return COMPRESSED.test(path) ? decompressed(path, source) : source;
}

export interface ZipEntry {
  /** The entry's path inside the archive, as written there (a label only: nothing is extracted). */
  name: string;
  /** Its content, decompressed (a `.gz` entry is gunzipped too). */
  open(): Promise<Readable>;
}

function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer;
  // Bit 11 says UTF-8; older tools wrote CP437, which is ASCII for the names exports use.
  return (entry.generalPurposeBitFlag & 0x800) !== 0 ? raw.toString('utf8') : raw.toString('latin1');
}

/**
 * The entries of a zip archive, one at a time (yauzl's lazy mode: the central directory is read as it
 * goes, and only one entry is open at once). Folders are left out.
 */
export async function* zipEntries(path: string): AsyncIterable<ZipEntry> {
  const { default: zipLibrary } = await import('yauzl');
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    // decodeStrings: false keeps names as bytes, so a strange name is a label, never a reason to refuse the archive.
    zipLibrary.open(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false }, (error, zipfile) => {
      if (error || !zipfile) reject(new DecompressionError(`not a readable zip archive: ${error?.message ?? 'unknown error'}`));
      else resolve(zipfile);
    });
  });
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (found: yauzl.Entry) => {
          zip.off('end', onEnd);
          zip.off('error', onError);
          resolve(found);
        };
        const onEnd = () => {
          zip.off('entry', onEntry);
          zip.off('error', onError);
          resolve(null);
        };
        const onError = (error: Error) => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          reject(new DecompressionError(`broken zip archive: ${error.message}`));
        };
        zip.once('entry', onEntry);
        zip.once('end', onEnd);
        zip.once('error', onError);
        zip.readEntry();
      });
      if (!entry) return;
      const name = entryName(entry);
      if (name.endsWith('/')) continue;
      yield {
        name,
        open: () =>
          new Promise<Readable>((resolve, reject) => {
            zip.openReadStream(entry, (error, stream) => {
              if (error || !stream) {
                reject(new DecompressionError(`zip entry ${name}: ${error?.message ?? 'cannot be opened'}`));
                return;
              }
              resolve(decompressed(name, stream, `zip entry ${name}`));
            });
          }),
      };
    }
  } finally {
    zip.close();
  }
}
