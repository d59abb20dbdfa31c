import { isUtf8 } from 'node:buffer';

export const ENCODINGS = ['utf8', 'gbk', 'gb18030'] as const;
export type Encoding = (typeof ENCODINGS)[number];

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function stripUtf8Bom(bytes: Buffer): Buffer {
  return bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
}

/** Decodes bytes strictly: returns null when they are not valid in the encoding, so bad bytes are reported, never guessed. */
export function decodeStrict(bytes: Buffer, encoding: Encoding): string | null {
  if (encoding === 'utf8') return isUtf8(bytes) ? bytes.toString('utf8') : null;
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Decodes a stream of byte chunks to text chunks, holding back split multi-byte characters. */
export async function* decodeChunks(chunks: AsyncIterable<Buffer>, encoding: Encoding): AsyncIterable<string> {
  const decoder = new TextDecoder(encoding === 'utf8' ? 'utf-8' : encoding, { ignoreBOM: false });
  for await (const chunk of chunks) yield decoder.decode(chunk, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}
