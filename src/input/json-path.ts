/** Key paths into JSON records (`sender.id`, `messages[].sender.id`), as `input.columns` writes them. */
import { normalizeKey } from './fields.js';
import { isJsonObject as isObject } from './json-shape.js';

/** A column or key path as `input.columns` names it. */
export interface ColumnPath {
  /** As written in the rule file. */
  written: string;
  /** Read from each message of a conversation object (the path had `[]`). */
  inMessage: boolean;
  /** Path segments (after `[]` when inMessage). */
  segments: string[];
}

/** Parses a written path; a string is what is wrong with it. */
export function parsePath(written: string): { list: string[] | undefined; path: ColumnPath } | string {
  const parts = written.split('[]');
  if (parts.length > 2) return 'only one [] (the message list) is allowed';
  const split = (text: string) => text.split('.').map((s) => s.trim());
  if (parts.length === 2) {
    const [before = '', after = ''] = parts;
    const list = split(before);
    const inner = after.startsWith('.') ? split(after.slice(1)) : after === '' ? [] : null;
    if (list.some((s) => s === '') || inner === null || inner.length === 0 || inner.some((s) => s === '')) {
      return 'expected a path such as messages[].sender.id';
    }
    return { list, path: { written, inMessage: true, segments: inner } };
  }
  const segments = split(written);
  if (segments.some((s) => s === '')) return 'expected a column name or a dotted path such as sender.id';
  return { list: undefined, path: { written, inMessage: false, segments } };
}

/** A key of an object: exactly, else ignoring case, `_`, `-` and spaces. */
export function getKey(object: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  const wanted = normalizeKey(key);
  for (const [k, v] of Object.entries(object)) if (normalizeKey(k) === wanted) return v;
  return undefined;
}

/** Follows a dotted path; a key that itself contains dots (`sender.id` as one key) is tried first. */
export function getPath(value: unknown, segments: string[]): unknown {
  if (!isObject(value)) return undefined;
  const whole = getKey(value, segments.join('.'));
  if (whole !== undefined || segments.length === 1) return whole;
  let current: unknown = value;
  for (const segment of segments) {
    if (!isObject(current)) return undefined;
    current = getKey(current, segment);
  }
  return current;
}

/** A non-empty string (trimmed) or a finite number as text; anything else is undefined. */
export const scalar = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
};

