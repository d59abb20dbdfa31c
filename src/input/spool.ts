import { closeSync, ftruncateSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DecompressionError } from './compressed.js';
import { sniffsAsJsonLines } from './read.js';
import { openStdin } from './source.js';

/** Standard input copied to a file: all of it, or its whole lines up to a decompression failure. */
export interface Spooled {
  path: string;
  failure?: DecompressionError | undefined;
}

const LF = 0x0a;

/**
 * Copies standard input, decompressed when it starts like gzip or zstd, to a file in `folder`, so that it
 * can be read in pieces and read again like any file (a re-read for the conversations that continued
 * after memory ran short). The file is named `.jsonl` when the input reads as JSON Lines (given `forced`),
 * so that workers may take byte ranges of it. Input that fails to decompress is kept up to its last whole
 * line, with the failure.
 */
export async function spoolStdin(stream: AsyncIterable<Buffer | string>, folder: string, forced: string | undefined): Promise<Spooled> {
  const plain = join(folder, 'stdin');
  const fd = openSync(plain, 'wx', 0o600);
  let head: Buffer | undefined;
  let failure: DecompressionError | undefined;
  try {
    const input = await openStdin(stream);
    head = input.head;
    let bytes = 0;
    let lastLineEnd = 0;
    try {
      for await (const chunk of input.chunks()) {
        for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
        const lf = chunk.lastIndexOf(LF);
        if (lf >= 0) lastLineEnd = bytes + lf + 1;
        bytes += chunk.length;
      }
    } catch (error) {
      if (!(error instanceof DecompressionError)) throw error;
      // A line cut by the failure is not a record.
      ftruncateSync(fd, lastLineEnd);
      failure = error;
    }
  } catch (error) {
    if (!(error instanceof DecompressionError)) throw error;
    failure = error;
  } finally {
    closeSync(fd);
  }
  if ((forced ?? (head && sniffsAsJsonLines(head) ? 'jsonl' : undefined)) !== 'jsonl') return { path: plain, failure };
  const path = join(folder, 'stdin.jsonl');
  renameSync(plain, path);
  return { path, failure };
}
