/**
 * A value built on first use and kept. Rule schemas are built this way: a run whose rules were validated
 * before (the built-in packs, a remembered rule file) never builds them, and zod's schemas were a fifth of
 * a small check's start-up.
 */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
