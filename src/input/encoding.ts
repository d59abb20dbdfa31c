import { isUtf8 } from 'node:buffer';

export const ENCODINGS = ['utf8', 'utf16le', 'utf16be', 'gbk', 'gb18030', 'big5'] as const;
export type Encoding = (typeof ENCODINGS)[number];
/** What `--encoding` takes: an encoding, or `auto` (each file's is detected from its first bytes, see detect-encoding.ts). */
export const ENCODING_CHOICES = ['auto', ...ENCODINGS] as const;
export type EncodingChoice = (typeof ENCODING_CHOICES)[number];

/** The WHATWG TextDecoder label of an encoding; `auto` that was never resolved reads as UTF-8. */
export function decoderLabel(encoding: EncodingChoice): string {
  return encoding === 'utf16le' ? 'utf-16le' : encoding === 'utf16be' ? 'utf-16be' : encoding === 'utf8' || encoding === 'auto' ? 'utf-8' : encoding;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function stripUtf8Bom(bytes: Buffer): Buffer {
  return bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
}

/** Decodes bytes strictly: returns null when they are not valid in the encoding, so bad bytes are reported, never guessed. */
export function decodeStrict(bytes: Buffer, encoding: EncodingChoice): string | null {
  return decodeRange(bytes, 0, bytes.length, encoding);
}

type RangeSlicer = (buffer: Buffer, start: number, end: number) => string;
const nodeUtf8Slice = (Buffer.prototype as Buffer & { utf8Slice?: (start: number, end: number) => string }).utf8Slice;
/**
 * `buffer.toString('utf8', start, end)` for ranges known to lie within the buffer. Readers decode a field
 * or line per call, millions of times: Node's own utf8Slice (what toString ends in) skips toString's
 * argument checks and encoding lookup, a fifth of the cost of a short field. toString where it is missing.
 */
export const utf8Slice: RangeSlicer = nodeUtf8Slice
  ? (buffer, start, end) => nodeUtf8Slice.call(buffer, start, end)
  : (buffer, start, end) => buffer.toString('utf8', start, end);

const nodeLatin1Slice = (Buffer.prototype as Buffer & { latin1Slice?: (start: number, end: number) => string }).latin1Slice;
/** `buffer.toString('latin1', start, end)` likewise: ASCII bytes as a string, one character a byte. */
export const latin1Slice: RangeSlicer = nodeLatin1Slice
  ? (buffer, start, end) => nodeLatin1Slice.call(buffer, start, end)
  : (buffer, start, end) => buffer.toString('latin1', start, end);

/** decodeStrict of the bytes `start`…`end` of `buffer`, without making a Buffer for them when the text is UTF-8. */
export function decodeRange(buffer: Buffer, start: number, end: number, encoding: EncodingChoice): string | null {
  if (encoding === 'utf8' || encoding === 'auto') {
    // Decoding turns bad bytes into U+FFFD; only text that holds one needs the exact check (a real U+FFFD is rare).
    const text = utf8Slice(buffer, start, end);
    return !text.includes('\uFFFD') || isUtf8(buffer.subarray(start, end)) ? text : null;
  }
  try {
    return new TextDecoder(decoderLabel(encoding), { fatal: true }).decode(buffer.subarray(start, end));
  } catch {
    return null;
  }
}

/** Where text starts in bytes `start`…`end`: after a UTF-8 byte-order mark when there is one. */
export function afterUtf8Bom(buffer: Buffer, start: number, end: number): number {
  return end - start >= 3 && buffer[start] === 0xef && buffer[start + 1] === 0xbb && buffer[start + 2] === 0xbf ? start + 3 : start;
}

/** Decodes a stream of byte chunks to text chunks, holding back split multi-byte characters. */
export async function* decodeChunks(chunks: AsyncIterable<Buffer>, encoding: EncodingChoice): AsyncIterable<string> {
  const decoder = new TextDecoder(decoderLabel(encoding), { ignoreBOM: false });
  for await (const chunk of chunks) yield decoder.decode(chunk, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** The 1-based line holding the first byte sequence that is not UTF-8, or null when all of it is. */
export function firstInvalidUtf8Line(bytes: Buffer): number | null {
  if (isUtf8(bytes)) return null;
  let line = 1;
  for (let start = 0; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    if (!isUtf8(bytes.subarray(start, end))) return line;
    start = end + 1;
  }
  return null;
}
