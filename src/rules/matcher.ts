import { foldPatternSource, foldWidth, literalSource } from '../text/fold.js';

export interface TextMatch {
  text: string;
  offset: number;
}

/**
 * Finds every occurrence of literal phrases and user patterns in width-folded text.
 * Literal phrases share one alternation (longest first, so "真是的" wins over a shorter overlap);
 * user patterns run one by one, since combining them would renumber their backreferences.
 */
export class PhraseMatcher {
  private readonly expressions: RegExp[];

  constructor(phrases: readonly string[], patterns: readonly string[], ignoreCase: boolean) {
    const flags = ignoreCase ? 'giu' : 'gu';
    this.expressions = [];
    const literals = [...new Set(phrases.filter((p) => p.length > 0))].sort((a, b) => b.length - a.length);
    if (literals.length > 0) this.expressions.push(new RegExp(literals.map(literalSource).join('|'), flags));
    for (const pattern of patterns) this.expressions.push(new RegExp(foldPatternSource(pattern), flags));
  }

  get isEmpty(): boolean {
    return this.expressions.length === 0;
  }

  /** All matches in `text`, ordered by offset; an occurrence found by two expressions is reported once. */
  findAll(text: string): TextMatch[] {
    const folded = foldWidth(text);
    const found: TextMatch[] = [];
    const seen = new Set<string>();
    for (const expression of this.expressions) {
      expression.lastIndex = 0;
      for (let m = expression.exec(folded); m !== null; m = expression.exec(folded)) {
        if (m[0].length === 0) {
          expression.lastIndex++;
          continue;
        }
        const key = `${m.index}:${m[0].length}`;
        if (seen.has(key)) continue;
        seen.add(key);
        // Report the text as the agent wrote it, not the folded form.
        found.push({ text: text.slice(m.index, m.index + m[0].length), offset: m.index });
      }
    }
    return found.sort((a, b) => a.offset - b.offset);
  }

  /** True when any expression matches somewhere in `text`. */
  test(text: string): boolean {
    const folded = foldWidth(text);
    return this.expressions.some((e) => {
      e.lastIndex = 0;
      return e.test(folded);
    });
  }
}
