import { z } from 'zod';
import type { Conversation, Message } from '../model/message.js';
import { foldPatternSource, foldWidth, literalSource } from '../text/fold.js';
import { regexNeedles } from '../text/needles.js';
import { PhraseAutomaton } from '../text/phrase-automaton.js';
import { regexSource } from './schema.js';

/**
 * A set of literal phrases and regular expressions, matched like forbidden-phrase (width-folded; literals
 * bounded at word edges where they begin or end with a Latin letter or digit). Used for a rule's
 * secondary texts: exceptions, triggers, expected answers, prompts, closings.
 */
export const phraseSetSchema = z
  .strictObject({
    phrases: z.array(z.string().min(1)).default([]).describe('Literal phrases.'),
    patterns: z.array(regexSource()).default([]).describe('Regular expressions run on the width-folded text.'),
  })
  .refine((s) => s.phrases.length + s.patterns.length > 0, { message: 'needs at least one phrase or pattern', path: ['phrases'] });
export type PhraseSet = z.infer<typeof phraseSetSchema>;

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
 * match holds one of, see text/needles.ts) runs only on texts that hold a needle of each set.
 */
export class PhraseMatcher {
  private readonly automaton: PhraseAutomaton | undefined;
  private readonly expressions: RegExp[];
  /**
   * Per expression: its needle sets, each as pairs (word, bits) of the needles' numbers (a text must hold a
   * needle of every set), or undefined to run on every text.
   */
  private readonly needs: Array<Int32Array[] | undefined>;
  private readonly hasNeeds: boolean;

  constructor(phrases: readonly string[], patterns: readonly string[], ignoreCase: boolean) {
    const flags = ignoreCase ? 'giu' : 'gu';
    this.expressions = [];
    const literals = [...new Set(phrases.filter((p) => p.length > 0))].sort((a, b) => b.length - a.length);
    if (literals.length > 0) {
      const folded = literals.map(foldWidth);
      if (PhraseAutomaton.canCompile(folded, ignoreCase)) this.automaton = new PhraseAutomaton(folded, ignoreCase);
      else this.expressions.push(new RegExp(literals.map(literalSource).join('|'), flags));
    }
    for (const pattern of patterns) this.expressions.push(new RegExp(foldPatternSource(pattern), flags));
    this.needs = this.expressions.map((e) => regexNeedles(e.source, ignoreCase)?.map(needleSetWords));
    this.hasNeeds = this.needs.some((n) => n !== undefined);
  }

  /** The needles `folded` holds, when the caller did not give them (see needlesOf). */
  private presence(folded: string, given: Int32Array | undefined): Int32Array {
    if (given !== undefined || !this.hasNeeds) return given ?? NO_NEEDLES;
    return needlesOf(folded, scratch);
  }

