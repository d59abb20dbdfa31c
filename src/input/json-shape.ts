/** A JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The array under `key` (matched case-insensitively) when `value` is an object that has one. */
export function isObjectWith(value: unknown, key: string): unknown[] | undefined {
  if (!isJsonObject(value)) return undefined;
  for (const [k, v] of Object.entries(value)) if (k.toLowerCase() === key && Array.isArray(v)) return v;
  return undefined;
}
