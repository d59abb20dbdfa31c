/** A display name compared loosely: width-folded (NFKC), white space collapsed, trimmed, lower case. */
export function normalizeName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}
