import type { Shard } from '../model/shard.js';
import type { EncodingChoice } from './encoding.js';
import type { InputMapping } from './mapping.js';

export interface ReadOptions {
  /** IANA zone for timestamps without an offset. */
  timezone: string;
  /** `auto`: detected per file (readInput resolves it before any reader runs). */
  encoding: EncodingChoice;
  /** A line longer than this is skipped with a reason instead of being buffered. */
  maxLineBytes: number;
  /** A message whose text is longer than this (UTF-16 units) is skipped with a reason; default DEFAULT_MAX_MESSAGE_CHARS. */
  maxMessageChars?: number | undefined;
  /** Agents' display names, for exports that do not mark who is staff. */
  agents: string[];
  /** The rule file's (or --map file's) `input` section, compiled: column names, role values, time formats. */
  mapping?: InputMapping | undefined;
  /** When checking one shard: JSON Lines records that certainly belong to another are not parsed. */
  shard?: Shard | undefined;
  /** When re-reading for some conversations only: JSON Lines records that certainly belong to others are not parsed. */
  onlyConversations?: ReadonlySet<string> | undefined;
  /** What reports call a file read under another path: standard input copied to a temporary file (spool.ts). */
  labels?: ReadonlyMap<string, string> | undefined;
  /** Reading a JSON Lines file from the middle (see ranges.ts): lines and records before the first byte read. */
  linesBefore?: number | undefined;
  recordsBefore?: number | undefined;
}

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** The name reports give the file at `path`. */
export const labelOf = (path: string, options: Pick<ReadOptions, 'labels'>): string => options.labels?.get(path) ?? path;
