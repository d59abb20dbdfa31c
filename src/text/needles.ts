import { remembered } from './remembered.js';

/**
 * Needles of a regular expression: a few characters of which every match must contain at least one. A text
 * holding none of them cannot match, so the expression need not run on it: most agent messages hold none of
 * a service standard's trigger characters (难, 喂, 滚, 稍 …), and calling into a RegExp costs more than
 * looking for one character.
 *
 * The reading of the source is deliberately small and conservative: whatever it does not fully understand
 * (backreferences, \p{…}, \u escapes, astral characters, non-ASCII letters under ignoreCase …) gives no
 * needles, and the expression then runs on every text as before. Lookarounds and anchors match no
 * characters, so they add nothing to what a match must contain.
 */

/** At most this many needles per expression: past it, looking for them costs about what the RegExp does. */
const MAX_NEEDLES = 8;

/** Escapes that stand for one literal character (besides an escaped syntax character). */
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };
const SYNTAX = '^$\\.*+?()[]{}|/-';
/** Escapes that match one of many characters (too many to be needles); \b and \B match none. */
const CLASS_ESCAPES = 'dDwWsS';

// Under /iu, the Kelvin sign matches k and the long s matches s (Unicode simple case folding).
const KELVIN = '\u212a';
const LONG_S = '\u017f';

class Unsupported extends Error {}

/** The characters some match must contain: a set, or null when nothing is certain (an empty match, a wide class). */
type Need = Set<string> | null;

/** At most this many needle sets per expression (each must be met), the smallest first. */
const MAX_SETS = 3;

/** Two characters side by side that every match holds: one of `first`, and right after it one of `second`. */
export interface NeedlePair {
  first: string[];
  second: string[];
}

/**
 * At most this many pairs per expression, the smallest first: one is what rules a text out, and the pair
 * classes the matchers can number (32) are shared by every rule (one each: 31 for zh-CN, 19 for en).
 */
const MAX_PAIRS = 1;

/**
 * The needles of `source` (a `u`-mode pattern; `ignoreCase` as the `i` flag) as sets of characters (every
 * match holds a character of each set), and pairs of sets whose characters every match holds side by side: ("!" or "?", "!" or "?")
 * for "[!?]{2,}", ("难", "道") for "难道.{0,12}吗". A text with "？" alone holds the needles of "[!?]{2,}" but
 * not its pair. Pairs are read only from a top-level sequence (no alternation at the top), between two
 * neighbouring one-character elements that each match at least once (zero-width ones between them allowed),
 * or inside one that matches at least twice.
 */
export function regexNeeds(source: string, ignoreCase: boolean): Needs | undefined {
  return needsOf(`${ignoreCase ? 'i' : '-'}${source}`);
}

/** Needle sets and pairs (see regexNeeds); shared by every caller (see text/remembered.ts). */
export interface Needs {
  readonly sets: ReadonlyArray<readonly string[]>;
  readonly pairs: readonly NeedlePair[];
}

const isTexts = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
const isNeeds = (value: unknown): value is Needs | undefined =>
  value === undefined ||
  (typeof value === 'object' &&
    value !== null &&
    'sets' in value &&
    'pairs' in value &&
    Array.isArray(value.sets) &&
    value.sets.every(isTexts) &&
    Array.isArray(value.pairs) &&
    value.pairs.every((pair: unknown) => typeof pair === 'object' && pair !== null && 'first' in pair && 'second' in pair && isTexts(pair.first) && isTexts(pair.second)));

/** regexNeeds by flag ('i' or '-') and source, remembered. */
const needsOf = remembered('regexNeeds', (key) => readNeeds(key.slice(1), key.startsWith('i')), isNeeds);

