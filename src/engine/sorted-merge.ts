/** Report order's key: when a conversation started, its id, then the order it was given in. */
export type SortKey = [startedAt: string, conversationId: string, seq: number];

export function compareKeys(a: SortKey, b: SortKey): number {
  return (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2];
}

/** A position in a sorted run: its current key, moved on by advance() (false at the end). */
export interface KeyedCursor {
  key: SortKey;
  advance(): boolean;
}

/** A cursor over items already in key order (what a store still holds): `item()` is the current one. */
export function listCursor<T extends { key: SortKey }>(items: readonly T[]): KeyedCursor & { item(): T } {
  let next = 0;
  let current: T | undefined;
  const cursor = {
    key: ['', '', 0] as SortKey,
    advance() {
      current = items[next++];
      if (!current) return false;
      cursor.key = current.key;
      return true;
    },
    item: () => current as T,
  };
  return cursor;
}

const byKey = (a: KeyedCursor, b: KeyedCursor) => compareKeys(a.key, b.key);

/**
 * The cursors' items in key order (a k-way merge on a binary heap): each cursor is yielded at each of its
 * items. Cursors of another order (the diff's conversation order) say it with `compare`.
 */
export function merged<C extends KeyedCursor>(cursors: C[]): Generator<C>;
export function merged<C extends { advance(): boolean }>(cursors: C[], compare: (a: C, b: C) => number): Generator<C>;
export function* merged<C extends { advance(): boolean }>(cursors: C[], compare = byKey as unknown as (a: C, b: C) => number): Generator<C> {
  const heap: C[] = [];
  for (const cursor of cursors) {
    if (!cursor.advance()) continue;
    heap.push(cursor);
    for (let i = heap.length - 1; i > 0 && compare(heap[i] as C, heap[(i - 1) >> 1] as C) < 0; i = (i - 1) >> 1) swap(heap, i, (i - 1) >> 1);
  }
  while (heap.length > 0) {
    const top = heap[0] as C;
    yield top;
    if (top.advance()) down(heap, compare, 0);
    else {
      const last = heap.pop() as C;
      if (heap.length > 0) {
        heap[0] = last;
        down(heap, compare, 0);
      }
    }
  }
}

// The heap's helpers are module functions, not closures made per merge: every report pass and spill merges
// again, and code that called one merge's closures was thrown away and compiled again for the next's.
function swap<C>(heap: C[], i: number, j: number): void {
  const t = heap[i] as C;
  heap[i] = heap[j] as C;
  heap[j] = t;
}

function down<C>(heap: C[], compare: (a: C, b: C) => number, from: number): void {
  for (let i = from; ; ) {
    const l = 2 * i + 1;
    const r = l + 1;
    let least = i;
    if (l < heap.length && compare(heap[l] as C, heap[least] as C) < 0) least = l;
    if (r < heap.length && compare(heap[r] as C, heap[least] as C) < 0) least = r;
    if (least === i) return;
    swap(heap, i, least);
    i = least;
  }
}
