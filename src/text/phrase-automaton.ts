/**
 * Literal phrases compiled into one Aho–Corasick automaton over UTF-16 units: one pass over a text finds
 * every occurrence of every phrase, whatever the number of phrases (a RegExp alternation tries them one
 * by one at each position, so its cost grows with the list).
 *
 * It reproduces exactly what the alternation `(?<!W)p1(?!W)|p2|…` (longest phrase first, flags `gu` or
 * `giu`) finds, where W is a Latin letter or digit and the bounds apply only at phrase edges that are
 * themselves letters or digits. Case-insensitive matching is exact only for phrases whose letters are ASCII
 * (see `canCompile`); the caller keeps the RegExp for the rest.
 */

import { foldUnit } from './fold.js';

const isAsciiWord = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
// Under /iu, [A-Za-z] also matches the Kelvin sign (K) and the long s (ſ), which fold to k and s.
const KELVIN = 0x212a;
const LONG_S = 0x17f;

/**
 * A UTF-16 unit as the scan compares it: width-folded (so the scan reads a message as written, without a
 * folded copy: folding keeps every unit's position), and for ignoreCase also ASCII-lower-cased, with the
 * Kelvin sign and the long s as k and s. Worked out, not looked up: a table of 65,536 units would miss the
 * cache on CJK text.
 */
function canonicalUnit(c: number, ignoreCase: boolean): number {
  const folded = c >= 0xff01 && c <= 0xff5e ? c - 0xfee0 : c === 0x3000 ? 0x20 : c;
  if (!ignoreCase || folded < 0x41) return folded;
  if (folded <= 0x5a) return folded + 32;
  return folded === KELVIN ? 0x6b : folded === LONG_S ? 0x73 : folded;
}

/** At most this many characters in a needle set of an automaton: past it, the set rarely rules a text out. */
const MAX_AUTOMATON_NEEDLES = 32;

/** One occurrence: where it starts and how long it is, in UTF-16 units. */
export interface PhraseHit {
  start: number;
  length: number;
}

export class PhraseAutomaton {
  /** Transitions of every node while building, keyed node * 65536 + unit (then moved to `transitions`). */
  private next = new Map<number, number>();
  /** The transitions of every node below the root, for the scan. */
  private readonly transitions: TransitionTable;
  private readonly fail: number[] = [0];
  /** The phrase (its rank in longest-first order) that ends at a node, or -1. */
  private readonly ends: number[] = [-1];
  /** The nearest node along the failure links that ends a phrase, or -1. */
  private readonly outputLink: number[] = [-1];
  private readonly lengths: number[] = [];
  private readonly boundStart: boolean[] = [];
  private readonly boundEnd: boolean[] = [];
  /** Units that occur in some phrase; every other unit sends the scan straight back to the root. */
  private readonly used = new Uint8Array(65536);
  /** The root's transitions as a table (most steps start from the root); 0 for none. */
  private readonly fromRoot = new Int32Array(65536);

  /**
   * Whether the automaton can stand in for the alternation: always without ignoreCase; with it, only when
   * no phrase holds a cased letter outside ASCII (Unicode case folding of those is left to RegExp).
   */
  static canCompile(phrases: readonly string[], ignoreCase: boolean): boolean {
    if (!ignoreCase) return true;
    for (const phrase of phrases) {
      for (const ch of phrase) {
        if (ch.charCodeAt(0) > 0x7f && ch.toLowerCase() !== ch.toUpperCase()) return false;
      }
    }
    return true;
  }

  /**
   * The pairs of units every phrase starts with (its first two, as the scan compares them), hashed to bits,
   * when no phrase is a single unit: a text holding none of them side by side holds no phrase, and the scan
   * starts at the first one it holds. Undefined when some phrase is a single unit.
   */
  private readonly starts: Int32Array | undefined;

  /** The first, the second and the last unit of every phrase (see needleSets). */
  private readonly firsts = new Set<number>();
  private readonly seconds = new Set<number>();
  private readonly lasts = new Set<number>();

