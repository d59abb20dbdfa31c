/**
 * Finding concrete durations ("2分钟", "两分半钟", "1分30秒", "half a minute", "2-3 minutes") in a message,
 * for rules that check a promised wait. Only concrete amounts count: "几分钟", "a few minutes", "十来分钟"
 * and "one sec" (an idiom for "a moment") are not durations.
 */
import { foldWidth } from './fold.js';

const CN_DIGITS: Record<string, number> = {
  零: 0, 〇: 0,
  一: 1, 壹: 1,
  二: 2, 贰: 2, 两: 2,
  三: 3, 叁: 3,
  四: 4, 肆: 4,
  五: 5, 伍: 5,
  六: 6, 陆: 6,
  七: 7, 柒: 7,
  八: 8, 捌: 8,
  九: 9, 玖: 9,
};
const CN_TEN = new Set(['十', '拾']);
const CN_NUMERAL_CHARS = '零〇一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾';

/**
 * The value of a Chinese numeral from 零 to 九十九: 一…九, 两 (= 二), 十, 十五, 二十, 二十五, 九十九, and the
 * financial forms 壹…玖 拾. Returns null for anything else ("一二", "十十", "一百", "").
 */
export function parseChineseNumeral(text: string): number | null {
  const chars = [...text];
  const digit = (c: string | undefined): number | undefined => (c === undefined ? undefined : CN_DIGITS[c]);
  if (chars.length === 1) {
    const only = chars[0] as string;
    if (CN_TEN.has(only)) return 10;
    return digit(only) ?? null;
  }
  const tenAt = chars.findIndex((c) => CN_TEN.has(c));
  if (tenAt === -1 || tenAt > 1 || chars.length > 3) return null;
  // 十X / X十 / X十Y
  let tens = 1;
  if (tenAt === 1) {
    const t = digit(chars[0]);
    if (t === undefined || t === 0) return null;
    tens = t;
  }
  const rest = chars.slice(tenAt + 1);
  if (rest.length === 0) return tens * 10;
  if (rest.length > 1) return null;
  const units = digit(rest[0]);
  if (units === undefined || units === 0) return null;
  return tens * 10 + units;
}

/**
 * Two adjacent Chinese digits meaning "about this or that": 一两 (1–2), 两三 (2–3), 三五 (3–5).
 * Returns the upper bound, or null when the text is not such a pair.
 */
export function parseChineseApproximate(text: string): number | null {
  const chars = [...text];
  if (chars.length !== 2) return null;
  const a = CN_DIGITS[chars[0] as string];
  const b = CN_DIGITS[chars[1] as string];
  if (a === undefined || b === undefined || a === 0 || b <= a) return null;
  return b;
}

/** A number written with digits, a Chinese numeral or an approximate pair (upper bound); null if none. */
function chineseOrDigits(text: string): number | null {
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  return parseChineseNumeral(text) ?? parseChineseApproximate(text);
}

const EN_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  fifteen: 15, twenty: 20, thirty: 30,
};

function englishNumber(text: string): number | null {
  const t = text.toLowerCase().replace(/\s+/g, ' ');
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
  if (/^(?:a )?couple(?: of)?$/.test(t)) return 2;
  return EN_WORDS[t] ?? null;
}

const UNIT_SECONDS: Record<string, number> = {
  小时: 3600, 钟头: 3600, 刻钟: 900, 分钟: 60, 分: 60, 秒钟: 1, 秒: 1,
  hour: 3600, hr: 3600, minute: 60, min: 60, second: 1, sec: 1, s: 1,
};

function unitSeconds(unit: string): number {
  const u = unit.toLowerCase();
  return UNIT_SECONDS[u] ?? UNIT_SECONDS[u.replace(/s$/, '')] ?? 0;
}

