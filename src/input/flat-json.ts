import { keyedByInput } from '../model/records.js';
import { latin1Slice, utf8Slice } from './encoding.js';
import { NO_META, type CanonicalField, type MappedRecord } from './fields.js';
import { CANONICAL_FIELDS, fillFields, type KeyPlan, type KeyRole } from './records.js';
import { MAX_SHARED_BYTES, sameBytes, SharedTexts } from './shared-text.js';

const TAB = 0x09;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
/** Keys one record may have on this path; a record with more takes the general one. */
const MAX_KEYS = 64;

/** Keys remembered by their bytes; an export has a handful, a record with others reads them anew. */
const MAX_KNOWN_KEYS = 64;
const ID_SLOT = CANONICAL_FIELDS.indexOf('conversationId');
const TIME_SLOT = CANONICAL_FIELDS.indexOf('timestamp');
const TEXT_SLOT = CANONICAL_FIELDS.indexOf('text');

interface KnownKey {
  bytes: Uint8Array;
  text: string;
  role: KeyRole;
}


/** A string value as the record holds it: the text of a value with no escapes, or undefined for text to be checked by the general path. */
function plainText(buffer: Buffer, start: number, end: number, high: number): string | undefined {
  if (high < 0x80) return latin1Slice(buffer, start, end);
  const text = utf8Slice(buffer, start, end);
  // A U+FFFD may stand for bytes that are not UTF-8: the general path decides (it names the line).
  return text.includes('\uFFFD') ? undefined : text;
}

const isSpace = (byte: number | undefined) => byte === SPACE || byte === TAB || byte === CR;
const isDigit = (byte: number | undefined) => byte !== undefined && byte >= ZERO && byte <= NINE;

/**
 * Reads the common JSON Lines record straight from its bytes, as JSON.parse and KeyPlan.map together would
 * map it, without the parsed object, the decoded line or the repeated-key scan: one flat object whose
 * values are strings, numbers, true, false or null, each key once. Anything else (nested values, a
 * repeated key, a key that is an array index, which a parsed object would list first, bytes that are not
 * UTF-8, text that is not JSON) is left to the general path, which parses the line and says what is wrong.
 */
export class FlatRecordReader {
  private readonly slots: unknown[] = CANONICAL_FIELDS.map(() => undefined);
  private readonly keys: string[] = [];
  private readonly record: MappedRecord & { fields: Record<CanonicalField, unknown> } = {
    fields: { conversationId: undefined, timestamp: undefined, role: undefined, agentId: undefined, agentName: undefined, text: undefined },
    meta: NO_META,
  };

  constructor(private readonly plan: KeyPlan) {}

  /** The mapped record of the bytes `start`…`end` (one line), the reader's own until the next call; undefined: use the general path. */
  read(buffer: Buffer, start: number, end: number): MappedRecord | undefined {
    let at = start;
    while (at < end && isSpace(buffer[at])) at++;
    if (at >= end || buffer[at] !== OPEN) return undefined;
    at++;
    while (at < end && isSpace(buffer[at])) at++;
    if (at >= end || buffer[at] !== QUOTE) return undefined;
    const { slots, keys } = this;
    for (let i = 0; i < slots.length; i++) slots[i] = undefined;
    let meta: Record<string, string> | undefined;
    let count = 0;
    for (;;) {
      // The key: no escapes, not an array index.
      if (at >= end || buffer[at] !== QUOTE) return undefined;
      const keyStart = at + 1;
      let high = 0;
      let close = keyStart;
      for (; close < end; close++) {
        const byte = buffer[close] as number;
        if (byte === QUOTE) break;
        if (byte === BACKSLASH || byte < SPACE) return undefined;
        high |= byte;
      }
      if (close >= end || isDigit(buffer[keyStart]) || count === MAX_KEYS) return undefined;
      const known = this.keyOf(buffer, keyStart, close, high, count);
      if (known === undefined) return undefined;
      const key = known.text;
      for (let k = 0; k < count; k++) if (keys[k] === key) return undefined;
      keys[count] = key;
      const role = known.role;
      count++;
      at = close + 1;
      while (at < end && isSpace(buffer[at])) at++;
      if (at >= end || buffer[at] !== COLON) return undefined;
      at++;
      while (at < end && isSpace(buffer[at])) at++;

      // The value.
      let value: string | number | boolean | null;
      const first = at < end ? buffer[at] : undefined;
      if (first === QUOTE) {
        high = 0;
        let escaped = false;
        close = at + 1;
        for (; close < end; close++) {
          const byte = buffer[close] as number;
          if (byte === QUOTE) break;
          if (byte === BACKSLASH) {
            escaped = true;
            close++;
          } else if (byte < SPACE) return undefined;
          high |= byte;
        }
        if (close >= end) return undefined;
        if (escaped) {
          // Escapes are rare: JSON.parse decodes the one string exactly (\uD83D\uDE00, \", \n …).
          const quoted = high < 0x80 ? latin1Slice(buffer, at, close + 1) : utf8Slice(buffer, at, close + 1);
          if (high >= 0x80 && quoted.includes('\uFFFD')) return undefined;
          try {
            value = JSON.parse(quoted) as string;
          } catch {
            return undefined;
          }
        } else {
          const text = role.slot === TEXT_SLOT || role.slot === ID_SLOT || role.slot === TIME_SLOT ? plainText(buffer, at + 1, close, high) : this.shortText(buffer, at + 1, close, high);
          if (text === undefined) return undefined;
          value = text;
        }
        at = close + 1;
      } else if (first === MINUS || isDigit(first)) {
        const numberEnd = endOfNumber(buffer, at, end);
        if (numberEnd < 0) return undefined;
        value = Number(latin1Slice(buffer, at, numberEnd));
        at = numberEnd;
      } else if (matches(buffer, at, end, TRUE)) {
        value = true;
        at += 4;
      } else if (matches(buffer, at, end, FALSE)) {
        value = false;
        at += 5;
      } else if (matches(buffer, at, end, NULL)) {
        value = null;
        at += 4;
      } else return undefined;

      // As KeyPlan.map: the first value of a field that is not empty wins; other keys' scalars are metadata.
      const slot = role.slot;
      if (slot < 0) {
        if (value !== null) (meta ??= keyedByInput<string>())[key] = String(value);
      } else {
        const current = slots[slot];
        if (current === undefined || current === null || current === '') slots[slot] = value;
      }

      while (at < end && isSpace(buffer[at])) at++;
      if (at < end && buffer[at] === COMMA) {
        at++;
        while (at < end && isSpace(buffer[at])) at++;
        continue;
      }
      if (at >= end || buffer[at] !== CLOSE) return undefined;
      at++;
      while (at < end && isSpace(buffer[at])) at++;
      if (at !== end) return undefined;
      break;
    }
    const record = this.record;
    fillFields(record.fields, slots);
    record.meta = meta ?? NO_META;
    return record;
  }

