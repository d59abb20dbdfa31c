/** Seeded random values for checking hand-written JSON printers against JSON.stringify. */

/** A small seeded generator, so the same values come every run. */
export function seeded(seed: number) {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
}

/** Strings JSON must escape or keep: quotes, backslashes, controls, line separators, lone surrogates, CJK, emoji, digits-only keys. */
export const ADVERSARIAL = ['', '"', '\\', '\u0000', '\u001f', '\u007f', '\b\f\n\r\t', '\u2028\u2029', '\ud800', 'a\udc00b', '😀', '\ud83d\ude00', '客服3007（安琪）', '</script>', '0', '3007', '-1', '1.5', '01', '4294967295', '4294967296', '__proto__', 'toString', ' '];
export const NUMBERS = [0, -0, 1, -1, 0.1 + 0.2, 1e21, 1e-7, 123456789.125, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 99.99, 100, 10, 9, 999_999_999, 1e9, 1_000_000_001];

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

export function randomString(random: () => number): string {
  if (random() < 0.5) return pick(random, ADVERSARIAL);
  let text = '';
  // Now and then a long one: printers take another path for strings of 64 units or more.
  for (let n = Math.floor(random() * (random() < 0.3 ? 100 : 8)); n > 0; n--) text += random() < 0.3 ? pick(random, ADVERSARIAL) : String.fromCharCode(Math.floor(random() * 0x10000));
  return text;
}

export const randomNumber = (random: () => number) => (random() < 0.6 ? pick(random, NUMBERS) : (random() - 0.5) * 10 ** Math.floor(random() * 30 - 10));

