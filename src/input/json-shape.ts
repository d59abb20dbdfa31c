/** The array under `key` (matched case-insensitively) when `value` is an object that has one. */
export function isObjectWith(value: unknown, key: string): unknown[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const [k, v] of Object.entries(value)) if (k.toLowerCase() === key && Array.isArray(v)) return v;
  return undefined;
}
