/** Rule files are input too: past these sizes a file is refused unless --allow-large-rules says it is meant. */
export const MAX_RULE_FILE_BYTES = 1024 * 1024;
export const MAX_RULE_PHRASES = 10_000;

export interface RuleFileLimits {
  /** --allow-large-rules: accept rule files over MAX_RULE_FILE_BYTES or MAX_RULE_PHRASES. */
  allowLarge?: boolean;
}

export function tooLarge(label: string, bytes: number): string {
  return `${label}: rule file is ${bytes} bytes, over the limit of ${MAX_RULE_FILE_BYTES} (1 MiB); pass --allow-large-rules if it is meant to be this big`;
}

/** Strings in every list under a `phrases` or `patterns` key (questionPatterns, triggers[].patterns …), iteratively. */
export function countPhrases(values: unknown[]): number {
  let count = 0;
  const stack: Array<{ value: unknown; listed: boolean }> = values.map((value) => ({ value, listed: false }));
  while (stack.length > 0) {
    const { value, listed } = stack.pop() as { value: unknown; listed: boolean };
    if (typeof value === 'string') {
      if (listed) count++;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, listed });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) stack.push({ value: item, listed: /(?:phrases|patterns)$/i.test(key) });
    }
  }
  return count;
}
