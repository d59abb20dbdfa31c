import { remembered } from './remembered.js';

/**
 * Width folding: full-width ASCII forms (U+FF01–U+FF5E) become their ASCII twins and the ideographic
 * space (U+3000) a plain space. Every other character is kept as written. The folded text has the same
 * length in UTF-16 units as the original, so an offset found in folded text points at the original.
 */
export function foldWidth(text: string): string {
  // Fast path: most agent messages contain no full-width forms at all.
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0xff01 && c <= 0xff5e) || c === 0x3000) break;
  }
  if (i === text.length) return text;
  // Copy the runs between folded characters whole (CJK text folds only its punctuation), not char by char.
  let out = text.slice(0, i);
  let from = i;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) {
      out += text.slice(from, i) + String.fromCharCode(c - 0xfee0);
      from = i + 1;
    } else if (c === 0x3000) {
      out += `${text.slice(from, i)} `;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/** The UTF-16 unit foldWidth turns `c` into (every other unit is kept). */
export function foldUnit(c: number): number {
  return c >= 0xff01 && c <= 0xff5e ? c - 0xfee0 : c === 0x3000 ? 0x20 : c;
}

const WORD_EDGE = /[A-Za-z0-9]/;

/** Characters that must be escaped to be literal in a `u`-mode regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => (c === '-' ? '\\x2d' : `\\${c}`));
}

/**
 * A literal phrase as a regular-expression source: folded, escaped, and bounded where it begins or ends
 * with a Latin letter or digit, so "hell" does not fire inside "Hello" and agent "102" not inside "1024".
 * CJK edges need no boundary (CJK has no spaces between words).
 */
export function literalSource(phrase: string): string {
  const folded = foldWidth(phrase);
  let source = escapeRegExp(folded);
  if (WORD_EDGE.test(folded.charAt(0))) source = `(?<![A-Za-z0-9])${source}`;
  if (WORD_EDGE.test(folded.charAt(folded.length - 1))) source = `${source}(?![A-Za-z0-9])`;
  return source;
}

const SYNTAX_OUTSIDE_CLASS = new Set('^$\\.*+?()[]{}|/');
const SYNTAX_INSIDE_CLASS = new Set('\\]-^');

/**
 * Folds a user's regular expression so it runs on folded text: a full-width character written in the
 * pattern becomes its ASCII twin taken literally ("？" means a literal "?", never a quantifier).
 */
export const foldPatternSource = remembered('foldPatternSource', foldedPatternSource, (value): value is string => typeof value === 'string');

function foldedPatternSource(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      out += ch + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '[' && !inClass) inClass = true;
    else if (ch === ']' && inClass) inClass = false;
    const folded = foldWidth(ch);
    if (folded !== ch) {
      const special = inClass ? SYNTAX_INSIDE_CLASS : SYNTAX_OUTSIDE_CLASS;
      out += special.has(folded) ? (folded === '-' ? '\\x2d' : `\\${folded}`) : folded;
    } else out += ch;
  }
  return out;
}

const DASHES = /[\u2010-\u2015\u2212\ufe58\ufe63]/;
const SPACES = /[\u00a0\u2000-\u200a\u202f\u205f]/;

/**
 * Folds text for recognising numbers and addresses: full-width forms as foldWidth does, every Unicode
 * decimal digit (Arabic-Indic ٣, Devanagari ३, mathematical 𝟑 …) to its ASCII digit, dashes to "-",
 * and other spaces to " ". `start[i]` is where the i-th folded character came from in the text, and
 * `start[folded.length]` the text's length, so a match on the folded text names a span of the original.
 */
export function foldForRecognition(text: string): { folded: string; start: number[] } {
  let folded = '';
  const start: number[] = [];
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i) as number;
    const ch = String.fromCodePoint(code);
    let out = foldWidth(ch);
    if (out === ch) {
      if (/^\p{Nd}$/u.test(ch) && code > 0x7f) out = String(digitValue(code));
      else if (DASHES.test(ch)) out = '-';
      else if (SPACES.test(ch)) out = ' ';
    }
    for (let k = 0; k < out.length; k++) start.push(i);
    folded += out;
    i += ch.length;
  }
  start.push(text.length);
  return { folded, start };
}

/**
 * The value of a Unicode decimal digit. Decimal digits come in contiguous runs of ten from 0 to 9
 * (mathematical digits in several runs back to back), so it is the distance from the run's start, mod 10.
 */
function digitValue(code: number): number {
  let first = code;
  while (first > 0 && /^\p{Nd}$/u.test(String.fromCodePoint(first - 1))) first--;
  return (code - first) % 10;
}