const CN_NUMBER = `(?:\\d{1,5}(?:\\.\\d{1,3})?|[${CN_NUMERAL_CHARS}]{1,4})`;
/**
 * One Chinese component: a number (optionally a range "2-3" / "两到三", optionally "个", "半" for "一个半"),
 * or "半个?", then a unit, then an optional trailing "半" ("一分半", "两分半钟").
 */
const CN_COMPONENT = new RegExp(
  `(?<![\\d.${CN_NUMERAL_CHARS}])` +
    `(?:(?<n1>${CN_NUMBER})(?:\\s*(?:-|~|–|—|到|至|或)\\s*(?<n2>${CN_NUMBER}))?\\s*个?\\s*(?<halfBefore>半)?|(?<halfOnly>半)\\s*个?)` +
    `\\s*(?<unit>小时|钟头|刻钟|分钟|分|秒钟|秒)(?:(?<halfAfter>半)钟?)?`,
  'gu',
);

const EN_NUMBER = `(?:\\d{1,5}(?:\\.\\d{1,3})?|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty|a\\s+couple(?:\\s+of)?|couple\\s+of|an?)`;
const EN_UNIT = `(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)`;
/**
 * One English component: "2 minutes", "1-2 minutes", "one or two minutes", "one and a half minutes",
 * "a minute and a half", "a minute or two", "half a minute", "half an hour", "30s" (digits only).
 */
const EN_COMPONENT = new RegExp(
  `(?<![A-Za-z0-9.])(?:` +
    `(?<half>half)\\s+(?:an?\\s+)?(?<halfUnit>hour|minute)` +
    `|(?<n1>${EN_NUMBER})(?:\\s*(?:-|~|–|—|\\bto\\b|\\bor\\b)\\s*(?<n2>${EN_NUMBER}))?(?<andHalf>\\s+and\\s+a\\s+half)?\\s+(?<unit>${EN_UNIT})` +
    `|(?<digits>\\d{1,5}(?:\\.\\d{1,3})?)(?:\\s*(?:-|~|–|—)\\s*(?<digits2>\\d{1,5}(?:\\.\\d{1,3})?))?\\s*(?<digitUnit>${EN_UNIT}|s)` +
    `)(?:(?<andHalfAfter>\\s+and\\s+a\\s+half)|\\s+or\\s+(?<orUpper>two|three|four|five|ten|\\d+))?(?![A-Za-z])`,
  'giu',
);

interface Component {
  seconds: number;
  unit: number;
  start: number;
  end: number;
  /** A bare "分" ("十分" is "very", "三分之一" a third): a duration only next to another component or with 半. */
  bareFen: boolean;
}

function chineseComponents(folded: string): Component[] {
  const out: Component[] = [];
  CN_COMPONENT.lastIndex = 0;
  for (let m = CN_COMPONENT.exec(folded); m !== null; m = CN_COMPONENT.exec(folded)) {
    const g = m.groups ?? {};
    const unit = unitSeconds(g.unit ?? '');
    let amount: number | null;
    if (g.halfOnly) amount = 0.5;
    else {
      amount = chineseOrDigits(g.n2 ?? g.n1 ?? '');
      if (amount !== null && (g.halfBefore || g.halfAfter)) amount += 0.5;
    }
    if (amount === null || amount <= 0 || unit === 0) continue;
    out.push({
      seconds: amount * unit,
      unit,
      start: m.index,
      end: m.index + m[0].length,
      bareFen: g.unit === '分' && !g.halfAfter,
    });
  }
  return out;
}

