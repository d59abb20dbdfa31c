const CONTEXT = 30;
const MAX_PLAIN = 80;

/** The message text around a match (or its start), short enough for a table cell or a terminal line. */
export function excerpt(text: string, offset: number | null, length: number): string {
  if (offset === null) return text.length <= MAX_PLAIN ? text : `${text.slice(0, whole(text, MAX_PLAIN))}…`;
  const start = whole(text, Math.max(0, offset - CONTEXT));
  const end = whole(text, Math.min(text.length, offset + length + CONTEXT));
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

/** A cut at `at` moved back off the middle of a surrogate pair, so an excerpt never holds half a character (😀, 𠀀). */
function whole(text: string, at: number): number {
  const c = text.charCodeAt(at);
  return at > 0 && at < text.length && c >= 0xdc00 && c <= 0xdfff && /[\ud800-\udbff]/.test(text.charAt(at - 1)) ? at - 1 : at;
}
