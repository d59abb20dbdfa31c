import { z } from 'zod';
import type { Conversation, Message } from '../model/message.js';
import { once } from '../model/once.js';
import { foldPatternSource, foldUnit, foldWidth, literalSource } from '../text/fold.js';
import { regexNeeds, requiredRun, type NeedlePair } from '../text/needles.js';
import { PhraseAutomaton } from '../text/phrase-automaton.js';
import { regexSource } from './schema.js';

/**
 * A set of literal phrases and regular expressions, matched like forbidden-phrase (width-folded; literals
 * bounded at word edges where they begin or end with a Latin letter or digit). Used for a rule's
 * secondary texts: exceptions, triggers, expected answers, prompts, closings.
 */
export const phraseSetSchema = once(() =>
  z
    .strictObject({
      phrases: z.array(z.string().min(1)).default([]).describe('Literal phrases.'),
      patterns: z.array(regexSource()).default([]).describe('Regular expressions run on the width-folded text.'),
    })
    .refine((s) => s.phrases.length + s.patterns.length > 0, { message: 'needs at least one phrase or pattern', path: ['phrases'] }),
);
export type PhraseSet = z.infer<ReturnType<typeof phraseSetSchema>>;

export interface TextMatch {
  text: string;
  offset: number;
}

/**
 * Finds every occurrence of literal phrases and user patterns in width-folded text.
 * Literal phrases share one Aho–Corasick automaton (one pass whatever their number; it finds what the
 * alternation of them, longest first, would: "真是的" wins over a shorter overlap); when case-insensitive
 * phrases hold non-ASCII letters, they share one alternation RegExp instead. User patterns run one by one,
 * since combining them would renumber their backreferences; one with needles (sets of characters every
 * match holds one of, see text/needles.ts) runs only on texts that hold a needle of each set, and one with a
 * required run ("。。" of "。{2,}") only on texts that hold it. The automaton reads a message as written
 * and has needles of its own (its phrases' first, second and last characters), so a message no pattern may match
 * is never width-folded.
 */
export class PhraseMatcher {
  private readonly automaton: PhraseAutomaton | undefined;
  /** The automaton's needle sets as pairs (word, bits), or undefined to scan every text. */
  private readonly automatonNeeds: Int32Array[] | undefined;
  private readonly expressions: RegExp[];
  /**
   * Per expression: its needle sets, each as pairs (word, bits) of the needles' numbers (a text must hold a
   * needle of every set), or undefined to run on every text.
   */
  private readonly needs: Array<Int32Array[] | undefined>;
  /** Per expression: characters every match holds in a row, found in the text as written (see requiredRun). */
  private readonly runs: Array<string | undefined>;
  /**
   * Needle sets of the whole matcher, as pairs (word, bits): a text that the automaton or an expression may
   * match holds a needle of each. The k-th is the union of every one's k-th set (or its last, when it has
   * fewer): "稍" or "请" for two wait phrases, and "等" or "耐" too. Empty when one of them has no needles.
   */
  private readonly gates: Int32Array[] = [];
  /** Whether any test of this matcher reads the needles of a text. */
  private readonly usesNeedles: boolean;

  constructor(phrases: readonly string[], patterns: readonly string[], ignoreCase: boolean) {
    const flags = ignoreCase ? 'giu' : 'gu';
    this.expressions = [];
    const literals = [...new Set(phrases.filter((p) => p.length > 0))].sort((a, b) => b.length - a.length);
    if (literals.length > 0) {
      const folded = literals.map(foldWidth);
      if (PhraseAutomaton.canCompile(folded, ignoreCase)) this.automaton = new PhraseAutomaton(folded, ignoreCase);
      else this.expressions.push(new RegExp(literals.map(literalSource).join('|'), flags));
    }
    const automatonSets = this.automaton?.needleSets().map(needleNumbers);
    this.automatonNeeds = automatonSets && automatonSets.length > 0 ? automatonSets.map(setWords) : undefined;
    for (const pattern of patterns) this.expressions.push(new RegExp(foldPatternSource(pattern), flags));
    // Per expression its needle sets as numbers: its pairs first (the rarest), then its characters.
    const expressionSets = this.expressions.map((e) => {
      const needs = regexNeeds(e.source, ignoreCase);
      return needs && [...pairSets(needs.pairs), ...needs.sets.map(needleNumbers)];
    });
    this.needs = expressionSets.map((sets) => sets?.map(setWords));
    this.runs = this.expressions.map((e) => requiredRun(e.source));
    this.usesNeedles = this.automatonNeeds !== undefined || this.needs.some((n) => n !== undefined);
    const sets = [...(this.automaton ? [automatonSets] : []), ...expressionSets];
    if (sets.length > 0 && sets.every((s) => s !== undefined && s.length > 0)) {
      const parts = sets as number[][][];
      const depth = Math.max(...parts.map((p) => p.length));
      for (let k = 0; k < depth; k++) this.gates.push(setWords(parts.flatMap((p) => p[Math.min(k, p.length - 1)] as number[])));
    }
  }

