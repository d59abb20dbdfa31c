/**
 * `build` run on the first call only; every call returns what it built. For zod schemas: building them was
 * zod's largest cost in a small run's start-up (~15 ms of ~120), and most runs parse no report, no diff and
 * (with the built-in packs as shipped) no rule file at all.
 */
export function builtOnce<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
