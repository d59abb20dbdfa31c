/** Values up to this many bytes are shared by the readers; longer ones (texts, times, ids) are rarely met twice. */
export const MAX_SHARED_BYTES = 24;

export function sameBytes(buffer: Buffer, start: number, bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (buffer[start + i] !== bytes[i]) return false;
  return true;
}

/**
 * Short values an export repeats on every record (a role, an agent id, a channel) as one string per
 * value, found by their bytes: a message held until its conversation ends then keeps no copy of its own,
 * and none is decoded anew. A table of the last value per hash slot: a miss costs a hash and a decode.
 */
export class SharedTexts {
  private readonly slots: Array<{ bytes: Uint8Array; text: string } | undefined>;
  private slot = 0;

  /** `slotCount`: a power of two. */
  constructor(slotCount = 512) {
    this.slots = new Array<undefined>(slotCount).fill(undefined);
  }

  /** The string last remembered for bytes [start, end), or undefined (callers keep to short values). */
  find(buffer: Buffer, start: number, end: number): string | undefined {
    const length = end - start;
    let hash = length;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + (buffer[i] as number)) | 0;
    this.slot = hash & (this.slots.length - 1);
    const shared = this.slots[this.slot];
    return shared !== undefined && shared.bytes.length === length && sameBytes(buffer, start, shared.bytes) ? shared.text : undefined;
  }

  /** Remembers `text` for bytes [start, end), the ones find was last asked for. */
  remember(buffer: Buffer, start: number, end: number, text: string): void {
    this.slots[this.slot] = { bytes: Uint8Array.prototype.slice.call(buffer, start, end), text };
  }
}
