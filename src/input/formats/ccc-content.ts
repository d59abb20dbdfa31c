/** Message content as the Chinese contact-centre APIs store it: plain text, or JSON text holding the text. */
import { htmlToText, isObject, looksLikeHtml, nonEmpty, str } from './shared.js';

const TEXT_KEYS = ['text', 'Text', 'content', 'Content', 'msg', 'message', 'title'];

/**
 * The readable text of a `Content` value: JSON text like `{"text":"<p>好的</p>","contentType":"Text"}` yields
 * its `text` (HTML removed); other JSON content (images, cards) yields `[<contentType>]`; plain text stays.
 */
export function contentText(value: unknown): { text: string; contentType?: string } {
  const raw = str(value);
  if (raw === undefined) return { text: '' };
  const trimmed = raw.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (isObject(parsed)) {
        const contentType = nonEmpty(parsed['contentType']) ?? nonEmpty(parsed['ContentType']) ?? nonEmpty(parsed['type']) ?? nonEmpty(parsed['Type']);
        for (const key of TEXT_KEYS) {
          const text = str(parsed[key]);
          if (text !== undefined) return { text: cleanText(text), ...(contentType ? { contentType } : {}) };
        }
        return { text: contentType ? `[${contentType}]` : '', ...(contentType ? { contentType } : {}) };
      }
    } catch {
      // not JSON after all: plain text that happens to start with "{"
    }
  }
  return { text: cleanText(raw) };
}

function cleanText(text: string): string {
  return looksLikeHtml(text) ? htmlToText(text) : text;
}
