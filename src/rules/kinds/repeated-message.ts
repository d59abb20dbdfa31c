import { z } from 'zod';
import type { Conversation, Message } from '../../model/message.js';
import { foldUnit, foldWidth } from '../../text/fold.js';
import { defineKind, type RawFinding } from '../kind.js';
import { commonRuleFields } from '../schema.js';

const schema = z.strictObject({
  ...commonRuleFields,
  kind: z.literal('repeated-message'),
  minLength: z
    .number()
    .int()
    .min(1)
    .default(4)
    .describe('Messages shorter than this many characters after normalising ("好的", "嗯嗯") are ignored entirely.'),
  max: z
    .number()
    .int()
    .min(1)
    .default(2)
    .describe(
      'How many times one agent may send the same text in a conversation (not counting a repeat in a row, which is always a finding).',
    ),
});
export type RepeatedMessageRule = z.infer<typeof schema>;

/** Trimmed, whitespace collapsed, width-folded and case-folded: the text an agent copy-pasted. */
export function normaliseMessage(text: string, folded = foldWidth(text)): string {
  // Most agent texts (CJK, punctuation, lower-case Latin, single spaces) are already normal: no copies.
  if (isNormal(folded)) return folded;
  return folded.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Whether trimming, collapsing whitespace and lower-casing leave `text` as it is: it holds only characters
 * without case that are not whitespace (ASCII other than capitals and controls; CJK, kana, Hangul,
 * general punctuation, half- and full-width forms other than capitals; emoji), with a space only alone
 * and between two such characters. Anything else is left to the full normalisation.
 */
export function isNormal(text: string): boolean {
  return normalHash(text) !== NOT_NORMAL;
}

const NOT_NORMAL = -1;

/**
 * For a text whose width-folded form is normal (see isNormal), the FNV-1a hash (30 bits) of the folded form's units
 * (as hashOf gives it), read from the text as written: no folded copy. NOT_NORMAL for any other text.
 */
export function normalHash(text: string): number {
  const last = text.length - 1;
  let hash = FNV_OFFSET;
  for (let i = 0; i <= last; i++) {
    const c = foldUnit(text.charCodeAt(i));
    hash = Math.imul(hash ^ c, FNV_PRIME);
    if (c < 0x80) {
      if (c > 0x20 ? c >= 0x41 && c <= 0x5a : c !== 0x20 || i === 0 || i === last || foldUnit(text.charCodeAt(i + 1)) === 0x20) return NOT_NORMAL;
    } else if (c >= 0xd83c && c <= 0xd83e) {
      // An emoji (U+1F000–U+1FBFF): a high surrogate and its low one.
      const low = text.charCodeAt(i + 1);
      if (!(low >= 0xdc00 && low <= 0xdfff)) return NOT_NORMAL;
      hash = Math.imul(hash ^ low, FNV_PRIME);
      i++;
    } else if (!isCaselessNonSpace(c)) return NOT_NORMAL;
  }
  return hash & SMALL;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Hashes are cut to 30 bits: a small integer keys a Map without a boxed number. */
const SMALL = 0x3fffffff;

/** The FNV-1a hash (30 bits) of a text's UTF-16 units (of a normalised text, the key of its copies). */
export function hashOf(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash & SMALL;
}

/**
 * One normalised text an agent sent: `text` is that text itself, or a text as written whose width-folded
 * form it is (then `normalHash` of it is the key); `count` how often the agent sent it.
 */
interface Copy {
  text: string;
  count: number;
  /** Another text whose key is the same (a hash collision). */
  next: Copy | undefined;
}

/** Whether two texts are the same once width-folded (one normalised, or either as written with a normal fold). */
function sameFolded(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (foldUnit(a.charCodeAt(i)) !== foldUnit(b.charCodeAt(i))) return false;
  return true;
}

/** Non-ASCII UTF-16 units that are neither whitespace nor have a lower-case form (checked exhaustively by a test). */
export function isCaselessNonSpace(c: number): boolean {
  return (
    (c >= 0x3001 && c <= 0x9fff) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xff00 && c <= 0xffef && !(c >= 0xff21 && c <= 0xff3a)) ||
    (c >= 0x2010 && c <= 0x2027) ||
    (c >= 0x2030 && c <= 0x205e)
  );
}

/** Whether `text` has fewer than `count` characters (code points), without spreading it into an array. */
function shorterThan(text: string, count: number): boolean {
  if (text.length < count) return true;
  let characters = 0;
  for (let i = 0; i < text.length && characters < count; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    characters++;
  }
  return characters < count;
}

export const repeatedMessage = defineKind<RepeatedMessageRule>({
  kind: 'repeated-message',
  summary:
    'The same agent sends the same text (trimmed, whitespace collapsed, width- and case-folded) twice in a row among their own messages, or more than `max` times in a conversation: each repeat beyond that allowance is one finding, with the text as {match} and its occurrence as {count}. Messages shorter than minLength characters are ignored (also for "in a row"); different agents never repeat each other.',
  placeholders: ['count', 'max'],
  defaultMessage: 'Same message sent again ({count}×): "{match}"',
  schema,
  compile(rule) {
    return (conversation: Conversation): RawFinding[] => {
      const findings: RawFinding[] = [];
      // Per agent, each normalised text by its hash, and the last one sent.
      const perAgent = new Map<string, { previous: Copy | null; copies: Map<number, Copy> }>();
      const { messages } = conversation;
      for (let index = 0; index < messages.length; index++) {
        const message = messages[index] as Message;
        if (message.role !== rule.role) continue;
        // Most agent texts fold to a normal text: keyed by the folded form's hash, never copied.
        let text = message.text;
        let hash = normalHash(text);
        if (hash === NOT_NORMAL) {
          text = normaliseMessage(text);
          hash = hashOf(text);
        }
        if (shorterThan(text, rule.minLength)) continue;
        const agent = message.agentId ?? '';
        let state = perAgent.get(agent);
        if (!state) perAgent.set(agent, (state = { previous: null, copies: new Map() }));
        const first = state.copies.get(hash);
        let copy = first;
        while (copy !== undefined && !sameFolded(copy.text, text)) copy = copy.next;
        if (copy === undefined) {
          copy = { text, count: 0, next: first };
          state.copies.set(hash, copy);
        }
        const count = ++copy.count;
        if (state.previous === copy || count > rule.max) {
          const trimmed = message.text.trim();
          findings.push({ messageIndex: index, match: trimmed, offset: message.text.indexOf(trimmed), data: { count, max: rule.max } });
        }
        state.previous = copy;
      }
      return findings;
    };
  },
});
