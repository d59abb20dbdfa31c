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

/** Like terminalSafe, but line breaks are kept as `\n` (for text that is wrapped, not put on one line). */
export function terminalSafeKeepingLines(text: string): string {
  return text.split(/\r\n|\r|\n/).map(terminalSafe).join('\n');
}
