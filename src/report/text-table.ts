import { displayWidth, padEnd, padStart } from './terminal-text.js';

/** Rows as aligned text columns (two spaces apart), measured in terminal cells so CJK lines up. */
export function textTable(rows: string[][], alignRight: boolean[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
  return rows.map((r) => r.map((cell, i) => (alignRight[i] ? padStart(cell, widths[i] ?? 0) : padEnd(cell, widths[i] ?? 0))).join('  ').trimEnd());
}