  /**
   * Whether expression `i` may match a text (as written) holding the needles at `base` of `presence` (false
   * when a needle set or its required run is missing).
   */
  private mayMatch(i: number, text: string, presence: Int32Array, base: number, width: number): boolean {
    const run = this.runs[i];
    if (run !== undefined && !text.includes(run)) return false;
    const needs = this.needs[i];
    return needs === undefined || meetsAll(needs, presence, base, width);
  }

  /** A matcher for a phrase set (see phraseSetSchema). */
  static of(set: PhraseSet, ignoreCase: boolean): PhraseMatcher {
    return new PhraseMatcher(set.phrases, set.patterns, ignoreCase);
  }

  get isEmpty(): boolean {
    return this.automaton === undefined && this.expressions.length === 0;
  }

  /**
   * All matches in `text`, ordered by offset; an occurrence found by two expressions is reported once.
   * `folded` is foldWidth(text) and `needles` needlesOf(text), when the caller has them.
   */
  findAll(text: string, folded?: string, needles?: Int32Array): readonly TextMatch[] {
    return this.findAllIn(oneText(text, folded, needles), 0);
  }

  /** findAll on message `index` of a conversation's texts (see foldedTexts). */
  findAllIn(texts: FoldedTexts, index: number): readonly TextMatch[] {
    // The message's needles, read once for every test below.
    const base = this.usesNeedles ? texts.needleBase(index) : 0;
    const presence = texts.needleWords;
    const width = texts.needleWidth;
    if (!meetsAll(this.gates, presence, base, width)) return NO_MATCHES;
    const text = texts.textAt(index);
    let found: TextMatch[] | undefined;
    if (this.automaton && (this.automatonNeeds === undefined || meetsAll(this.automatonNeeds, presence, base, width))) {
      const hits = this.automaton.findAll(text);
      // Arrays made at their size: one grown by push keeps room for 17 (most messages have one hit).
      if (hits.length > 0) found = hits.map((hit) => ({ text: text.slice(hit.start, hit.start + hit.length), offset: hit.start }));
    }
    // Automaton hits come ordered and without overlaps: nothing to merge when it is alone.
    if (this.expressions.length === 0) return found ?? NO_MATCHES;
    let sources = found ? 1 : 0;
    let folded: string | undefined;
    for (let i = 0; i < this.expressions.length; i++) {
      if (!this.mayMatch(i, text, presence, base, width)) continue;
      folded ??= texts.at(index);
      const expression = this.expressions[i] as RegExp;
      // Hits of earlier expressions (one expression alone finds each occurrence once, in offset order).
      const earlier = found ? found.length : 0;
      expression.lastIndex = 0;
      for (let m = expression.exec(folded); m !== null; m = expression.exec(folded)) {
        if (m[0].length === 0) {
          expression.lastIndex++;
          continue;
        }
        if (found && earlier > 0 && foundAt(found, earlier, m.index, m[0].length)) continue;
        // Report the text as the agent wrote it, not the folded form.
        const hit = { text: text.slice(m.index, m.index + m[0].length), offset: m.index };
        if (found) found.push(hit);
        else found = [hit];
      }
      if (found && found.length > earlier) sources++;
    }
    if (!found) return NO_MATCHES;
    return sources > 1 ? found.sort((a, b) => a.offset - b.offset) : found;
  }

