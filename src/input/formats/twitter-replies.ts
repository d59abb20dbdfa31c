/**
 * Reply-linked tweets in the shape of Kaggle's "Customer Support on Twitter" (twcs.csv): columns tweet_id,
 * author_id, inbound, created_at, text, response_tweet_id, in_response_to_tweet_id (any order; an extra
 * unnamed leading index column, as pandas writes it, is ignored).
 *
 * - Conversations are rebuilt by following in_response_to_tweet_id up to the root; the conversation id is
 *   the root's tweet_id. A tweet whose parent is not in the file starts its own conversation.
 * - Role from `inbound`: True → customer, False → agent with agentId = author_id (the brand account;
 *   signatures like "^JK" are resolved later by agent-identity). Other values are skipped.
 * - created_at: `Tue Oct 31 22:10:47 +0000 2017` (ISO 8601 also accepted).
 * - Ids written as floats by pandas (`3.0`) are read as integers. Text: HTML entities decoded.
 * - meta: brand = the conversation's company account (the author of its first company tweet).
 * - Duplicate tweet_ids after the first are skipped. Memory: one small record per tweet plus the id index.
 */
import type { ReadEvent } from '../../model/message.js';
import { isCalendarDate } from '../time/calendar.js';
import { parseTimestamp } from '../time/timestamps.js';
import { eachCsvRecord } from './csv-records.js';
import type { ReaderContext, ProductFormat, SniffSample } from './types.js';
import { decodeEntities, RecordCounter, show } from './shared.js';

const REQUIRED = ['tweet_id', 'author_id', 'inbound', 'created_at', 'text', 'in_response_to_tweet_id'] as const;
const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const TWITTER_TIME = /^(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+([+-])(\d{2}):?(\d{2})\s+(\d{4})$/;

function headerIndex(columns: string[]): Record<(typeof REQUIRED)[number], number> | undefined {
  const names = columns.map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
  const index: Partial<Record<(typeof REQUIRED)[number], number>> = {};
  for (const column of REQUIRED) {
    const i = names.indexOf(column);
    if (i < 0) return undefined;
    index[column] = i;
  }
  return index as Record<(typeof REQUIRED)[number], number>;
}

function sniff(sample: SniffSample): boolean {
  if (sample.json !== undefined) return false;
  const head = sample.head.replace(/^\uFEFF/, '');
  const end = head.search(/\r?\n/);
  const first = end < 0 ? head : head.slice(0, end);
  return headerIndex(first.split(',')) !== undefined;
}

/** Epoch ms of a Twitter `created_at`, or null. Other forms go to parseTimestamp (zone-less ones read in `zone`). */
export function parseTwitterTime(value: string, zone: string): number | null {
  const m = TWITTER_TIME.exec(value.trim());
  if (!m) return parseTimestamp(value, zone);
  const month = MONTHS[(m[1] ?? '').toLowerCase()];
  const [day, hour, minute, second, year] = [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[9])];
  if (month === undefined || !isCalendarDate({ year, month, day }) || hour > 23 || minute > 59 || second > 59) return null;
  const offset = (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8]));
  return Date.UTC(year, month - 1, day, hour, minute, second) - offset * 60_000;
}

/** `3.0` (pandas) → `3`; trims; empty → undefined. */
function tweetId(value: string | undefined): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const float = /^(\d+)\.0*$/.exec(v);
  return float ? float[1] : v;
}

/** What is kept per tweet: a few fields, not the CSV row. */
interface Tweet {
  id: string | undefined;
  author: string;
  inbound: string;
  time: number | null;
  createdAt: string;
  text: string;
  parent: string | undefined;
  line: number;
  short: number;
}

