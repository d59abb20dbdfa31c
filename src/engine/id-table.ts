/**
 * A compact table from conversation id (by a 64-bit hash: two 32-bit ones) to a few small numbers, for
 * remembering every conversation of a night (500k ids) in a few MB instead of tens. Two ids alike in all
 * 64 bits (about one chance in 10^8 for a night of 500k conversations) would share their numbers.
 */
export class IdHashTable {
  private keys = new Uint32Array(1024);
  private checks = new Uint32Array(1024);
  private values: Int32Array;
  private count = 0;
  private key = 0;
  private check = 0;

  /** `width`: the numbers kept per id (1 to 3). */
  constructor(private readonly width = 1) {
    if (width < 1 || width > 3) throw new Error(`IdHashTable keeps 1 to 3 numbers per id, not ${width}`);
    this.values = new Int32Array(1024 * width);
  }

  /** Two unrelated 32-bit hashes of the id (FNV-1a, and a Murmur-style mix), into key and check. */
  private hash(id: string): void {
    let a = 0x9e3779b9;
    let b = 0x85ebca6b;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    // A key of 0 marks an empty slot.
    this.key = a >>> 0 || 1;
    this.check = b >>> 0;
  }

  /** The slot of the id, or -1. */
  find(id: string): number {
    this.hash(id);
    const mask = this.keys.length - 1;
    for (let slot = this.key & mask; this.keys[slot] !== 0; slot = (slot + 1) & mask) if (this.keys[slot] === this.key && this.checks[slot] === this.check) return slot;
    return -1;
  }

  /** Number `k` of a slot found. */
  value(slot: number, k = 0): number {
    return this.values[slot * this.width + k] as number;
  }

  /** Stores the numbers for the id (as many as the width), in place of any it had. */
  set(id: string, first: number, second = 0, third = 0): void {
    // The slot first: inserting may grow the table.
    this.store(this.insert(id, first, second, third), first, second, third);
  }

  /** Stores the numbers for the id (as many as the width), unless it is there already; returns its slot either way. */
  insert(id: string, first: number, second = 0, third = 0): number {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const found = this.find(id);
    if (found >= 0) return found;
    const mask = this.keys.length - 1;
    let slot = this.key & mask;
    while (this.keys[slot] !== 0) slot = (slot + 1) & mask;
    this.keys[slot] = this.key;
    this.checks[slot] = this.check;
    this.store(slot, first, second, third);
    this.count++;
    return slot;
  }

  // Fixed arguments written one by one: a rest array and TypedArray.set from it took ~1 µs per insert.
  private store(slot: number, first: number, second: number, third: number): void {
    const at = slot * this.width;
    this.values[at] = first;
    if (this.width > 1) this.values[at + 1] = second;
    if (this.width > 2) this.values[at + 2] = third;
  }

  private grow(): void {
    const { keys, checks, values } = this;
    this.keys = new Uint32Array(keys.length * 2);
    this.checks = new Uint32Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2 * this.width);
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as number;
      if (key === 0) continue;
      let slot = key & mask;
      while (this.keys[slot] !== 0) slot = (slot + 1) & mask;
      this.keys[slot] = key;
      this.checks[slot] = checks[i] as number;
      this.values.set(values.subarray(i * this.width, (i + 1) * this.width), slot * this.width);
    }
  }
}