  /**
   * A test for whether some match in `text` contains the span [start, end). Unlike findAll, overlapping
   * matches count: every position where an expression matches is tried, so an exception "你们" covers the
   * "你" of "好你们" even when another exception "好你" matched just before it. One pass over the text.
   */
  coverage(text: string, folded?: string, needles?: Int32Array): (start: number, end: number) => boolean {
    return this.coverageIn(oneText(text, folded, needles), 0);
  }

  /** coverage of message `index` of a conversation's texts (see foldedTexts). */
  coverageIn(texts: FoldedTexts, index: number): (start: number, end: number) => boolean {
    const base = this.usesNeedles ? texts.needleBase(index) : 0;
    const presence = texts.needleWords;
    const width = texts.needleWidth;
    if (!meetsAll(this.gates, presence, base, width)) return NOTHING_COVERED;
    const text = texts.textAt(index);
    // reach[i]: the furthest end of a match starting at or before i.
    const reach = new Array<number>(text.length + 1).fill(-1);
    if (this.automaton && (this.automatonNeeds === undefined || meetsAll(this.automatonNeeds, presence, base, width))) {
      this.automaton.forEach(text, (at, length) => {
        reach[at] = Math.max(reach[at] ?? -1, at + length);
      });
    }
    let folded: string | undefined;
    for (let i = 0; i < this.expressions.length; i++) {
      if (!this.mayMatch(i, text, presence, base, width)) continue;
      folded ??= texts.at(index);
      const expression = this.expressions[i] as RegExp;
      expression.lastIndex = 0;
      for (let m = expression.exec(folded); m !== null; m = expression.exec(folded)) {
        const at = m.index;
        reach[at] = Math.max(reach[at] ?? -1, at + m[0].length);
        // Next try starts one character later, so overlapping matches are found too.
        expression.lastIndex = at + ((folded.codePointAt(at) ?? 0) > 0xffff ? 2 : 1);
      }
    }
    for (let i = 1; i < reach.length; i++) reach[i] = Math.max(reach[i] ?? -1, reach[i - 1] ?? -1);
    return (start, end) => (reach[start] ?? -1) >= end;
  }

  /** True when any expression matches somewhere in `text`. */
  test(text: string, folded?: string, needles?: Int32Array): boolean {
    return this.testIn(oneText(text, folded, needles), 0);
  }

  /** test on message `index` of a conversation's texts (see foldedTexts). */
  testIn(texts: FoldedTexts, index: number): boolean {
    const base = this.usesNeedles ? texts.needleBase(index) : 0;
    const presence = texts.needleWords;
    const width = texts.needleWidth;
    if (!meetsAll(this.gates, presence, base, width)) return false;
    const text = texts.textAt(index);
    if (this.automaton && (this.automatonNeeds === undefined || meetsAll(this.automatonNeeds, presence, base, width)) && this.automaton.test(text)) return true;
    if (this.expressions.length === 0) return false;
    for (let i = 0; i < this.expressions.length; i++) {
      if (!this.mayMatch(i, text, presence, base, width)) continue;
      const expression = this.expressions[i] as RegExp;
      expression.lastIndex = 0;
      if (expression.test(texts.at(index))) return true;
    }
    return false;
  }
}

/** One text seen as the only message of a conversation, folded and searched for needles on first use. */
function oneText(text: string, folded: string | undefined, needles: Int32Array | undefined): FoldedTexts {
  return new OneText(text, folded, needles);
}

class OneText implements FoldedTexts {
  private numbered = needleCount;
  needleWords: Int32Array = NO_NEEDLES;
  needleWidth = 0;

  constructor(
    private readonly text: string,
    private folded: string | undefined,
    private needles: Int32Array | undefined,
  ) {}

  textAt(): string {
    return this.text;
  }

  at(): string {
    return (this.folded ??= foldWidth(this.text));
  }

  needlesAt(): Int32Array {
    if (this.numbered !== needleCount) {
      this.needles = undefined;
      this.numbered = needleCount;
    }
    return (this.needles ??= needlesOf(this.text));
  }

  needleBase(): number {
    this.needleWords = this.needlesAt();
    this.needleWidth = this.needleWords.length;
    return 0;
  }
}