function* read(text: string, _json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const counter = new RecordCounter(ctx.file);
  let index: Record<(typeof REQUIRED)[number], number> | undefined;
  let headerSeen = false;
  let needed = 0;
  const tweets: Tweet[] = [];
  const problems = eachCsvRecord(text, (record, line) => {
    if (!headerSeen) {
      headerSeen = true;
      index = headerIndex(record);
      needed = index ? Math.max(...Object.values(index)) + 1 : 0;
      return;
    }
    if (!index) return;
    const at = (i: number): string => record[i] ?? '';
    const createdAt = at(index.created_at);
    const time = parseTwitterTime(createdAt, ctx.timezone);
    tweets.push({
      id: tweetId(at(index.tweet_id)),
      author: at(index.author_id).trim(),
      inbound: at(index.inbound).trim(),
      time,
      // kept only to explain a skip
      createdAt: time === null ? createdAt.slice(0, 40) : '',
      text: at(index.text),
      parent: tweetId(at(index.in_response_to_tweet_id)),
      line,
      short: Math.max(0, needed - record.length),
    });
  });
  for (const problem of problems) yield counter.skip(problem.reason, problem.line);
  if (headerSeen && !index) {
    yield counter.skip(`missing columns: the header must name ${REQUIRED.join(', ')}`, 1);
    return;
  }

  // tweet_id → position of its first occurrence.
  const byId = new Map<string, number>();
  tweets.forEach((t, i) => {
    if (t.id !== undefined && !byId.has(t.id)) byId.set(t.id, i);
  });

  // Root of every tweet, following parents that are in the file (memoised, cycle-safe).
  const root = new Int32Array(tweets.length).fill(-1);
  for (let i = 0; i < tweets.length; i++) {
    if (root[i] !== -1) continue;
    const path: number[] = [];
    const onPath = new Set<number>();
    let current = i;
    let found = -1;
    for (;;) {
      const known = root[current] ?? -1;
      if (known !== -1) {
        found = known;
        break;
      }
      path.push(current);
      onPath.add(current);
      const parentId = tweets[current]?.parent;
      const parent = parentId !== undefined ? byId.get(parentId) : undefined;
      if (parent === undefined || onPath.has(parent)) {
        found = current;
        break;
      }
      current = parent;
    }
    for (const p of path) root[p] = found;
  }

  // The company account of each conversation: author of its first company tweet in file order.
  const brandOfRoot = new Map<number, string>();
  tweets.forEach((t, i) => {
    const r = root[i] ?? i;
    if (/^false$/i.test(t.inbound) && t.author && !brandOfRoot.has(r)) brandOfRoot.set(r, t.author);
  });

  for (let i = 0; i < tweets.length; i++) {
    const t = tweets[i];
    if (!t) continue;
    const label = `tweet ${t.id ?? '?'}`;
    if (t.short > 0) {
      yield counter.skip(`${label}: record has ${t.short} column(s) too few`, t.line);
      continue;
    }
    if (t.id === undefined) {
      yield counter.skip('tweet without a tweet_id', t.line);
      continue;
    }
    if (byId.get(t.id) !== i) {
      yield counter.skip(`${label}: duplicate tweet_id (first seen on line ${tweets[byId.get(t.id) ?? 0]?.line ?? '?'})`, t.line);
      continue;
    }
    if (t.time === null) {
      yield counter.skip(`${label}: unusable created_at ${show(t.createdAt)}`, t.line);
      continue;
    }
    const inbound = t.inbound.toLowerCase();
    if (inbound !== 'true' && inbound !== 'false') {
      yield counter.skip(`${label}: inbound is ${show(t.inbound)}, expected True or False`, t.line);
      continue;
    }
    if (inbound === 'false' && !t.author) {
      yield counter.skip(`${label}: company tweet without an author_id`, t.line);
      continue;
    }
    const rootTweet = tweets[root[i] ?? i];
    const brand = brandOfRoot.get(root[i] ?? i);
    yield counter.message(
      {
        conversationId: rootTweet?.id ?? t.id,
        timestamp: t.time,
        role: inbound === 'true' ? 'customer' : 'agent',
        ...(inbound === 'false' ? { agentId: t.author, agentName: t.author } : {}),
        text: decodeEntities(t.text),
        ...(brand ? { meta: { brand } } : {}),
        // The reply links, so response-time rules follow each branch of a thread (see rules/kinds/response-time.ts).
        id: t.id,
        ...(t.parent !== undefined && byId.has(t.parent) ? { replyTo: t.parent } : {}),
      },
      t.line,
    );
  }
}

export const twitterReplies: ProductFormat = {
  name: 'twitter-replies',
  reads: 'text',
  description: 'Reply-linked tweets (Kaggle customer-support-on-twitter CSV); conversations rebuilt from in_response_to_tweet_id',
  sniff,
  read,
};
