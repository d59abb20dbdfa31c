import { z } from 'zod';
import { foldPatternSource, foldWidth, literalSource } from '../text/fold.js';
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
 * since combining them would renumber their backreferences.
 */
export class PhraseMatcher {
  private readonly automaton: PhraseAutomaton | undefined;
  private readonly expressions: RegExp[];

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
  }

  /** A matcher for a phrase set (see phraseSetSchema). */
  static of(set: PhraseSet, ignoreCase: boolean): PhraseMatcher {
    return new PhraseMatcher(set.phrases, set.patterns, ignoreCase);
  }

  get isEmpty(): boolean {
    return this.automaton === undefined && this.expressions.length === 0;
  }

  /** All matches in `text`, ordered by offset; an occurrence found by two expressions is reported once. */
  findAll(text: string): TextMatch[] {
    const folded = foldedText(text);
    const found: TextMatch[] = [];
    if (this.automaton) {
      for (const hit of this.automaton.findAll(folded)) found.push({ text: text.slice(hit.start, hit.start + hit.length), offset: hit.start });
      // Automaton hits come ordered and without overlaps: nothing to merge when it is alone.
      if (this.expressions.length === 0) return found;
    }
    // One expression alone finds each occurrence once, in offset order: nothing to merge or sort.
    const alone = found.length === 0 && this.expressions.length === 1;
    const seen = alone ? undefined : new Set<string>(found.map((f) => `${f.offset}:${f.text.length}`));
    for (const expression of this.expressions) {
      expression.lastIndex = 0;
      for (let m = expression.exec(folded); m !== null; m = expression.exec(folded)) {
        if (m[0].length === 0) {
          expression.lastIndex++;
          continue;
        }
        if (seen) {
          const key = `${m.index}:${m[0].length}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        // Report the text as the agent wrote it, not the folded form.
        found.push({ text: text.slice(m.index, m.index + m[0].length), offset: m.index });
      }
    }
    return alone ? found : found.sort((a, b) => a.offset - b.offset);
  }

  /**
   * A test for whether some match in `text` contains the span [start, end). Unlike findAll, overlapping
   * matches count: every position where an expression matches is tried, so an exception "你们" covers the
   * "你" of "好你们" even when another exception "好你" matched just before it. One pass over the text.
   */
  coverage(text: string): (start: number, end: number) => boolean {
    const folded = foldedText(text);
    // reach[i]: the furthest end of a match starting at or before i.
    const reach = new Array<number>(folded.length + 1).fill(-1);
    this.automaton?.forEach(folded, (at, length) => {
      reach[at] = Math.max(reach[at] ?? -1, at + length);
    });
    for (const expression of this.expressions) {
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
  test(text: string): boolean {
    const folded = foldedText(text);
    if (this.automaton?.test(folded)) return true;
    return this.expressions.some((e) => {
      e.lastIndex = 0;
      return e.test(folded);
    });
  }
}

// Rules run one after another over the same conversation, so a message is folded once and the folded
// form shared by every matcher (a small cache, emptied as it fills: conversations are short).
const foldCache = new Map<string, string>();
function foldedText(text: string): string {
  let folded = foldCache.get(text);
  if (folded === undefined) {
    folded = foldWidth(text);
    if (foldCache.size >= 4096) foldCache.clear();
    foldCache.set(text, folded);
  }
  return folded;
}