/**
 * Each needle character's number, shared by all matchers: one pass over a message finds the needles of
 * every rule (see needlesOf). 0 for a character that is nobody's needle; past MAX_NEEDLE_INDEX characters
 * share the last number, which only costs a needless run. Needles are characters of the width-folded text;
 * NEEDLE_INDEX gives each unit as written the number of the unit it folds to ("！" that of "!"), so a
 * message is searched for needles without folding it.
 */
const NEEDLE_INDEX = new Uint16Array(65536);
/** The number of each needle character (a unit of folded text). */
const NEEDLE_NUMBER = new Uint16Array(65536);
const MAX_NEEDLE_INDEX = 1023;
let needleCount = 0;

/**
 * The needle characters a text holds once width-folded (the text may be given as written or folded): bit
 * (n & 31) of word (n >> 5) for needle number n. Made for the needles numbered so far (a matcher made later
 * may number more: see foldedTexts).
 */
export function needlesOf(text: string): Int32Array {
  const presence = new Int32Array(needleWidth());
  findNeedles(text, presence, 0);
  return presence;
}

/** Words of a presence set for the needles numbered so far. */
const needleWidth = () => (Math.min(needleCount, MAX_NEEDLE_INDEX) >> 5) + 1;

/**
 * Sets the bits of the needles `text` holds in the presence set at `base` of `words` (which holds zeros
 * there), pairs held side by side included. The first word's bits are gathered in a local (with no branch
 * for the many units that are nobody's needle: number 0 sets its bit 0, cleared at the end), the others
 * written as found.
 */
function findNeedles(text: string, words: Int32Array, base: number): void {
  let low = 0;
  // The pair classes the previous unit is a first character of.
  let previous = 0;
  for (let i = 0; i < text.length; i++) {
    const n = NEEDLE_INDEX[text.charCodeAt(i)] as number;
    if (n < 32) low |= 1 << n;
    else words[base + (n >> 5)] = (words[base + (n >> 5)] as number) | (1 << (n & 31));
    const pairs = (PAIR_SECOND[n] as number) & previous;
    if (pairs !== 0) markPairs(pairs, words, base);
    previous = PAIR_FIRST[n] as number;
  }
  words[base] = (words[base] as number) | (low & ~1);
}

/** Sets the bits of the pair classes `pairs` (bit k: class k). */
function markPairs(pairs: number, words: Int32Array, base: number): void {
  for (let rest = pairs; rest !== 0; ) {
    const k = 31 - Math.clz32(rest);
    rest ^= 1 << k;
    const n = PAIR_NUMBERS[k] as number;
    words[base + (n >> 5)] = (words[base + (n >> 5)] as number) | (1 << (n & 31));
  }
}

/**
 * Pair classes (see NeedlePair), shared by all matchers like the needle characters: each has a needle
 * number of its own, set in a text's presence when the text holds one of its first characters and right
 * after it one of its second ones. PAIR_FIRST and PAIR_SECOND give, per needle number, the classes (bit k:
 * class k) whose first or second characters it numbers. At most 32; a pair past them is not looked for.
 */
const PAIR_FIRST = new Int32Array(MAX_NEEDLE_INDEX + 1);
const PAIR_SECOND = new Int32Array(MAX_NEEDLE_INDEX + 1);
const PAIR_NUMBERS: number[] = [];
const MAX_PAIR_CLASSES = 32;
/** Each class's needle number, by its characters. */
const pairClasses = new Map<string, number>();

/** The needle number of a pair class, numbered on first use; undefined when no more classes fit. */
function pairIndex(pair: NeedlePair): number | undefined {
  const key = `${[...pair.first].sort().join('')}\u0000${[...pair.second].sort().join('')}`;
  const known = pairClasses.get(key);
  if (known !== undefined || PAIR_NUMBERS.length === MAX_PAIR_CLASSES) return known;
  const bit = 1 << PAIR_NUMBERS.length;
  for (const c of pair.first) {
    const n = needleIndex(c.charCodeAt(0));
    PAIR_FIRST[n] = (PAIR_FIRST[n] as number) | bit;
  }
  for (const c of pair.second) {
    const n = needleIndex(c.charCodeAt(0));
    PAIR_SECOND[n] = (PAIR_SECOND[n] as number) | bit;
  }
  // A number of its own, after its characters': a presence found before it (without this pair) is stale.
  const index = Math.min(++needleCount, MAX_NEEDLE_INDEX);
  PAIR_NUMBERS.push(index);
  pairClasses.set(key, index);
  return index;
}

