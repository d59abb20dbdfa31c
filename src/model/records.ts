/**
 * Objects whose keys come from input (agent ids, rule ids, metadata columns, waiver fields): with no
 * prototype, `__proto__`, `constructor` or `toString` are keys like any other, never Object.prototype's.
 */
export function keyedByInput<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A key's own value, never one inherited from Object.prototype (`counts.constructor` is not a count). */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
