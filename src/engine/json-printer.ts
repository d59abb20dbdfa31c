const nodeUtf8Write = (Buffer.prototype as Buffer & { utf8Write?: (text: string, offset: number, length: number) => number }).utf8Write;
/**
 * `buffer.write(text, offset, 'utf8')` without write's argument checks (Node's own utf8Write, what write
 * ends in: half the cost of a short string), the bytes written; write where it is missing.
 */
const utf8Write: (buffer: Buffer, text: string, offset: number) => number = nodeUtf8Write
  ? (buffer, text, offset) => nodeUtf8Write.call(buffer, text, offset, buffer.length - offset)
  : (buffer, text, offset) => buffer.write(text, offset, 'utf8');

/**
 * Prints JSON text as UTF-8 straight into a buffer, byte for byte what JSON.stringify prints for the same
 * values (strings escaped alike: quotes, backslashes, controls, lone surrogates as \udxxx; numbers as
 * String(n), non-finite ones as null), without making a string first: the entry packer prints every
 * conversation's lists this way, and the strings it used to make were a good share of a run's garbage.
 *
 * The text printed since mark() stays in one piece: when the buffer is full, `renew` gives a fresh one and
 * that text is copied to its start.
 */
export class JsonPrinter {
  bytes: Buffer;
  at: number;
  /** Where the text that must stay in one piece starts. */
  private start = 0;

  constructor(
    bytes: Buffer,
    at: number,
    /** A buffer of at least `least` bytes for the text to go on in (the old one is full). */
    private readonly renew: (least: number) => Buffer,
  ) {
    this.bytes = bytes;
    this.at = at;
  }

  /** The text from here on stays in one piece (see renew). */
  mark(): void {
    this.start = this.at;
  }

  /** Where the piece begun at mark() starts (it moves when the buffer is renewed). */
  get marked(): number {
    return this.start;
  }

  /** Makes room for `size` more bytes. */
  room(size: number): void {
    if (this.at + size <= this.bytes.length) return;
    const kept = this.at - this.start;
    const next = this.renew(kept + size);
    this.bytes.copy(next, 0, this.start, this.at);
    this.bytes = next;
    this.start = 0;
    this.at = kept;
  }

  /** Where the printer is, relative to the mark (stays true when the buffer is renewed). */
  get sinceMark(): number {
    return this.at - this.start;
  }

  /**
   * Prints again the `size` bytes printed from `from` (relative to the mark, see sinceMark) on: a copy, for
   * values that repeat what was just printed (the findings of one conversation and agent).
   */
  again(from: number, size: number): void {
    this.room(size);
    const start = this.start + from;
    this.bytes.copyWithin(this.at, start, start + size);
    this.at += size;
  }

  /** Bytes as they are (a piece of JSON syntax encoded ahead: see syntax()). */
  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
  }

  /** Text of ASCII characters, as it is (the JSON syntax around values). */
  ascii(text: string): void {
    this.room(text.length);
    const bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.at = at;
  }

  /** A comma, between values. */
  comma(): void {
    this.room(1);
    this.bytes[this.at++] = 0x2c;
  }

  /** A comma and a number (the next field of a flat array). */
  commaNumber(n: number): void {
    this.comma();
    this.number(n);
  }

  /** A comma and a string. */
  commaString(text: string): void {
    this.comma();
    this.string(text);
  }

  /** A comma and a string or null. */
  commaName(text: string | null): void {
    this.comma();
    this.nullableString(text);
  }

  /** Any text, as it is (text JSON.stringify printed). */
  text(text: string): void {
    this.room(3 * text.length);
    this.at += utf8Write(this.bytes, text, this.at);
  }

  /** A string as JSON.stringify quotes it. */
  string(text: string): void {
    // At most six bytes per unit (an escape), and the quotes.
    this.room(6 * text.length + 2);
    const bytes = this.bytes;
    let at = this.at;
    if (text.length >= NATIVE_FROM && this.native(text)) return;
    bytes[at++] = QUOTE;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) bytes[at++] = c;
        else {
          bytes[at++] = BACKSLASH;
          const short = SHORT_ESCAPES[c];
          if (short !== undefined) bytes[at++] = short;
          else at = unicodeEscape(bytes, at, c);
        }
      } else if (c < 0x800) {
        bytes[at++] = 0xc0 | (c >> 6);
        bytes[at++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        bytes[at++] = 0xe0 | (c >> 12);
        bytes[at++] = 0x80 | ((c >> 6) & 0x3f);
        bytes[at++] = 0x80 | (c & 0x3f);
      } else {
        const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const point = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          bytes[at++] = 0xf0 | (point >> 18);
          bytes[at++] = 0x80 | ((point >> 12) & 0x3f);
          bytes[at++] = 0x80 | ((point >> 6) & 0x3f);
          bytes[at++] = 0x80 | (point & 0x3f);
          i++;
        } else {
          // A lone surrogate: JSON.stringify escapes it.
          bytes[at++] = BACKSLASH;
          at = unicodeEscape(bytes, at, c);
        }
      }
    }
    bytes[at++] = QUOTE;
    this.at = at;
  }

  /**
   * A longer string encoded by Buffer.write (native, and fast on strings made by concatenation), when it
   * needs no escape: false (nothing printed) when it has a quote, backslash or control character, or
   * wrote U+FFFD (which a lone surrogate becomes, and JSON.stringify escapes).
   */
  private native(text: string): boolean {
    const bytes = this.bytes;
    const start = this.at + 1;
    const end = start + utf8Write(bytes, text, start);
    for (let i = start; i < end; i++) {
      const b = bytes[i] as number;
      if (b < 0x20 || b === QUOTE || b === BACKSLASH) return false;
      if (b === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) return false;
    }
    bytes[this.at] = QUOTE;
    bytes[end] = QUOTE;
    this.at = end + 1;
    return true;
  }

  /** A number as JSON.stringify prints it. */
  number(n: number): void {
    if (n >= 0 && n < 1e9 && Number.isInteger(n)) {
      // Small whole numbers (counts, indexes, most scores) digit by digit, without a string.
      this.room(10);
      let digits = 1;
      for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
      let at = this.at + digits;
      this.at = at;
      let rest = n;
      do {
        const next = Math.floor(rest / 10);
        this.bytes[--at] = ZERO + (rest - next * 10);
        rest = next;
      } while (rest > 0);
    } else this.ascii(Number.isFinite(n) ? String(n) : 'null');
  }

  /** A string, or null. */
  nullableString(text: string | null): void {
    if (text === null) this.ascii('null');
    else this.string(text);
  }

  /** A number, or null. */
  nullableNumber(n: number | null): void {
    if (n === null) this.ascii('null');
    else this.number(n);
  }
}