  /**
   * `phrases` width-folded and ordered as the alternation would list them (longest first). Texts may be
   * given as written or width-folded: the scan folds each unit as it reads it.
   */
  constructor(
    phrases: readonly string[],
    private readonly ignoreCase: boolean,
  ) {
    phrases.forEach((phrase, rank) => {
      this.firsts.add(phrase.charCodeAt(0));
      this.seconds.add(phrase.charCodeAt(Math.min(1, phrase.length - 1)));
      this.lasts.add(phrase.charCodeAt(phrase.length - 1));
      let node = 0;
      for (let i = 0; i < phrase.length; i++) {
        const unit = this.canon(phrase.charCodeAt(i));
        this.used[unit] = 1;
        const key = node * 65536 + unit;
        let child = this.next.get(key);
        if (child === undefined) {
          child = this.fail.length;
          this.fail.push(0);
          this.ends.push(-1);
          this.outputLink.push(-1);
          this.next.set(key, child);
        }
        if (node === 0) this.fromRoot[unit] = child;
        node = child;
      }
      // Of two equal phrases the first listed wins, as in the alternation.
      if (this.ends[node] === -1) this.ends[node] = rank;
      this.lengths.push(phrase.length);
      this.boundStart.push(isAsciiWord(phrase.charCodeAt(0)));
      this.boundEnd.push(isAsciiWord(phrase.charCodeAt(phrase.length - 1)));
    });
    this.link();
    this.transitions = new TransitionTable(this.next);
    this.next = new Map();
    if (phrases.every((phrase) => phrase.length >= 2)) {
      const starts = new Int32Array(START_WORDS);
      for (const phrase of phrases) {
        const bit = startBit(this.canon(phrase.charCodeAt(0)), this.canon(phrase.charCodeAt(1)));
        starts[bit >> 5] = (starts[bit >> 5] as number) | (1 << (bit & 31));
      }
      this.starts = starts;
    }
  }

  /** Where the first pair of units that may start a phrase begins (see starts), or -1 for none. */
  private firstStart(text: string, starts: Int32Array): number {
    const { ignoreCase } = this;
    let previous = canonicalUnit(text.charCodeAt(0), ignoreCase);
    for (let i = 1; i < text.length; i++) {
      const unit = canonicalUnit(text.charCodeAt(i), ignoreCase);
      const bit = startBit(previous, unit);
      if (((starts[bit >> 5] as number) & (1 << (bit & 31))) !== 0) return i - 1;
      previous = unit;
    }
    return -1;
  }

  /** Failure and output links, breadth first. */
  private link(): void {
    const children = new Map<number, Array<[number, number]>>();
    for (const [key, child] of this.next) {
      const parent = Math.floor(key / 65536);
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push([key % 65536, child]);
    }
    const queue: number[] = [];
    for (const [, child] of children.get(0) ?? []) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] as number;
      for (const [unit, child] of children.get(node) ?? []) {
        let f = this.fail[node] as number;
        let target = this.next.get(f * 65536 + unit);
        while (target === undefined && f !== 0) {
          f = this.fail[f] as number;
          target = this.next.get(f * 65536 + unit);
        }
        const failTo = target ?? 0;
        this.fail[child] = failTo;
        this.outputLink[child] = (this.ends[failTo] as number) >= 0 ? failTo : (this.outputLink[failTo] as number);
        queue.push(child);
      }
    }
  }

  private canon(c: number): number {
    return canonicalUnit(c, this.ignoreCase);
  }

  /** Whether `c` (as written) is a letter or digit to a word bound on the folded text. */
  private isWord(c: number): boolean {
    return isAsciiWord(foldUnit(c)) || (this.ignoreCase && (c === KELVIN || c === LONG_S));
  }

  /**
   * Sets of characters a text must hold one of each for some phrase to occur in it (its folded form): the
   * phrases' first units, their second units (the first of a phrase of one), and their last units, with
   * every unit that (ignoreCase) case-folds to one. A set too large to rule texts out is left out; none:
   * the scan runs on every text.
   */
  needleSets(): string[][] {
    const sets: string[][] = [];
    for (const units of [this.firsts, this.seconds, this.lasts]) {
      const chars = new Set<string>();
      for (const unit of units) {
        for (const variant of this.variants(unit)) chars.add(String.fromCharCode(variant));
      }
      if (chars.size <= MAX_AUTOMATON_NEEDLES) sets.push([...chars]);
    }
    return sets;
  }

  /** Every unit that can stand for the folded phrase unit `unit` in a folded text. */
  private variants(unit: number): number[] {
    if (!this.ignoreCase) return [unit];
    const canonical = this.canon(unit);
    const variants = [canonical];
    if (canonical >= 0x61 && canonical <= 0x7a) variants.push(canonical - 32);
    if (canonical === 0x6b) variants.push(KELVIN);
    if (canonical === 0x73) variants.push(LONG_S);
    return variants;
  }

  // Hits of the last scan (where each starts, and its phrase), reused from call to call: a text with no hit,
  // the common case, allocates nothing.
  private hitStarts = new Int32Array(16);
  private hitRanks = new Int32Array(16);

  /**
   * Collects every occurrence of every phrase whose word bounds hold, in order of where it ends, into
   * hitStarts/hitRanks; returns how many (stops after the first when `firstOnly`).
   */
  private scan(text: string, firstOnly: boolean): number {
    const { transitions, fail, ends, outputLink, lengths, used, fromRoot, boundStart, boundEnd, ignoreCase, starts } = this;
    let count = 0;
    let node = 0;
    // No phrase starts before the first pair of units that may start one: the scan begins there, at the root.
    const from = starts === undefined ? 0 : this.firstStart(text, starts);
    if (from < 0) return 0;
    for (let i = from; i < text.length; i++) {
      const unit = canonicalUnit(text.charCodeAt(i), ignoreCase);
      if (used[unit] === 0) {
        node = 0;
        continue;
      }
      let target = node === 0 ? -1 : transitions.get(node, unit);
      while (target < 0 && node !== 0) {
        node = fail[node] as number;
        if (node !== 0) target = transitions.get(node, unit);
      }
      node = target >= 0 ? target : (fromRoot[unit] as number);
      for (let out = (ends[node] as number) >= 0 ? node : (outputLink[node] as number); out >= 0; out = outputLink[out] as number) {
        const rank = ends[out] as number;
        const start = i + 1 - (lengths[rank] as number);
        if (boundStart[rank] && start > 0 && this.isWord(text.charCodeAt(start - 1))) continue;
        if (boundEnd[rank] && i + 1 < text.length && this.isWord(text.charCodeAt(i + 1))) continue;
        if (count === this.hitStarts.length) this.growHits();
        this.hitStarts[count] = start;
        this.hitRanks[count] = rank;
        count++;
        if (firstOnly) return count;
      }
    }
    return count;
  }

  private growHits(): void {
    const starts = new Int32Array(this.hitStarts.length * 2);
    starts.set(this.hitStarts);
    this.hitStarts = starts;
    const ranks = new Int32Array(this.hitRanks.length * 2);
    ranks.set(this.hitRanks);
    this.hitRanks = ranks;
  }

  /**
   * What a global RegExp exec loop over the alternation returns: the leftmost occurrence, the first-listed
   * (longest) phrase among those starting there, then the same from its end, without overlaps.
   */
  findAll(text: string): readonly PhraseHit[] {
    const count = this.scan(text, false);
    if (count === 0) return NO_HITS;
    const starts = this.hitStarts;
    const ranks = this.hitRanks;
    if (count === 1) return [{ start: starts[0] as number, length: this.lengths[ranks[0] as number] as number }];
    const order: number[] = [];
    for (let i = 0; i < count; i++) order.push(i);
    order.sort((a, b) => (starts[a] as number) - (starts[b] as number) || (ranks[a] as number) - (ranks[b] as number));
    const hits: PhraseHit[] = [];
    let from = 0;
    for (const i of order) {
      const start = starts[i] as number;
      if (start < from) continue;
      const length = this.lengths[ranks[i] as number] as number;
      hits.push({ start, length });
      from = start + length;
    }
    return hits;
  }

  /** Every occurrence, overlapping ones included (what `coverage` needs). */
  forEach(text: string, visit: (start: number, length: number) => void): void {
    const count = this.scan(text, false);
    for (let i = 0; i < count; i++) visit(this.hitStarts[i] as number, this.lengths[this.hitRanks[i] as number] as number);
  }

  test(text: string): boolean {
    return this.scan(text, true) > 0;
  }
}

