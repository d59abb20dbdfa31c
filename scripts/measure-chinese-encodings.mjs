#!/usr/bin/env node
// Measures how often `--encoding auto` tells Big5 from GB18030, on text you give it (not shipped: use
// real Traditional and Simplified text you may read). Each file is encoded as Big5 (when it can be) and as
// GB18030, cut into windows of several sizes at many offsets, and detected; the script prints the share
// detected right per encoding and window size.
//   node scripts/measure-chinese-encodings.mjs traditional.txt simplified.txt …
// Needs `npm run build` first.
import { readFileSync } from 'node:fs';
import { detectEncoding } from '../dist/input/detect-encoding.js';

/** An encoder for a double-byte encoding, built by decoding every two-byte sequence once. */
function encoderFor(label) {
  const table = new Map();
  const decoder = new TextDecoder(label, { fatal: true });
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      try {
        const char = decoder.decode(Uint8Array.of(lead, trail));
        if ([...char].length === 1 && !table.has(char)) table.set(char, [lead, trail]);
      } catch {}
    }
  }
  return (text) => {
    const out = [];
    for (const char of text) {
      const code = char.codePointAt(0);
      if (code < 0x80) out.push(code);
      else if (table.has(char)) out.push(...table.get(char));
      else return null; // not representable in this encoding
    }
    return Buffer.from(out);
  };
}

const encoders = { big5: encoderFor('big5'), gb18030: encoderFor('gb18030') };
const SIZES = [60, 200, 1000, 4000];
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  for (const [encoding, encode] of Object.entries(encoders)) {
    // Characters the encoding lacks are dropped, as an exporting system would replace them.
    const kept = [...text].filter((c) => encode(c) !== null).join('');
    const bytes = encode(kept);
    // Windows start where a character starts, as a file does; they may end inside one, as a head does.
    const starts = [];
    let offset = 0;
    for (const char of kept) {
      starts.push(offset);
      offset += encode(char).length;
    }
    const row = [];
    for (const size of SIZES) {
      let right = 0;
      let tried = 0;
      const step = Math.max(1, Math.floor(size / 3));
      for (let next = 0, i = 0; i < starts.length && starts[i] + size <= bytes.length; i++) {
        if (starts[i] < next) continue;
        next = starts[i] + step;
        const window = bytes.subarray(starts[i], starts[i] + size);
        const guess = detectEncoding(window, false).encoding;
        tried++;
        if (guess === encoding) right++;
      }
      row.push(tried === 0 ? `${size} B: -` : `${size} B: ${right}/${tried} (${((100 * right) / tried).toFixed(1)}%)`);
    }
    console.log(`${file} as ${encoding} (${kept.length}/${[...text].length} characters kept): ${row.join('  ')}`);
  }
}
