import type { Encoding } from './encoding.js';

export interface ReadOptions {
  /** IANA zone for timestamps without an offset. */
  timezone: string;
  encoding: Encoding;
  /** A line longer than this is skipped with a reason instead of being buffered. */
  maxLineBytes: number;
  /** Agents' display names, for exports that do not mark who is staff. */
  agents: string[];
}

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
