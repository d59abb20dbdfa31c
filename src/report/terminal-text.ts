import stringWidth from 'string-width';

// ANSI/VT escape sequences (CSI, OSC, and two-character escapes), then any remaining control character.
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]|\u009b[0-?]*[ -/]*[@-~]/g;
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes chat text safe to print on a terminal: a hostile message cannot move the cursor, recolour or
 * retitle the screen, or reorder text with bidirectional overrides. Line breaks and tabs become visible marks.
 */
export function terminalSafe(text: string): string {
  return text.replace(ESCAPES, '').replace(/\r?\n|\r/g, ' ⏎ ').replace(/\t/g, ' ').replace(CONTROLS, '');
}

/**
 * The same for whole lines of output, at the boundary where text reaches a terminal: escape sequences
 * and control characters go, line breaks and tabs stay (they are the output's own layout).
 */
export function terminalLines(text: string): string {
  return text.replace(ESCAPES, '').replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
}

/**
 * Display width of text in a terminal, by string-width (Unicode's East Asian Width plus emoji
 * presentation, ZWJ sequences and flags as one wide cell, combining marks as none).
 */
export function displayWidth(text: string): number {
  return stringWidth(text);
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

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Latin words stay whole, each wide (CJK, emoji) character can end a line, spaces are break points. */
function tokens(runs: readonly StyledRun[]): Cell[][] {
  const out: Cell[][] = [];
  let word: Cell[] = [];
  const endWord = () => {
    if (word.length > 0) out.push(word);
    word = [];
  };
  for (const run of runs) {
    for (const { segment } of graphemes.segment(run.text)) {
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

/** Like terminalSafe, but line breaks are kept as `\n` (for text that is wrapped, not put on one line). */
export function terminalSafeKeepingLines(text: string): string {
  return text.split(/\r\n|\r|\n/).map(terminalSafe).join('\n');
}
