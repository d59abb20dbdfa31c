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

/** Display width of text in a terminal: East Asian wide characters take two columns. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    width +=
      (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) || (c >= 0x20000 && c <= 0x3fffd)
        ? 2
        : 1;
  }
  return width;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}
