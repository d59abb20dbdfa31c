/**
 * A compact table from conversation id (by a 32-bit hash) to a few small numbers, for remembering every
 * conversation of a night (500k ids) in a few MB instead of tens. Two ids with the same hash look alike: a
 * caller must only ever use a false match to do more work (re-check a conversation whole), never less.
 */
export class IdHashTable {
  private keys = new Uint32Array(1024);
  private values: Int32Array;
  private count = 0;

  /** `width`: the numbers kept per id. */
  constructor(private readonly width = 1) {
    this.values = new Int32Array(1024 * width);
  }

  /** FNV-1a with a different seed from the shard hash, so shard-mates do not collide more often. */
  static hash(id: string): number {
    let hash = 0x9e3779b9;
    for (let i = 0; i < id.length; i++) {
      hash ^= id.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    // 0 marks an empty slot.
    return hash >>> 0 || 1;
  }

  /** The slot of the id's hash, or -1. */
  find(id: string): number {
    const key = IdHashTable.hash(id);
    const mask = this.keys.length - 1;
    for (let slot = key & mask; this.keys[slot] !== 0; slot = (slot + 1) & mask) if (this.keys[slot] === key) return slot;
    return -1;
  }

  /** Number `k` of a slot found. */
  value(slot: number, k = 0): number {
    return this.values[slot * this.width + k] as number;
  }

  /** Stores the numbers for the id's hash, unless it is there already; returns its slot either way. */
  insert(id: string, ...values: number[]): number {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const key = IdHashTable.hash(id);
    const mask = this.keys.length - 1;
    let slot = key & mask;
    for (; this.keys[slot] !== 0; slot = (slot + 1) & mask) if (this.keys[slot] === key) return slot;
    this.keys[slot] = key;
    this.values.set(values, slot * this.width);
    this.count++;
    return slot;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Uint32Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2 * this.width);
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as number;
      if (key === 0) continue;
      let slot = key & mask;
      while (this.keys[slot] !== 0) slot = (slot + 1) & mask;
      this.keys[slot] = key;
      this.values.set(values.subarray(i * this.width, (i + 1) * this.width), slot * this.width);
    }
  }
}
