/**
 * The stable hash that spreads a night by conversation: partitions, worker threads and `--shard k/n` all
 * use it, so a conversation split across files (or across machines' inputs) always lands in one place.
 * FNV-1a, 32 bits, over the id's UTF-8 bytes: the same on every machine and in any language.
 */
export function conversationHash(id: string): number {
  let hash = 0x811c9dc5;
  // ASCII ids (most) hash without encoding; others through their UTF-8 bytes.
  let ascii = true;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c >= 0x80) {
      ascii = false;
      break;
    }
    hash ^= c;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  if (ascii) return hash;
  hash = 0x811c9dc5;
  const bytes = Buffer.from(id, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i] as number;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** One shard of a run: `index` is 1-based, as written in `--shard 2/8`. */
export interface Shard {
  index: number;
  count: number;
}

export const WHOLE_RUN: Shard = { index: 1, count: 1 };

/** Whether a conversation belongs to a shard. */
export function inShard(conversationId: string, shard: Shard): boolean {
  return shard.count === 1 || conversationHash(conversationId) % shard.count === shard.index - 1;
}

/**
 * Which shard keeps a skipped record that names no conversation (every shard reads it): one chosen by its
 * place in the file, so each skip is listed once across shards.
 */
export function ownsSkip(skip: { file: string; line: number | null; record: number }, shard: Shard): boolean {
  return shard.count === 1 || conversationHash(`${skip.file}\u0000${skip.line ?? ''}\u0000${skip.record}`) % shard.count === shard.index - 1;
}

/** Parses `k/n` (1 <= k <= n); undefined when the text is not one. */
export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && count >= 1 && index <= count && count <= 1_000_000 ? { index, count } : undefined;
}
