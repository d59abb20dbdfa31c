import { z } from 'zod';
import { once } from '../../model/once.js';
import type { Conversation, Message } from '../../model/message.js';
import { foldUnit, foldWidth } from '../../text/fold.js';
import { defineKind, type RawFinding } from '../kind.js';
import { commonRuleFields } from '../schema.js';

const schema = once(() =>
  z.strictObject({
    ...commonRuleFields(),
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
  }),
);
export type RepeatedMessageRule = z.infer<ReturnType<typeof schema>>;

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
  return scanNormal(text, false) !== NOT_NORMAL;
}

const NOT_NORMAL = -1;

/**
 * The key of a text's copies, read from the text as written (no folded copy): when its normalised form
 * is its width-folded form with ASCII capitals lower-cased (no other case, no whitespace to trim or
 * collapse), the FNV-1a hash (30 bits) of that form's units, as hashOf gives it. NOT_NORMAL for any other
 * text (normaliseMessage it, then hashOf).
 */
export function copyKey(text: string): number {
  return scanNormal(text, true);
}

/** isNormal of the width-folded text, ASCII capitals allowed (read as lower case) when `capitals`; the hash as copyKey. */
function scanNormal(text: string, capitals: boolean): number {
  const last = text.length - 1;
  let hash = FNV_OFFSET;
  for (let i = 0; i <= last; i++) {
    let c = text.charCodeAt(i);
    // CJK ideographs and punctuation, most of an agent's text: kept by folding, without case, not whitespace.
    if (c >= 0x3001 && c <= 0x9fff) {
      hash = Math.imul(hash ^ c, FNV_PRIME);
      continue;
    }
    c = foldUnit(c);
    if (c < 0x80) {
      if (c >= 0x41 && c <= 0x5a) {
        if (!capitals) return NOT_NORMAL;
        c += 0x20;
      } else if (c <= 0x20 && (c !== 0x20 || i === 0 || i === last || foldUnit(text.charCodeAt(i + 1)) === 0x20)) return NOT_NORMAL;
    } else if (c >= 0xd83c && c <= 0xd83e) {
      // An emoji (U+1F000–U+1FBFF): a high surrogate and its low one.
      const low = text.charCodeAt(i + 1);
      if (!(low >= 0xdc00 && low <= 0xdfff)) return NOT_NORMAL;
      hash = Math.imul(hash ^ c, FNV_PRIME);
      c = low;
      i++;
    } else if (!isCaselessNonSpace(c)) return NOT_NORMAL;
    hash = Math.imul(hash ^ c, FNV_PRIME);
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

/** The unit `c` is in a normalised text when copyKey reads it (width-folded, ASCII lower case). */
const keyUnit = (c: number): number => {
  const folded = foldUnit(c);
  return folded >= 0x41 && folded <= 0x5a ? folded + 0x20 : folded;
};

/** Whether two texts normalise alike, each normalised already or as written with a copyKey. */
function sameNormalised(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (keyUnit(a.charCodeAt(i)) !== keyUnit(b.charCodeAt(i))) return false;
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
    // The copies of the conversation being checked, in arrays kept from one conversation to the next (one is
    // checked at a time), so checking one makes no maps and no objects: per copy (one normalised text an
    // agent sent) its agent, its text (that text, or a text as written it stands for: see copyKey), its count, and the next copy of the same key; per slot of an open-addressing table, a key and its
    // first copy, valid when stamped with the conversation's turn (so the table is never cleared).
    const agents: string[] = [];
    const texts: string[] = [];
    let counts = new Int32Array(64);
    let nexts = new Int32Array(64);
    let slotKeys = new Int32Array(128);
    let slotCopies = new Int32Array(128);
    let slotTurns = new Int32Array(128);
    let turn = 0;
    // Each agent's last copy.
    const previous = new Map<string, number>();
    return (conversation: Conversation): RawFinding[] => {
      const findings: RawFinding[] = [];
      const { messages } = conversation;
      if (messages.length > counts.length) {
        counts = new Int32Array(2 * messages.length);
        nexts = new Int32Array(2 * messages.length);
      }
      // At most half the slots in use: a miss ends at an empty slot soon.
      if (2 * messages.length > slotKeys.length) {
        let size = slotKeys.length;
        while (size < 2 * messages.length) size *= 2;
        slotKeys = new Int32Array(size);
        slotCopies = new Int32Array(size);
        slotTurns = new Int32Array(size);
        turn = 0;
      }
      if (turn === 0x7fffffff) {
        slotTurns.fill(0);
        turn = 0;
      }
      turn++;
      const mask = slotKeys.length - 1;
      let copies = 0;
      for (let index = 0; index < messages.length; index++) {
        const message = messages[index] as Message;
        if (message.role !== rule.role) continue;
        // Most agent texts normalise unit by unit: keyed as written, never copied.
        let text = message.text;
        let key = copyKey(text);
        if (key === NOT_NORMAL) {
          text = normaliseMessage(text);
          key = hashOf(text);
        }
        if (shorterThan(text, rule.minLength)) continue;
        const agent = message.agentId ?? '';
        let slot = key & mask;
        while (slotTurns[slot] === turn && slotKeys[slot] !== key) slot = (slot + 1) & mask;
        const first = slotTurns[slot] === turn ? (slotCopies[slot] as number) : -1;
        let copy = first;
        while (copy >= 0 && (agents[copy] !== agent || !sameNormalised(texts[copy] as string, text))) copy = nexts[copy] as number;
        if (copy < 0) {
          copy = copies++;
          agents[copy] = agent;
          texts[copy] = text;
          counts[copy] = 0;
          nexts[copy] = first;
          slotTurns[slot] = turn;
          slotKeys[slot] = key;
          slotCopies[slot] = copy;
        }
        const count = ++(counts[copy] as number);
        if (previous.get(agent) === copy || count > rule.max) {
          const trimmed = message.text.trim();
          findings.push({ messageIndex: index, match: trimmed, offset: message.text.indexOf(trimmed), data: { count, max: rule.max } });
        }
        previous.set(agent, copy);
      }
      // Nothing of this conversation is held past its check.
      for (let copy = 0; copy < copies; copy++) {
        agents[copy] = '';
        texts[copy] = '';
      }
      previous.clear();
      return findings;
    };
  },
});
