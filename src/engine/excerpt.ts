const CONTEXT = 30;
const MAX_PLAIN = 80;

/** The message text around a match (or its start), short enough for a table cell or a terminal line. */
export function excerpt(text: string, offset: number | null, length: number): string {
  if (offset === null) return text.length <= MAX_PLAIN ? text : `${text.slice(0, MAX_PLAIN)}…`;
  const start = Math.max(0, offset - CONTEXT);
  const end = Math.min(text.length, offset + length + CONTEXT);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}
