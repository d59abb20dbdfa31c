/**
 * Which encoding a file is in, from its first bytes (OpenedInput.head, up to 64 KiB), for `--encoding auto`:
 *
 * 1. a byte-order mark decides: EF BB BF → UTF-8, FF FE → UTF-16LE, FE FF → UTF-16BE;
 * 2. bytes that are valid UTF-8 are UTF-8 (plain ASCII included);
 * 3. without a mark, text with NUL bytes at one parity only (ASCII in UTF-16) is UTF-16 (LE when the
 *    NULs come second), if it decodes as such (binary.ts utf16ByNuls);
 * 4. invalid UTF-8 that decodes cleanly as GB18030 (which contains GBK and GB2312) or Big5 is whichever it
 *    decodes as; when it decodes as both, the one under which more of its characters fall in the block of
 *    that standard's most used characters (commonCharacterShares). Measured with
 *    scripts/measure-chinese-encodings.mjs on real Traditional and Simplified text: right for every window
 *    from 60 bytes to 4 KB (see README, Encodings);
 * 5. anything else stays UTF-8: records (CSV rows, JSON lines) that do not decode are skipped with a reason,
 *    and a JSON document or transcript read whole is refused.
 *
 * Every guess other than plain UTF-8 comes with a note for stderr, so a wrong guess is never silent, and
 * `--encoding` overrides the guess. A head cut inside a multi-byte character is not held against it.
 */
import { utf16ByNuls } from './binary.js';
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

/**
 * How many double-byte characters the bytes hold when read as Big5 or as GB18030, and how many of those
 * fall in the block each standard keeps for its most used characters: Big5's 常用字 (lead bytes
 * 0xA4–0xC6, 5,401 characters) and GB2312's level 1 (lead bytes 0xB0–0xD7, 3,755 characters). Text read
 * in its own encoding lands mostly there (Chinese text is dominated by a few thousand characters); read
 * in the other, its bytes scatter over symbols, kana, rare characters and user-defined areas.
 */
export function commonCharacterShares(bytes: Buffer): { big5: number; gb18030: number; characters: number } {
  const scan = (common: (lead: number) => boolean, trailOk: (b: number) => boolean, fourByte: boolean) => {
    let total = 0;
    let inCommon = 0;
    for (let i = 0; i < bytes.length; i++) {
      const lead = bytes[i] as number;
      if (lead < 0x81 || lead === 0xff) continue;
      const trail = bytes[i + 1];
      if (trail === undefined) break;
      if (fourByte && trail >= 0x30 && trail <= 0x39) {
        i += 3;
        total++;
        continue;
      }
      if (!trailOk(trail)) continue;
      total++;
      if (common(lead)) inCommon++;
      i++;
    }
    return { total, share: total === 0 ? 0 : inCommon / total };
  };
  const big5 = scan((lead) => lead >= 0xa4 && lead <= 0xc6, (b) => (b >= 0x40 && b <= 0x7e) || (b >= 0xa1 && b <= 0xfe), false);
  const gb = scan((lead) => lead >= 0xb0 && lead <= 0xd7, (b) => b >= 0x40 && b <= 0xfe && b !== 0x7f, true);
  return { big5: big5.share, gb18030: gb.share, characters: Math.max(big5.total, gb.total) };
}

/**
 * Valid Big5: Node's decoder (ICU) also takes the single bytes 0x80 and 0xFF, as U+0080 and U+F8F8, which
 * no Big5 exporter writes; text holding them is not taken for Big5.
 */
function decodesAsBig5(bytes: Buffer, complete: boolean): boolean {
  try {
    const text = new TextDecoder('big5', { fatal: true }).decode(bytes, { stream: !complete });
    return !/[\u0080-\u009f\ue000-\uf8ff]/.test(text);
  } catch {
    return false;
  }
}

const percent = (share: number): string => `${Math.round(share * 100)}%`;

/** GB18030 or Big5 for bytes that are not UTF-8, with the note that says which was assumed and why. */
function chineseEncoding(head: Buffer, complete: boolean): EncodingGuess | undefined {
  const gbOk = decodesAs('gb18030', head, complete);
  const big5Ok = decodesAsBig5(head, complete);
  if (!gbOk && !big5Ok) return undefined;
  const choose = '(use --encoding to choose)';
  if (gbOk !== big5Ok) {
    return gbOk
      ? { encoding: 'gb18030', bom: null, note: `not UTF-8; read as GB18030 (not valid Big5) ${choose}` }
      : { encoding: 'big5', bom: null, note: `not UTF-8; read as Big5 (not valid GB18030) ${choose}` };
  }
  const shares = commonCharacterShares(head);
  const why = `${percent(shares.big5)} of its Chinese characters are common ones as Big5, ${percent(shares.gb18030)} as GB18030`;
  return shares.big5 > shares.gb18030
    ? { encoding: 'big5', bom: null, note: `not UTF-8; read as Big5 (Traditional Chinese): ${why} ${choose}` }
    : { encoding: 'gb18030', bom: null, note: `not UTF-8; read as GB18030: ${why} ${choose}` };
}

/**
 * Guesses the encoding of a file from its first bytes. `complete` says the head is the whole file (so a
 * truncated character at its end is a real error, not the cut of the head).
 */
export function detectEncoding(head: Buffer, complete: boolean): EncodingGuess {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', bom: 'utf8' };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', bom: 'utf16le', note: 'read as UTF-16LE (byte-order mark)' };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf16be', bom: 'utf16be', note: 'read as UTF-16BE (byte-order mark)' };
  const utf16 = utf16ByNuls(head);
  if (utf16) {
    const name = utf16 === 'utf16le' ? 'UTF-16LE' : 'UTF-16BE';
    return { encoding: utf16, bom: null, note: `no byte-order mark, but the NUL bytes fall as in ${name} text; read as ${name} (use --encoding to choose)` };
  }
  if (decodesAs('utf-8', head, complete)) return { encoding: 'utf8', bom: null };
  return (
    chineseEncoding(head, complete) ?? {
      encoding: 'utf8',
      bom: null,
      note: 'not valid UTF-8, GB18030 or Big5; read as UTF-8, and records that do not decode are skipped (use --encoding to choose)',
    }
  );
}
