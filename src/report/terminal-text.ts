import stringWidth from 'string-width';

// The escaping lives apart from the widths, so commands that only escape do not load string-width at start-up.
export { terminalLines, terminalSafe, terminalSafeKeepingLines } from './terminal-safe.js';

/**
 * Display width of text in a terminal, by string-width (Unicode's East Asian Width plus emoji
 * presentation, ZWJ sequences and flags as one wide cell, combining marks as none).
 */
export function displayWidth(text: string): number {
  const simple = simpleWidth(text);
  return simple >= 0 ? simple : stringWidth(text);
}

/**
 * The width of text made only of printable ASCII, the middle dot and the multiplication sign of our own
 * labels, and general punctuation (quotes, dashes, "…"; one column each), and of CJK ideographs, CJK
 * punctuation and full-width forms (two each; none of them combining or emoji), else -1. Names and labels of a
 * Chinese report are such text, and string-width's first call on it compiles its emoji expressions (~30 ms of
 * a small pretty run; the pack's messages quote matches in “ ”, an audit's headings hold "·"); the result is
 * string-width's (tests/report/display-width.test.ts).
 */
function simpleWidth(text: string): number {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const columns = simpleColumns(text.charCodeAt(i));
    if (columns < 0) return -1;
    width += columns;
  }
  return width;
}

/** The columns of a character simpleWidth counts itself, else -1. */
function simpleColumns(c: number): number {
  if ((c >= 0x20 && c <= 0x7e) || c === 0xb7 || c === 0xd7 || (c >= 0x2010 && c <= 0x2027)) return 1;
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3001 && c <= 0x3029) || (c >= 0xff01 && c <= 0xff60)) return 2;
  return -1;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

/** A piece of text and whether it is highlighted (a rule's match). */
export interface StyledRun {
  text: string;
  mark: boolean;
  /** How to colour this run (a chalk style), kept through wrapping. */
  paint?: (text: string) => string;
}

interface Cell {
  grapheme: string;
  width: number;
  mark: boolean;
  paint?: (text: string) => string;
}

// Made on first use: ~3 ms of start-up (ICU's break rules) that a JSON or CSV report never needs.
let segmenter: Intl.Segmenter | undefined;
const graphemes = () => (segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' }));

/**
 * A text's grapheme clusters. Text of characters simpleWidth counts and line feeds is its characters one by
 * one (none of them joins a neighbour), without ICU: making the segmenter was ~10 ms of an audit.
 */
export function* clusters(text: string): Generator<string> {
  let plain = true;
  for (let i = 0; i < text.length && plain; i++) {
    const c = text.charCodeAt(i);
    plain = c === 0x0a || simpleColumns(c) > 0;
  }
  if (plain) yield* text;
  else for (const { segment } of graphemes().segment(text)) yield segment;
}

/** Latin words stay whole, each wide (CJK, emoji) character can end a line, spaces are break points. */
function tokens(runs: readonly StyledRun[]): Cell[][] {
  const out: Cell[][] = [];
  let word: Cell[] = [];
  const endWord = () => {
    if (word.length > 0) out.push(word);
    word = [];
  };
  for (const run of runs) {
    for (const segment of clusters(run.text)) {
      const cell: Cell = { grapheme: segment, width: segment === '\n' ? 0 : displayWidth(segment), mark: run.mark, paint: run.paint };
      if (segment === '\n' || segment === ' ' || cell.width > 1) {
        endWord();
        out.push([cell]);
      } else {
        word.push(cell);
      }
    }
  }
  endWord();
  return out;
}

/**
 * Wraps styled text to `width` terminal columns (measured with string-width, so CJK and emoji count two).
 * `\n` in the text breaks the line; a word longer than a line is cut between graphemes.
 */
export function wrapStyled(runs: readonly StyledRun[], width: number): StyledRun[][] {
  const limit = Math.max(1, width);
  const lines: Cell[][] = [];
  let line: Cell[] = [];
  let used = 0;
  const newLine = () => {
    while (line.length > 0 && line[line.length - 1]?.grapheme === ' ') line.pop();
    lines.push(line);
    line = [];
    used = 0;
  };
  for (const token of tokens(runs)) {
    const first = token[0] as Cell;
    if (first.grapheme === '\n') {
      newLine();
      continue;
    }
    if (first.grapheme === ' ') {
      if (used === 0 && lines.length > 0) continue; // no leading space on a wrapped line
      if (used + 1 > limit) newLine();
      else {
        line.push(first);
        used += 1;
      }
      continue;
    }
    const tokenWidth = token.reduce((sum, cell) => sum + cell.width, 0);
    if (used + tokenWidth > limit && used > 0 && tokenWidth <= limit) newLine();
    for (const cell of token) {
      if (used + cell.width > limit && used > 0) newLine();
      line.push(cell);
      used += cell.width;
    }
  }
  newLine();
  return lines.map((cells) => {
    const merged: StyledRun[] = [];
    for (const cell of cells) {
      const last = merged[merged.length - 1];
      if (last && last.mark === cell.mark && last.paint === cell.paint) last.text += cell.grapheme;
      else merged.push(cell.paint ? { text: cell.grapheme, mark: cell.mark, paint: cell.paint } : { text: cell.grapheme, mark: cell.mark });
    }
    return merged;
  });
}