function readNeeds(source: string, ignoreCase: boolean): Needs | undefined {
  try {
    const reader = new SourceReader(source, ignoreCase);
    const needs = reader.top();
    if (reader.at < source.length || needs.length === 0) return undefined;
    const sets = needs
      .sort((a, b) => a.size - b.size)
      .slice(0, MAX_SETS)
      .map((need) => [...need]);
    const seen = new Set<string>();
    const pairs: NeedlePair[] = [];
    for (const [first, second] of reader.pairs.sort((a, b) => a[0].size + a[1].size - b[0].size - b[1].size)) {
      const pair = { first: [...first], second: [...second] };
      const key = `${pair.first.join('')}\u0000${pair.second.join('')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (pairs.push(pair) === MAX_PAIRS) break;
    }
    return { sets, pairs };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** What the last atom read was: one character of a known set, zero-width (anchor, \\b, lookaround), or anything else. */
type AtomKind = 'unit' | 'zero' | 'other';

class SourceReader {
  at = 0;
  /** Pairs every match holds side by side (see regexNeeds), from the top-level sequence. */
  readonly pairs: Array<[Set<string>, Set<string>]> = [];
  /** How many groups the reader is inside. */
  private depth = 0;
  private atomKind: AtomKind = 'other';
  /** The characters of the last atom, when it is a unit. */
  private atomChars: Set<string> | null = null;
  /** The least number of times the last element matches. */
  private min = 1;

  constructor(
    private readonly source: string,
    private readonly ignoreCase: boolean,
  ) {}

  /** The whole pattern: without a top-level `|`, the needs of all its elements; with one, their union. */
  top(): Array<Set<string>> {
    const needs = this.alternative();
    if (this.source[this.at] !== '|') return needs;
    const union = this.alternatives(needs);
    // An alternation at the top: one alternative's pairs are not held by every match.
    this.pairs.length = 0;
    return union ? [union] : [];
  }

  /** Alternatives separated by `|`: a match goes through one of them, so it contains one of their needs. */
  private disjunction(): Need {
    const needs = this.alternative();
    return this.source[this.at] === '|' ? this.alternatives(needs) : smallest(needs);
  }

  /** The union of the smallest need of each alternative, given the first one's needs. */
  private alternatives(first: ReadonlyArray<Set<string>>): Need {
    let union = smallest(first);
    while (this.source[this.at] === '|') {
      this.at++;
      const next = smallest(this.alternative());
      union = union && next ? new Set([...union, ...next]) : null;
    }
    return union && union.size <= MAX_NEEDLES ? union : null;
  }

  /** A sequence: every element with a need must be matched. */
  private alternative(): Array<Set<string>> {
    const needs: Array<Set<string>> = [];
    // The characters of the element just before, when it is one character matched at least once.
    let previous: Set<string> | null = null;
    while (this.at < this.source.length && this.source[this.at] !== '|' && this.source[this.at] !== ')') {
      const need = this.quantified();
      if (need) needs.push(need);
      if (this.depth > 0 || this.atomKind === 'zero') continue;
      const chars = this.atomKind === 'unit' && this.min >= 1 ? this.atomChars : null;
      if (chars) {
        if (previous) this.pairs.push([previous, chars]);
        if (this.min >= 2) this.pairs.push([chars, chars]);
      }
      previous = chars;
    }
    return needs;
  }

  /** An atom and its quantifier: a minimum of 0 makes it optional (no need). */
  private quantified(): Need {
    this.atomKind = 'other';
    this.atomChars = null;
    const need = this.atom();
    const c = this.source[this.at];
    let min = 1;
    this.min = 1;
    if (c === '*' || c === '?') {
      min = 0;
      this.at++;
    } else if (c === '+') {
      this.at++;
    } else if (c === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(this.source.slice(this.at));
      if (!m) throw new Unsupported();
      min = Number(m[1]);
      this.at += m[0].length;
    } else return need;
    if (this.source[this.at] === '?') this.at++;
    this.min = min;
    return min >= 1 ? need : null;
  }

  private atom(): Need {
    const c = this.source[this.at] as string;
    if (c === '(') return this.group();
    if (c === '[') return this.unit(this.characterClass());
    this.at++;
    if (c === '^' || c === '$') {
      this.atomKind = 'zero';
      return null;
    }
    if (c === '.') return null;
    if (c === '\\') {
      const e = this.source[this.at++];
      if (e === undefined) throw new Unsupported();
      if (e === 'b' || e === 'B') {
        this.atomKind = 'zero';
        return null;
      }
      if (CLASS_ESCAPES.includes(e)) return null;
      return this.unit(this.literal(this.escaped(e)));
    }
    if (c === ')' || c === '*' || c === '+' || c === '?' || c === '{' || c === '}' || c === ']' || c === '|') throw new Unsupported();
    return this.unit(this.literal(c));
  }

  /** Notes an atom that matches one character of `chars` (when known). */
  private unit(chars: Need): Need {
    if (chars) {
      this.atomKind = 'unit';
      this.atomChars = chars;
    }
    return chars;
  }

  /** The character an escape (outside or inside a class) stands for, when it is one plain character. */
  private escaped(e: string): string {
    if (SYNTAX.includes(e)) return e;
    const control = CONTROL_ESCAPES[e];
    if (control !== undefined) return control;
    throw new Unsupported();
  }

  private group(): Need {
    this.at++;
    let lookaround = false;
    if (this.source[this.at] === '?') {
      const head = this.source.slice(this.at, this.at + 3);
      if (head.startsWith('?:')) this.at += 2;
      else if (head.startsWith('?=') || head.startsWith('?!')) {
        lookaround = true;
        this.at += 2;
      } else if (head === '?<=' || head === '?<!') {
        lookaround = true;
        this.at += 3;
      } else if (head.startsWith('?<')) {
        const end = this.source.indexOf('>', this.at);
        if (end < 0) throw new Unsupported();
        this.at = end + 1;
      } else throw new Unsupported();
    }
    this.depth++;
    const need = this.disjunction();
    this.depth--;
    if (this.source[this.at] !== ')') throw new Unsupported();
    this.at++;
    // Set after the group's own elements were read (they set it too).
    this.atomKind = lookaround ? 'zero' : 'other';
    this.atomChars = null;
    return lookaround ? null : need;
  }

  private characterClass(): Need {
    this.at++;
    const negated = this.source[this.at] === '^';
    if (negated) this.at++;
    const chars = new Set<string>();
    let wide = negated;
    while (this.source[this.at] !== ']') {
      if (this.at >= this.source.length) throw new Unsupported();
      const start = this.classCharacter();
      if (start === null) {
        wide = true;
        continue;
      }
      if (this.source[this.at] === '-' && this.source[this.at + 1] !== ']' && this.at + 1 < this.source.length) {
        this.at++;
        const end = this.classCharacter();
        if (end === null) throw new Unsupported();
        const from = start.charCodeAt(0);
        const to = end.charCodeAt(0);
        if (to - from >= MAX_NEEDLES) wide = true;
        else for (let code = from; code <= to; code++) this.addCased(chars, String.fromCharCode(code));
      } else this.addCased(chars, start);
    }
    this.at++;
    return wide || chars.size === 0 || chars.size > MAX_NEEDLES ? null : chars;
  }

  /** One character of a class, or null for a class escape (\d, \w, \s …). */
  private classCharacter(): string | null {
    const c = this.source[this.at++] as string;
    if (c === '[') throw new Unsupported();
    if (c !== '\\') {
      if (isSurrogate(c)) throw new Unsupported();
      return c;
    }
    const e = this.source[this.at++];
    if (e === undefined || e === 'b' || e === 'B') throw new Unsupported();
    if (CLASS_ESCAPES.includes(e)) return null;
    return this.escaped(e);
  }

  private literal(c: string): Need {
    if (isSurrogate(c)) return null;
    const set = new Set<string>();
    this.addCased(set, c);
    return set;
  }

  /**
   * Adds a character and, under ignoreCase, every character that matches it. A non-ASCII letter with case
   * makes the whole expression unsupported: Unicode case folding is left to the RegExp.
   */
  private addCased(set: Set<string>, c: string): void {
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    if (!this.ignoreCase || (lower === c && upper === c)) {
      set.add(c);
      return;
    }
    if (c.charCodeAt(0) > 0x7f) throw new Unsupported();
    set.add(lower);
    set.add(upper);
    if (lower === 'k') set.add(KELVIN);
    if (lower === 's') set.add(LONG_S);
  }
}

const smallest = (needs: ReadonlyArray<Set<string>>): Need => {
  let best: Need = null;
  for (const need of needs) if (best === null || need.size < best.size) best = need;
  return best;
};

const isSurrogate = (c: string) => {
  const code = c.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdfff;
};

/** Shortest run worth a search of its own: a single character is a needle already. */
const MIN_RUN = 2;

/**
 * Units that foldWidth keeps and no other unit folds to, and that have no case: CJK ideographs and
 * punctuation, kana, Hangul, general punctuation ("。", "…"). A run of them is in the folded text exactly
 * where it is in the text as written, with or without ignoreCase.
 */
function isRunUnit(c: number): boolean {
  return (c >= 0x3001 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205e);
}

/**
 * A run of characters every match of `source` (a `u`-mode pattern) holds in a row, two or more of them,
 * all of them units for which isRunUnit holds: "。。" for "。{2,}", "难道" for "难道.{0,12}吗". The search
 * for it is a plain substring search of the text as written, cheaper than the RegExp. Only a top-level
 * sequence is read (an alternation at the top, or anything not understood, gives no run); a group, class,
 * escape, anchor or lookaround ends a run.
 */
export const requiredRun = remembered('requiredRun', runOf, (value): value is string | undefined => value === undefined || typeof value === 'string');

function runOf(source: string): string | undefined {
  let best = '';
  let run = '';
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  let at = 0;
  while (at < source.length) {
    const c = source[at] as string;
    let unit: string | undefined;
    if (c === '|') return undefined;
    if (c === '(' || c === '[') {
      at = skipBracketed(source, at);
      if (at < 0) return undefined;
    } else if (c === '\\') {
      // Only escapes of one character are skipped whole; \u{…}, \p{…}, \k<…>, \x…, \c… are not read.
      const e = source[at + 1];
      if (e === undefined || 'upPkxc0123456789'.includes(e)) return undefined;
      at += 2;
    } else if (c === ')' || c === ']' || c === '*' || c === '+' || c === '?' || c === '{' || c === '}') {
      return undefined;
    } else {
      const code = c.charCodeAt(0);
      if (isRunUnit(code)) unit = c;
      at += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    }
    const quantifier = /^(?:([*+?])|\{(\d+)(,(\d*))?\})\??/.exec(source.slice(at, at + 24));
    if (!quantifier) {
      if (unit !== undefined) run += unit;
      else end();
      continue;
    }
    at += quantifier[0].length;
    const min = quantifier[1] === '+' ? 1 : quantifier[1] !== undefined ? 0 : Number(quantifier[2]);
    const exact = quantifier[1] === undefined && quantifier[3] === undefined;
    if (unit !== undefined && min > 0) run += unit.repeat(Math.min(min, 64));
    // More copies than the minimum may follow, so what comes next is not known to come right after.
    if (unit === undefined || !exact || min > 64) end();
  }
  end();
  return best.length >= MIN_RUN ? best : undefined;
}

/** The index after the group or class that starts at `at` (escapes and classes inside skipped), or -1. */
function skipBracketed(source: string, at: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = at; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') {
        inClass = false;
        if (depth === 0) return i + 1;
      }
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
