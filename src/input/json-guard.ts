/**
 * Guards for JSON chatlint did not write: keys that appear twice in one object (JSON.parse would keep
 * the last without a word), nesting too deep to follow, values too deep to render, and parse errors
 * that name a line.
 */

/** Arrays and conversation objects nested deeper than this are not followed (a message is never that deep). */
export const MAX_JSON_DEPTH = 32;

/**
 * Why a JSON value at `depth` cannot be read as chat records, or undefined: hostile nesting
 * ([[[[…]]]] 100,000 deep) stops here rather than in a stack overflow, and so does an object whose key
 * appears twice (JSON.parse would silently keep the last value; see markDuplicateKeys).
 */
export function jsonValueProblem(value: unknown, depth: number): string | undefined {
  if (depth > MAX_JSON_DEPTH) return `nested more than ${MAX_JSON_DEPTH} levels deep (a chat export never is)`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const duplicated = findDuplicatedKey(value);
  return duplicated === undefined ? undefined : `duplicate key ${JSON.stringify(duplicated)} in one JSON object (which value is meant?)`;
}

/** Prefix given to the second and later occurrences of a key in one JSON object (see markDuplicateKeys). */
export const DUPLICATE_KEY_MARK = '\u0000duplicate:';

/** The key a duplicate mark stands for, or undefined for an ordinary key. */
export function duplicatedKey(key: string): string | undefined {
  return key.startsWith(DUPLICATE_KEY_MARK) ? key.slice(DUPLICATE_KEY_MARK.length) : undefined;
}

/** The first duplicated key among an object's own keys, if any. */
export function findDuplicatedKey(value: object): string | undefined {
  for (const key of Object.keys(value)) {
    const original = duplicatedKey(key);
    if (original !== undefined) return original;
  }
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * JSON.parse keeps the last of two equal keys in an object and drops the first without a word. This
 * scan (iterative, linear, safe on any nesting depth) renames the second and later occurrences of a key
 * to DUPLICATE_KEY_MARK + key, so the parsed value keeps both and the reader can skip the record that
 * holds them with a reason. Text without duplicate keys is returned as it is; malformed text is left
 * for JSON.parse to reject.
 */
export function markDuplicateKeys(text: string): string {
  const marks = duplicateKeys(text);
  if (marks.length === 0) return text;
  let out = '';
  let from = 0;
  for (const { at } of marks) {
    out += `${text.slice(from, at + 1)}\\u0000duplicate:`;
    from = at + 1;
  }
  return out + text.slice(from);
}

/**
 * A cheap test for whether `text` may hold a repeated key, given `parsed` (JSON.parse of it): every key in
 * the text is a closing quote followed (after white space) by a colon, so when the parsed objects hold as
 * many keys as the text has such quote-colons, no key was lost to a repeat. Only when they hold fewer (or a
 * string contains `":`) does the full scan (duplicateKeys) run.
 */
export function mayRepeatKeys(text: string, parsed: unknown): boolean {
  return textHasMoreKeys(text, countKeys(parsed, 0));
}

/**
 * Whether `text` has more quote-colons (so possibly more keys) than the `keys` its parsed value holds: when
 * it has not, no key was lost to a repeat. The reader gives the count it already has for a flat object.
 */
export function textHasMoreKeys(text: string, keys: number): boolean {
  if (keys === Number.POSITIVE_INFINITY) return true;
  let quoteColons = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) {
    let before = at - 1;
    while (before >= 0 && isJsonSpace(text.charCodeAt(before))) before--;
    if (text.charCodeAt(before) === QUOTE && ++quoteColons > keys) return true;
  }
  return false;
}

const isJsonSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Keys in all objects of a parsed value; Infinity past the depth limit (the full scan decides then). */
export function countKeys(value: unknown, depth: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (depth > MAX_JSON_DEPTH) return Number.POSITIVE_INFINITY;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += countKeys(item, depth + 1);
    return count;
  }
  for (const key in value) {
    count += 1 + countKeys((value as Record<string, unknown>)[key], depth + 1);
  }
  return count;
}

/** Where keys repeat within one JSON object: the offset of each repeat's opening quote, and the key. */
export function duplicateKeys(text: string): Array<{ at: number; key: string }> {
  // Per open container: the keys seen so far (objects) or null (arrays).
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  const marks: Array<{ at: number; key: string }> = [];
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end !== -1) {
        let slashes = 0;
        for (let k = end - 1; text.charCodeAt(k) === BACKSLASH; k--) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) return marks;
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        const raw = text.slice(i + 1, end);
        let key = raw;
        if (raw.includes('\\')) {
          try {
            key = JSON.parse(`"${raw}"`) as string;
          } catch {
            return marks;
          }
        }
        if (keys.has(key)) marks.push({ at: i, key });
        else keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
    }
  }
  return marks;
}

/**
 * Where JSON.parse gave up, as "line L, column C", from the position V8 puts in its message (or the end
 * of the text for "Unexpected end of JSON input"); null when the message names no position.
 */
export function jsonErrorLocation(text: string, message: string): string | null {
  let position: number | null = null;
  const at = /at position (\d+)/.exec(message);
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineColumn) return `line ${lineColumn[1]}, column ${lineColumn[2]}`;
  if (at) position = Number(at[1]);
  else if (/Unexpected end of JSON input/.test(message)) position = text.length;
  if (position === null) return null;
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${position - lineStart + 1}`;
}

/** JSON.stringify that gives up (returns null) on values too deep to render, instead of overflowing the stack. */
export function safeStringify(value: unknown): string | null {
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}
