/** Binary files given by mistake (a workbook, an archive, an image) are refused whole, with what they look like. */

const MAGIC: Array<[number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an .xlsx workbook? export it as CSV)'],
  [[0x50, 0x4b, 0x05, 0x06], 'an empty ZIP archive'],
  [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 'an old Office file (an .xls workbook? export it as CSV)'],
  [[0x1f, 0x8b], 'a gzip file (decompress it first)'],
  [[0x42, 0x5a, 0x68], 'a bzip2 file (decompress it first)'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'an xz file (decompress it first)'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'a zstd file (decompress it first)'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'a 7-Zip archive'],
  [[0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], 'a RAR archive'],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an executable (ELF)'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74, 0x20, 0x33, 0x00], 'an SQLite database'],
];

/**
 * UTF-16 without a byte-order mark, told by where its NUL bytes fall: ASCII characters (digits, JSON keys,
 * CSV commas, WhatsApp headers) put a NUL in their high byte, so at least 1 in 10 characters has a NUL at
 * one parity, and (almost) none at the other; Chinese text between them does not blur that. The head must
 * also decode as that UTF-16 without an unpaired surrogate.
 */
export function utf16ByNuls(head: Buffer): 'utf16le' | 'utf16be' | null {
  const sample = head.subarray(0, 4096 - (Math.min(head.length, 4096) % 2));
  if (sample.length < 8) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  const pairs = sample.length / 2;
  const guess = odd / pairs >= 0.1 && even / pairs <= 0.01 ? 'utf16le' : even / pairs >= 0.1 && odd / pairs <= 0.01 ? 'utf16be' : null;
  if (!guess) return null;
  try {
    new TextDecoder(guess === 'utf16le' ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(sample, { stream: true });
    return guess;
  } catch {
    return null;
  }
}

/**
 * What kind of binary file `head` (a file's first bytes) starts, or null for text. Known signatures are
 * named; otherwise a head where NUL and other control bytes are common (more than 1 in 100 NULs, or 1 in
 * 10 control bytes) is binary. UTF-16 text (every other byte NUL, or a UTF-16 byte-order mark) is text,
 * and so is a text file with a stray NUL or two, whose lines are then skipped one by one.
 */
export function binaryKind(head: Buffer): string | null {
  for (const [magic, kind] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return kind;
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return null;
  const sample = head.subarray(0, 4096);
  if (sample.length === 0) return null;
  let nulEven = 0;
  let nulOdd = 0;
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i] as number;
    if (b === 0) {
      if (i % 2 === 0) nulEven++;
      else nulOdd++;
    } else if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) controls++;
  }
  if (utf16ByNuls(head) !== null) return null;
  const nuls = nulEven + nulOdd;
  if (nuls * 100 > sample.length || (nuls + controls) * 10 > sample.length) return 'a binary file (it holds NUL and control bytes)';
  return null;
}
