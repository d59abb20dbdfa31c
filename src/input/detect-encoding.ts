/**
 * Which encoding a file is in, from its first bytes (OpenedInput.head, up to 64 KiB), for `--encoding auto`:
 *
 * 1. a byte-order mark decides: EF BB BF → UTF-8, FF FE → UTF-16LE, FE FF → UTF-16BE;
 * 2. bytes that are valid UTF-8 are UTF-8 (plain ASCII included);
 * 3. without a mark, text whose every other byte is NUL is UTF-16 (LE when the NULs come second);
 * 4. invalid UTF-8 that decodes cleanly as GB18030 (which contains GBK and GB2312) is GB18030;
 * 5. anything else stays UTF-8: records (CSV rows, JSON lines) that do not decode are skipped with a reason,
 *    and a JSON document or transcript read whole is refused.
 *
 * Every guess other than plain UTF-8 comes with a note for stderr, so a wrong guess is never silent, and
 * `--encoding` overrides the guess. A head cut inside a multi-byte character is not held against it.
 */
import type { Encoding } from './encoding.js';

export interface EncodingGuess {
  encoding: Encoding;
  /** The byte-order mark the file starts with, if any (the decoders and readers drop it). */
  bom: 'utf8' | 'utf16le' | 'utf16be' | null;
  /** What was assumed and why, for stderr; absent for plain UTF-8. */
  note?: string;
}

function decodesAs(label: string, bytes: Buffer, complete: boolean): boolean {
  try {
    // stream: true lets a head that ends inside a character pass; the rest of the file is checked as it is read.
    new TextDecoder(label, { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/** Share of NUL bytes at even and at odd offsets in the first 4 KiB. */
function nulShares(head: Buffer): { even: number; odd: number } {
  const sample = head.subarray(0, 4096);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  const pairs = Math.max(1, Math.floor(sample.length / 2));
  return { even: even / pairs, odd: odd / pairs };
}

/**
 * Guesses the encoding of a file from its first bytes. `complete` says the head is the whole file (so a
 * truncated character at its end is a real error, not the cut of the head).
 */
export function detectEncoding(head: Buffer, complete: boolean): EncodingGuess {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', bom: 'utf8' };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', bom: 'utf16le', note: 'read as UTF-16LE (byte-order mark)' };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf16be', bom: 'utf16be', note: 'read as UTF-16BE (byte-order mark)' };
  if (head.length >= 4) {
    const { even, odd } = nulShares(head);
    if (odd > 0.3 && even < 0.05) return { encoding: 'utf16le', bom: null, note: 'no byte-order mark, but every other byte is NUL; read as UTF-16LE (use --encoding to choose)' };
    if (even > 0.3 && odd < 0.05) return { encoding: 'utf16be', bom: null, note: 'no byte-order mark, but every other byte is NUL; read as UTF-16BE (use --encoding to choose)' };
  }
  if (decodesAs('utf-8', head, complete)) return { encoding: 'utf8', bom: null };
  if (decodesAs('gb18030', head, complete)) return { encoding: 'gb18030', bom: null, note: 'not UTF-8; read as GB18030 (use --encoding to choose)' };
  return {
    encoding: 'utf8',
    bom: null,
    note: 'not valid UTF-8, and not GB18030 either; read as UTF-8, and records that do not decode are skipped (use --encoding to choose)',
  };
}
