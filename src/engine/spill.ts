import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '../model/message.js';

const PARTITIONS = 64;
/**
 * Characters of lines waiting to be written, over all partitions, before they all are: a limit per
 * partition alone let 64 partitions hold 64 M characters (~130 MB) of lines (a run with a tiny
 * --memory-budget re-reads nearly the whole night through here).
 */
export const PENDING_CHARS = 1 << 21;

const liveDirs = new Set<string>();
let cleanupInstalled = false;
function removeLiveDirs(): void {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
}

/** FNV-1a: a stable, cheap hash so every message of a conversation lands in the same partition. */
function partitionOf(conversationId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < conversationId.length; i++) {
    hash ^= conversationId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % PARTITIONS;
}

/**
 * Messages kept on disk instead of in memory, split by conversation into partitions, so a night's
 * export larger than memory is still grouped exactly: each partition holds whole conversations and is
 * read back alone. Files live in a private temporary folder removed at the end (or at exit).
 */
export class SpillStore {
  private readonly dir: string;
  private readonly buffers: string[][] = Array.from({ length: PARTITIONS }, () => []);
  private pending = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'chatlint-spill-'));
    liveDirs.add(this.dir);
    if (!cleanupInstalled) {
      cleanupInstalled = true;
      process.on('exit', removeLiveDirs);
    }
  }

  add(message: Message): void {
    const p = partitionOf(message.conversationId);
    const line = `${JSON.stringify(message)}\n`;
    (this.buffers[p] as string[]).push(line);
    this.pending += line.length;
    if (this.pending >= PENDING_CHARS) {
      for (let q = 0; q < PARTITIONS; q++) this.flush(q);
      this.pending = 0;
    }
  }

  /** Characters of lines not yet written (at most PENDING_CHARS plus one line). */
  get pendingCharacters(): number {
    return this.pending;
  }

  private flush(p: number): void {
    const buffer = this.buffers[p] as string[];
    if (buffer.length === 0) return;
    appendFileSync(join(this.dir, `${p}.jsonl`), buffer.join(''));
    this.buffers[p] = [];
  }

  /** Each partition's messages in the order they were added; the store is removed afterwards. */
  *partitions(): Generator<Message[]> {
    try {
      for (let p = 0; p < PARTITIONS; p++) {
        this.flush(p);
        let text: string;
        try {
          text = readFileSync(join(this.dir, `${p}.jsonl`), 'utf8');
        } catch {
          continue;
        }
        const messages: Message[] = [];
        for (const line of text.split('\n')) if (line) messages.push(JSON.parse(line) as Message);
        yield messages;
      }
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
      liveDirs.delete(this.dir);
    }
  }
}
