/**
 * A value built on first use and kept. Rule schemas are built this way: a run whose rules were validated
 * before (the built-in packs, a remembered rule file) never builds them; building them all was ~4% of a
 * one-transcript check's instructions.
 */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