function englishComponents(folded: string): Component[] {
  const out: Component[] = [];
  EN_COMPONENT.lastIndex = 0;
  for (let m = EN_COMPONENT.exec(folded); m !== null; m = EN_COMPONENT.exec(folded)) {
    const g = m.groups ?? {};
    let amount: number | null;
    let unit: number;
    if (g.half) {
      amount = 0.5;
      unit = unitSeconds(g.halfUnit ?? '');
    } else if (g.digits) {
      amount = Number(g.digits2 ?? g.digits);
      unit = unitSeconds(g.digitUnit ?? '');
    } else {
      const first = englishNumber(g.n1 ?? '');
      amount = g.n2 ? englishNumber(g.n2) : first;
      unit = unitSeconds(g.unit ?? '');
      // "one sec", "a second": an idiom for "a moment", not a promise of one second.
      if (unit === 1 && !g.n2 && /^(?:an?|one)$/i.test(g.n1 ?? '') && !g.andHalf && !g.andHalfAfter && !g.orUpper) continue;
      if (amount !== null && g.andHalf) amount += 0.5;
    }
    if (amount !== null && g.andHalfAfter) amount += 0.5;
    if (amount !== null && g.orUpper) amount = Math.max(amount, englishNumber(g.orUpper) ?? amount);
    if (amount === null || amount <= 0 || unit === 0) continue;
    out.push({ seconds: amount * unit, unit, start: m.index, end: m.index + m[0].length, bareFen: false });
  }
  return out;
}

/** A concrete duration found in a message. */
export interface Duration {
  /** Total seconds; a range counts as its upper bound ("2-3分钟" = 180). */
  seconds: number;
  /** The text as written in the message. */
  text: string;
  offset: number;
  /** Followed by "前" / "以前" / "之前" / "ago": a time in the past, not a promise. */
  past: boolean;
}

const JOINER = /^(?:\s*(?:,\s*)?(?:and\s+)?)$/i;
const PAST = /^\s*(?:以前|之前|前|ago(?![A-Za-z]))/i;

const CHINESE = 1;
const ENGLISH = 2;

/**
 * Which kinds of component a width-folded text may hold (CHINESE, ENGLISH bits): every Chinese one has a
 * unit, each written with 时, 钟, 分 or 秒; every English one a unit or "half", with an h, m or s in some
 * case (or the long s, which /iu matches as s). One pass over the text instead of two RegExp runs: most
 * wait notices state no time at all.
 */
function componentKinds(folded: string): number {
  let kinds = 0;
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    if (c === 0x65f6 || c === 0x949f || c === 0x5206 || c === 0x79d2) kinds |= CHINESE;
    else {
      const lower = c | 0x20;
      if (lower === 0x68 || lower === 0x6d || lower === 0x73 || c === 0x17f) kinds |= ENGLISH;
    }
  }
  return kinds;
}

/**
 * Every concrete duration in `text`, in order. Adjacent components with falling units are one duration
 * ("1分30秒", "1小时20分", "2 minutes and 30 seconds"). Text is width-folded first ("２分钟" = "2分钟").
 * `byKind` false (tests only) runs both kinds of component search whatever the text holds.
 */
export function findDurations(text: string, byKind = true): Duration[] {
  const folded = foldWidth(text);
  const kinds = byKind ? componentKinds(folded) : CHINESE | ENGLISH;
  if (kinds === 0) return [];
  const components = [...(kinds & CHINESE ? chineseComponents(folded) : []), ...(kinds & ENGLISH ? englishComponents(folded) : [])].sort((a, b) => a.start - b.start);
  const groups: Component[][] = [];
  for (const c of components) {
    const group = groups[groups.length - 1];
    const last = group?.[group.length - 1];
    if (group && last && c.start >= last.end && c.unit < last.unit && JOINER.test(folded.slice(last.end, c.start))) group.push(c);
    else if (!last || c.start >= last.end) groups.push([c]);
  }
  const out: Duration[] = [];
  for (const group of groups) {
    if (group.length === 1 && group[0]?.bareFen) continue;
    const first = group[0] as Component;
    const last = group[group.length - 1] as Component;
    out.push({
      seconds: Math.round(group.reduce((sum, c) => sum + c.seconds, 0) * 1000) / 1000,
      text: text.slice(first.start, last.end),
      offset: first.start,
      past: PAST.test(folded.slice(last.end)),
    });
  }
  return out;
}