/** Bits in the set of pairs that start phrases (a power of two): 65,536, 8 KB. */
const START_BITS = 1 << 16;
const START_WORDS = START_BITS >> 5;

/** The bit of a pair of units (as the scan compares them) in the set of pairs that start phrases. */
function startBit(first: number, second: number): number {
  return Math.imul(first ^ (second << 16), 0x9e3779b1) >>> 16;
}

/** The answer for a text without hits, shared (callers only read it). */
const NO_HITS: readonly PhraseHit[] = Object.freeze([]);

/**
 * Transitions (node, unit) → node in one open-addressing hash table of typed arrays: a lookup is a few
 * array reads, where a Map keyed by a number hashes and follows a chain (and past 32768 nodes its keys are
 * no longer small integers).
 */
class TransitionTable {
  /** node + 1 per slot (0: empty). */
  private readonly nodes: Int32Array;
  private readonly units: Uint16Array;
  private readonly targets: Int32Array;
  private readonly mask: number;

  constructor(next: ReadonlyMap<number, number>) {
    let size = 16;
    while (size < next.size * 2) size *= 2;
    this.nodes = new Int32Array(size);
    this.units = new Uint16Array(size);
    this.targets = new Int32Array(size);
    this.mask = size - 1;
    for (const [key, target] of next) {
      const node = Math.floor(key / 65536);
      const unit = key % 65536;
      let slot = slotOf(node, unit, this.mask);
      while (this.nodes[slot] !== 0) slot = (slot + 1) & this.mask;
      this.nodes[slot] = node + 1;
      this.units[slot] = unit;
      this.targets[slot] = target;
    }
  }

  /** The node reached from `node` by `unit`, or -1. */
  get(node: number, unit: number): number {
    const { nodes, units, mask } = this;
    for (let slot = slotOf(node, unit, mask); ; slot = (slot + 1) & mask) {
      const held = nodes[slot] as number;
      if (held === 0) return -1;
      if (held === node + 1 && units[slot] === unit) return this.targets[slot] as number;
    }
  }
}

function slotOf(node: number, unit: number, mask: number): number {
  const h = Math.imul(node, 0x9e3779b1) ^ Math.imul(unit, 0x85ebca6b);
  return (h ^ (h >>> 16)) & mask;
}
