import { excerpt } from './excerpt.js';
import type { Conversation, SkippedRecord } from '../model/message.js';
import type { Finding } from '../model/report.js';
import { foldForRecognition } from '../text/fold.js';

/**
 * `--redact`: personal data in the text a report quotes (excerpts, matches, rendered messages, skip
 * reasons) is masked before any format sees it. What is masked, and how each kind is recognised:
 *
 * | kind | recognised | example |
 * |---|---|---|
 * | e-mail address | local part @ domain with a dot | zhang.san@example.com |
 * | Chinese resident ID number | 18 characters, a plausible birth date, and the ISO 7064 MOD 11-2 check character | 11010519491231002X |
 * | bank card number | 13–19 digits, optionally grouped by spaces or hyphens, passing the Luhn check | 6222 0212 3456 7897 |
 * | Chinese mobile number | 1[3-9] and 9 more digits, optionally +86/0086 and 3-4-4 grouping | 138-1234-5678, +86 13812345678 |
 * | international phone number | + or 00, then 8–15 digits (E.164), optionally grouped by spaces, dots, hyphens, parentheses | +44 20 7946 0958 |
 *
 * Every letter and digit of a match becomes `*`; separators (space, - . @ ( ) +) stay, so a reader can
 * still tell a phone number from an e-mail address and every offset in the report stays true.
 * Not masked: names, street addresses, landline numbers written without a country code, ids that
 * exports use as conversation or agent ids, and file paths.
 */
export const REDACTED_KINDS = ['e-mail address', 'Chinese resident ID number', 'bank card number', 'Chinese mobile number', 'international phone number'] as const;

interface Detector {
  kind: (typeof REDACTED_KINDS)[number];
  pattern: RegExp;
  accept(match: string): boolean;
}

const digitsOf = (text: string) => text.replace(/\D/g, '');

/** ISO 7064 MOD 11-2, the check character of an 18-character Chinese resident ID number. */
export function validResidentId(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * (weights[i] as number);
  return '10X98765432'[sum % 11] === (id[17] as string).toUpperCase();
}

/** The Luhn check bank card numbers carry in their last digit. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// Every quantifier below is bounded or consumes one character per step, so none can backtrack badly
// (tests/hostile/redact.test.ts runs them through the rule-pattern safety check).
const DETECTORS: Detector[] = [
  {
    kind: 'e-mail address',
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
    accept: () => true,
  },
  {
    kind: 'Chinese resident ID number',
    pattern: /(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g,
    accept: validResidentId,
  },
  {
    kind: 'bank card number',
    pattern: /(?<![0-9])\d(?:[ -]?\d){12,18}(?![0-9])/g,
    accept: (match) => passesLuhn(digitsOf(match)),
  },
  {
    kind: 'Chinese mobile number',
    pattern: /(?<![0-9])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9])/g,
    accept: () => true,
  },
  {
    kind: 'international phone number',
    pattern: /(?<![0-9A-Za-z+])(?:\+|00)[1-9](?:[ ().-]{0,2}\d){6,16}(?![0-9])/g,
    accept: (match) => {
      const digits = digitsOf(match.startsWith('00') ? match.slice(2) : match).length;
      return digits >= 8 && digits <= 15;
    },
  },
];

const KEEP = /[ \-.@()+]/;

function mask(text: string): string {
  let out = '';
  for (const ch of text) out += KEEP.test(ch) ? ch : '*'.repeat(ch.length);
  return out;
}

/**
 * The text with every recognised piece of personal data masked; the length (in UTF-16 units) is
 * unchanged. Recognition runs on the folded text (foldForRecognition: full-width and other Unicode
 * digits, full-width @ and dots, every kind of dash and space), so "１３８－１２３４－５６７８" and "١٣٨…"
 * are caught like "138-1234-5678"; the characters masked are the original ones behind each match.
 */
export function redactText(text: string): string {
  const { folded, start } = foldForRecognition(text);
  const masked = new Uint8Array(folded.length);
  let work = folded;
  for (const detector of DETECTORS) {
    detector.pattern.lastIndex = 0;
    work = work.replace(detector.pattern, (match: string, offset: number) => {
      if (!detector.accept(match)) return match;
      for (let k = 0; k < match.length; k++) if (!KEEP.test(match.charAt(k))) masked[offset + k] = 1;
      return mask(match);
    });
  }
  if (!masked.includes(1)) return text;
  let out = '';
  for (let i = 0; i < folded.length; ) {
    let j = i + 1;
    while (j < folded.length && start[j] === start[i]) j++;
    const original = text.slice(start[i], start[j]);
    out += masked.subarray(i, j).includes(1) ? '*'.repeat(original.length) : original;
    i = j;
  }
  return out;
}

/**
 * Masks the findings of one conversation: the excerpt is cut again from the masked message text, so a
 * number that the excerpt's edge cuts in half is still recognised whole.
 */
export function redactFindings(conversation: Conversation, findings: Finding[]): void {
  const masked = new Map<number, string>();
  for (const finding of findings) {
    const message = conversation.messages[finding.messageIndex];
    if (!message) {
      finding.excerpt = redactText(finding.excerpt);
      if (finding.match !== null) finding.match = redactText(finding.match);
      finding.message = redactText(finding.message);
      continue;
    }
    let text = masked.get(finding.messageIndex);
    if (text === undefined) {
      text = redactText(message.text);
      masked.set(finding.messageIndex, text);
    }
    const original = finding.match;
    const length = original?.length ?? 0;
    finding.excerpt = excerpt(text, finding.offset, length);
    let maskedMatch = original;
    if (original !== null) {
      maskedMatch =
        finding.offset !== null && message.text.slice(finding.offset, finding.offset + length) === original
          ? text.slice(finding.offset, finding.offset + length)
          : redactText(original);
      finding.match = maskedMatch;
    }
    let rendered = finding.message;
    if (original && maskedMatch !== null && original !== maskedMatch) rendered = rendered.split(original).join(maskedMatch);
    finding.message = redactText(rendered);
  }
}

/** A skip reason can quote what it could not read (a bad timestamp, a stray string): mask it too. */
export function redactSkip(skip: SkippedRecord): SkippedRecord {
  return { ...skip, reason: redactText(skip.reason) };
}