const QUOTE = 0x22;
/**
 * Strings this long or longer are encoded natively (see native): below it, the call and the scan for escapes
 * after it cost more than the loop (for Chinese text, three bytes a unit to scan, up to about 60 units).
 */
const NATIVE_FROM = 64;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const HEX = '0123456789abcdef';
/** The letter of a control character's short escape (\b \t \n \f \r), and \" and \\. */
const SHORT_ESCAPES: Array<number | undefined> = [];
for (const [c, letter] of [
  [8, 'b'],
  [9, 't'],
  [10, 'n'],
  [12, 'f'],
  [13, 'r'],
  [QUOTE, '"'],
  [BACKSLASH, '\\'],
] as const)
  SHORT_ESCAPES[c] = letter.charCodeAt(0);

/** Writes `u` and four lowercase hex digits (after the backslash). */
function unicodeEscape(bytes: Buffer, at: number, c: number): number {
  bytes[at++] = 0x75;
  for (let shift = 12; shift >= 0; shift -= 4) bytes[at++] = HEX.charCodeAt((c >> shift) & 0xf);
  return at;
}

/** Whether an object has exactly these enumerable keys (own or inherited), in this order, and no toJSON. */
export function hasKeys(value: object, keys: readonly string[]): boolean {
  if ('toJSON' in value) return false;
  let at = 0;
  for (const key in value) if (key !== keys[at++]) return false;
  return at === keys.length;
}

export const isPlainObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value) && !('toJSON' in value);

/**
 * Prints `value` by hand, or, when `byHand` declines its shape (after printing part of it), takes that part
 * back and prints `stringified(value)` (JSON.stringify's text) instead.
 */
export function printByHandOr<T>(printer: JsonPrinter, value: T, byHand: (printer: JsonPrinter, value: T) => boolean, stringified: (value: T) => string): void {
  // Relative to the mark: a renewed buffer moves what was printed of the piece to its start.
  const from = printer.at - printer.marked;
  if (byHand(printer, value)) return;
  printer.at = printer.marked + from;
  printer.text(stringified(value));
}

/** What `byHand` prints of `value` alone, or undefined when it declines its shape. */
export function handPrintedText<T>(value: T, byHand: (printer: JsonPrinter, value: T) => boolean): string | undefined {
  let printed = true;
  const text = printedText((printer) => (printed = byHand(printer, value)));
  return printed ? text : undefined;
}

/** What a scratch printer prints, as a string (for tests, and for printing one thing alone). */
export function printedText(print: (printer: JsonPrinter) => void): string {
  let buffer = Buffer.allocUnsafe(256);
  const printer = new JsonPrinter(buffer, 0, (least) => (buffer = Buffer.allocUnsafe(Math.max(2 * buffer.length, least))));
  print(printer);
  return printer.bytes.toString('utf8', 0, printer.at);
}

/** Keys a SharedPrints holds before it starts over (a bound for input whose ids are all different). */
const SHARED_KEYS = 256;

/**
 * Text printed once per key and kept as bytes, for strings many values share with the syntax around them
 * (a finding's rule id, kind and severity; an input file's name): printing one again is one copy, not an
 * encoding, a scan for escapes and a copy per piece of syntax. Up to two more strings go with the key (a
 * rule's kind and severity): met with others, the key is printed again.
 */
export class SharedPrints {
  private readonly printed = new Map<string, { second: string; third: string; bytes: Uint8Array }>();

  constructor(private readonly print: (printer: JsonPrinter, key: string, second: string, third: string) => void) {}

  /** Prints what `print` prints for these strings. */
  into(printer: JsonPrinter, key: string, second = '', third = ''): void {
    let known = this.printed.get(key);
    if (known === undefined || known.second !== second || known.third !== third) {
      if (this.printed.size >= SHARED_KEYS) this.printed.clear();
      const text = printedText((scratch) => this.print(scratch, key, second, third));
      known = { second, third, bytes: Buffer.from(text, 'utf8') };
      this.printed.set(key, known);
    }
    printer.raw(known.bytes);
  }
}

/** ASCII text encoded once, for raw(): copying it costs less than encoding it again each time. */
export const syntax = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