  /** Whether expression `i` may match a text holding the needles `presence` (false when a needle set is missing). */
  private mayMatch(i: number, presence: Int32Array): boolean {
    const needs = this.needs[i];
    if (needs === undefined) return true;
    for (const set of needs) if (!meets(set, presence)) return false;
    return true;
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
   * `folded` is foldWidth(text) and `needles` needlesOf(folded), when the caller has them (see foldedTexts).
   */
  findAll(text: string, folded = foldWidth(text), needles?: Int32Array): readonly TextMatch[] {
    let found: TextMatch[] | undefined;
    if (this.automaton) {
      const hits = this.automaton.findAll(folded);
      if (hits.length > 0) {
        found = [];
        for (const hit of hits) found.push({ text: text.slice(hit.start, hit.start + hit.length), offset: hit.start });
      }
      // Automaton hits come ordered and without overlaps: nothing to merge when it is alone.
      if (this.expressions.length === 0) return found ?? NO_MATCHES;
    }
    let sources = found ? 1 : 0;
    const presence = this.presence(folded, needles);
    for (let i = 0; i < this.expressions.length; i++) {
      if (!this.mayMatch(i, presence)) continue;
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
        (found ??= []).push({ text: text.slice(m.index, m.index + m[0].length), offset: m.index });
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
  coverage(text: string, folded = foldWidth(text), needles?: Int32Array): (start: number, end: number) => boolean {
    // reach[i]: the furthest end of a match starting at or before i.
    const reach = new Array<number>(folded.length + 1).fill(-1);
    this.automaton?.forEach(folded, (at, length) => {
      reach[at] = Math.max(reach[at] ?? -1, at + length);
    });
    const presence = this.presence(folded, needles);
    for (let i = 0; i < this.expressions.length; i++) {
      if (!this.mayMatch(i, presence)) continue;
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
  test(text: string, folded = foldWidth(text), needles?: Int32Array): boolean {
    if (this.automaton?.test(folded)) return true;
    if (this.expressions.length === 0) return false;
    const presence = this.presence(folded, needles);
    for (let i = 0; i < this.expressions.length; i++) {
      if (!this.mayMatch(i, presence)) continue;
      const expression = this.expressions[i] as RegExp;
      expression.lastIndex = 0;
      if (expression.test(folded)) return true;
    }
    return false;
  }
}

/**
 * Each needle character's number, shared by all matchers: one pass over a message finds the needles of
 * every rule (see needlesOf). 0 for a character that is nobody's needle; past MAX_NEEDLE_INDEX characters
 * share the last number, which only costs a needless run.
 */
const NEEDLE_INDEX = new Uint16Array(65536);
const MAX_NEEDLE_INDEX = 1023;
let needleCount = 0;

/**
 * The needle characters a width-folded text holds: bit (n & 31) of word (n >> 5) for needle number n.
 * Made for the needles numbered so far (a matcher made later may number more: see foldedTexts).
 */
export function needlesOf(folded: string, into?: Int32Array): Int32Array {
  const words = (Math.min(needleCount, MAX_NEEDLE_INDEX) >> 5) + 1;
  const presence = into !== undefined && into.length >= words ? into.fill(0) : new Int32Array(words);
  for (let i = 0; i < folded.length; i++) {
    const n = NEEDLE_INDEX[folded.charCodeAt(i)] as number;
    if (n !== 0) presence[n >> 5] = (presence[n >> 5] as number) | (1 << (n & 31));
  }
  return presence;
}

/** Where a matcher called without the caller's needles finds them (one at a time: nothing here is re-entered). */
const scratch = new Int32Array((MAX_NEEDLE_INDEX >> 5) + 1);
const NO_NEEDLES = new Int32Array(0);

/** A needle set as pairs (word, bits) of its characters' numbers. */
function needleSetWords(needles: readonly string[]): Int32Array {
  const bitsByWord = new Map<number, number>();
  for (const needle of needles) {
    const n = needleIndex(needle.charCodeAt(0));
    bitsByWord.set(n >> 5, (bitsByWord.get(n >> 5) ?? 0) | (1 << (n & 31)));
  }
  return Int32Array.from([...bitsByWord].flat());
}

/** Whether a text holding the needles `presence` holds one of the set (a word past its end: not known, so yes). */
function meets(set: Int32Array, presence: Int32Array): boolean {
  for (let k = 0; k < set.length; k += 2) {
    const word = set[k] as number;
    if (word >= presence.length || ((presence[word] as number) & (set[k + 1] as number)) !== 0) return true;
  }
  return false;
}

function needleIndex(code: number): number {
  let index = NEEDLE_INDEX[code] as number;
  if (index === 0) {
    index = Math.min(++needleCount, MAX_NEEDLE_INDEX);
    NEEDLE_INDEX[code] = index;
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

/** The width-folded texts of one conversation's messages, each folded on first use. */
export interface FoldedTexts {
  /** foldWidth of message `index`'s text. */
  at(index: number): string;
  /** needlesOf its folded text, for the PhraseMatchers of every rule. */
  needlesAt(index: number): Int32Array;
}

// Rules run one after another over the same conversation: its messages are folded once, and searched for
// needles once, whatever the number of rules reading them (most agent texts hold a full-width comma or
// question mark, so folding copies). Each folded text is kept with the text it came from, so a conversation
// whose messages change between two checks (re-sorted, or more of them) never gets a stale one.
let lastMessages: readonly Message[] | undefined;
let lastFolded: FoldedTexts | undefined;

/** The folded texts of `conversation`, shared by every rule that checks it. */
export function foldedTexts(conversation: Conversation): FoldedTexts {
  const { messages } = conversation;
  if (messages === lastMessages && lastFolded) return lastFolded;
  const originals: Array<string | undefined> = [];
  const texts: string[] = [];
  const needles: Array<Int32Array | undefined> = [];
  // Needles numbered after some were found (a rule compiled since) make every presence found so far stale.
  let numbered = needleCount;
  const folded: FoldedTexts = {
    at(index) {
      const original = messages[index]?.text ?? '';
      if (originals[index] !== original) {
        originals[index] = original;
        texts[index] = foldWidth(original);
        needles[index] = undefined;
      }
      return texts[index] as string;
    },
    needlesAt(index) {
      const text = folded.at(index);
      if (numbered !== needleCount) {
        needles.length = 0;
        numbered = needleCount;
      }
      return (needles[index] ??= needlesOf(text));
    },
  };
  lastMessages = messages;
  lastFolded = folded;
  return folded;
}