/** Each pair as a needle set of its own (one number), for the pairs that could be numbered. */
function pairSets(pairs: readonly NeedlePair[]): number[][] {
  const sets: number[][] = [];
  for (const pair of pairs) {
    const index = pairIndex(pair);
    if (index !== undefined) sets.push([index]);
  }
  return sets;
}

const NO_NEEDLES = new Int32Array(0);
const NOTHING_COVERED = (): boolean => false;

/** The numbers of a set of needle characters. */
function needleNumbers(needles: readonly string[]): number[] {
  return needles.map((needle) => needleIndex(needle.charCodeAt(0)));
}

/** A needle set as pairs (word, bits) of its needles' numbers. */
function setWords(numbers: readonly number[]): Int32Array {
  const bitsByWord = new Map<number, number>();
  for (const n of numbers) bitsByWord.set(n >> 5, (bitsByWord.get(n >> 5) ?? 0) | (1 << (n & 31)));
  return Int32Array.from([...bitsByWord].flat());
}

/** Whether a text holding the needles at `base` of `presence` (`width` words) holds a needle of each set. */
function meetsAll(sets: readonly Int32Array[], presence: Int32Array, base: number, width: number): boolean {
  for (let s = 0; s < sets.length; s++) if (!meets(sets[s] as Int32Array, presence, base, width)) return false;
  return true;
}

/** Whether a text holding the needles at `base` of `presence` (`width` words) holds one of the set (a word past them: not known, so yes). */
function meets(set: Int32Array, presence: Int32Array, base: number, width: number): boolean {
  for (let k = 0; k < set.length; k += 2) {
    const word = set[k] as number;
    if (word >= width || ((presence[base + word] as number) & (set[k + 1] as number)) !== 0) return true;
  }
  return false;
}

/** The number of needle character `code` (a unit of folded text), numbered on first use. */
function needleIndex(code: number): number {
  let index = NEEDLE_NUMBER[code] as number;
  if (index === 0) {
    index = Math.min(++needleCount, MAX_NEEDLE_INDEX);
    NEEDLE_NUMBER[code] = index;
    // The units written that fold to it: itself (a full-width form folds to another unit, so no text holds it
    // folded), its full-width form, and for a space the ideographic space.
    if (foldUnit(code) === code) NEEDLE_INDEX[code] = index;
    if (code >= 0x21 && code <= 0x7e) NEEDLE_INDEX[code + 0xfee0] = index;
    if (code === 0x20) NEEDLE_INDEX[0x3000] = index;
  }
  return index;
}

/** The answer for a text without matches, shared (callers only read it). */
const NO_MATCHES: readonly TextMatch[] = Object.freeze([]);

/** Whether one of the first `count` hits is the occurrence at `offset` of `length` units. */
function foundAt(found: readonly TextMatch[], count: number, offset: number, length: number): boolean {
  for (let i = 0; i < count; i++) {
    const hit = found[i] as TextMatch;
    if (hit.offset === offset && hit.text.length === length) return true;
  }
  return false;
}

/** The texts of one conversation's messages, each folded and searched for needles on first use. */
export interface FoldedTexts {
  /** The text of message `index` as written. */
  textAt(index: number): string;
  /** foldWidth of message `index`'s text. */
  at(index: number): string;
  /** needlesOf its text, for the PhraseMatchers of every rule (a copy). */
  needlesAt(index: number): Int32Array;
  /** Where message `index`'s needles start in needleWords (read both after this call: they may move). */
  needleBase(index: number): number;
  /** The needles found, needleWidth words per message. */
  readonly needleWords: Int32Array;
  readonly needleWidth: number;
}