  /** The key whose bytes are `start`…`end`: one met before, by its bytes (no string made), else a new one. */
  private keyOf(buffer: Buffer, start: number, end: number, high: number, position: number): KnownKey | undefined {
    const length = end - start;
    const known = this.knownKeys;
    for (let k = 0; k < known.length; k++) {
      const key = known[k] as KnownKey;
      if (key.bytes.length === length && sameBytes(buffer, start, key.bytes)) return key;
    }
    const text = plainText(buffer, start, end, high);
    if (text === undefined) return undefined;
    const key: KnownKey = { bytes: Uint8Array.prototype.slice.call(buffer, start, end), text, role: this.plan.roleAt(position, text) };
    if (known.length < MAX_KNOWN_KEYS) known.push(key);
    return key;
  }

  /** A short value (a role, an agent id, a channel): the same string as the last time these bytes were met. */
  private shortText(buffer: Buffer, start: number, end: number, high: number): string | undefined {
    if (end - start > MAX_SHARED_BYTES) return plainText(buffer, start, end, high);
    const shared = this.shared.find(buffer, start, end);
    if (shared !== undefined) return shared;
    const text = plainText(buffer, start, end, high);
    if (text !== undefined) this.shared.remember(buffer, start, end, text);
    return text;
  }

  private readonly knownKeys: KnownKey[] = [];
  private readonly shared = new SharedTexts();
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

function matches(buffer: Buffer, at: number, end: number, word: Buffer): boolean {
  if (end - at < word.length) return false;
  for (let i = 0; i < word.length; i++) if (buffer[at + i] !== word[i]) return false;
  return true;
}

/** Where a JSON number that starts at `at` ends, or -1 when the bytes there are not one (`01` stops after 0; `1.`, `-`, `1e` are not numbers). */
function endOfNumber(buffer: Buffer, at: number, end: number): number {
  const digitsFrom = (from: number) => {
    while (from < end && isDigit(buffer[from])) from++;
    return from;
  };
  if (buffer[at] === MINUS) at++;
  if (at >= end) return -1;
  if (buffer[at] === ZERO) at++;
  else if (isDigit(buffer[at])) at = digitsFrom(at);
  else return -1;
  if (at < end && buffer[at] === DOT) {
    const after = digitsFrom(at + 1);
    if (after === at + 1) return -1;
    at = after;
  }
  if (at < end && (buffer[at] === 0x65 || buffer[at] === 0x45)) {
    at++;
    if (at < end && (buffer[at] === 0x2b || buffer[at] === MINUS)) at++;
    const after = digitsFrom(at);
    if (after === at) return -1;
    at = after;
  }
  return at;
}