// Rules run one after another over the same conversation: its messages are folded once, and searched for
// needles once, whatever the number of rules reading them; a message is folded only when some pattern may
// match it (most agent texts hold a full-width comma or question mark, so folding copies). Each folded
// text and needle set is kept with the text it came from, so a conversation whose messages change between
// two checks (re-sorted, or more of them) never gets a stale one. What is found is kept in arrays shared by
// all conversations (one is checked at a time), so a conversation costs no arrays of its own: the texts of
// another conversation, used again, take the arrays back (and find again where their texts differ).
let current: ConversationTexts | undefined;
/** Per message of the current conversation: the text folded or searched, its fold, whether its needles were found. */
const originals: Array<string | undefined> = [];
const folds: Array<string | undefined> = [];
let found = new Uint8Array(64);
let words = new Int32Array(64);
/** Words per message in `words`, for the needles numbered when they were found (`numbered`). */
let width = 1;
let numbered = 0;

class ConversationTexts implements FoldedTexts {
  /** The units of all its texts: never read, kept so the compiler keeps touchTexts' reads (see there). */
  units = 0;

  constructor(readonly messages: readonly Message[]) {}

  textAt(index: number): string {
    return this.messages[index]?.text ?? '';
  }

  at(index: number): string {
    const original = this.textOf(index);
    return (folds[index] ??= foldWidth(original));
  }

  needleBase(index: number): number {
    const original = this.textOf(index);
    // Needles numbered after some were found (a rule compiled since) make every presence found so far stale.
    if (numbered !== needleCount || words.length < width * found.length) {
      numbered = needleCount;
      width = needleWidth();
      words = new Int32Array(width * found.length);
      found.fill(0);
    }
    const base = index * width;
    if (found[index] === 0) {
      // A loop, not words.fill: a message's few words cost less than the call.
      for (let k = base; k < base + width; k++) words[k] = 0;
      findNeedles(original, words, base);
      found[index] = 1;
    }
    return base;
  }

  get needleWords(): Int32Array {
    return words;
  }

  get needleWidth(): number {
    return width;
  }

  needlesAt(index: number): Int32Array {
    const base = this.needleBase(index);
    return words.slice(base, base + width);
  }

  /** Message `index`'s text, forgetting what was found for another text at that index (or another conversation). */
  private textOf(index: number): string {
    if (current !== this) this.takeArrays();
    if (index >= found.length) grow(index + 1);
    const original = this.messages[index]?.text ?? '';
    if (originals[index] !== original) {
      originals[index] = original;
      folds[index] = undefined;
      found[index] = 0;
    }
    return original;
  }

  /**
   * The shared arrays are this conversation's now. Nothing is cleared: a fold and a needle set depend on
   * their text alone, and textOf forgets them where the text at an index is another one.
   */
  takeArrays(): void {
    current = this;
    lastMessages = this.messages;
    const size = Math.max(this.messages.length, 1);
    if (size > found.length) grow(size);
    this.units = touchTexts(this.messages);
  }
}

/**
 * Reads the length of every message's text, in one short loop. A conversation's texts were read from the
 * export long before it is checked and lie far apart in memory, so the first read of each is a cache miss;
 * here the misses of all its messages are waited for at once (the reads do not depend on each other),
 * instead of one by one as each rule's scan reaches the next message (~10% of checking zh-CN).
 */
function touchTexts(messages: readonly Message[]): number {
  let units = 0;
  for (let i = 0; i < messages.length; i++) units += (messages[i] as Message).text.length;
  return units;
}

/** Room for `size` messages in the shared arrays. */
function grow(size: number): void {
  const capacity = Math.max(size, 2 * found.length);
  const grown = new Uint8Array(capacity);
  grown.set(found);
  found = grown;
  const more = new Int32Array(capacity * width);
  more.set(words.subarray(0, Math.min(words.length, more.length)));
  words = more;
  while (originals.length < capacity) {
    originals.push(undefined);
    folds.push(undefined);
  }
}

let lastMessages: readonly Message[] | undefined;

/** The folded texts of `conversation`, shared by every rule that checks it. */
export function foldedTexts(conversation: Conversation): FoldedTexts {
  const { messages } = conversation;
  if (messages === lastMessages && current) return current;
  const texts = new ConversationTexts(messages);
  texts.takeArrays();
  return texts;
}
