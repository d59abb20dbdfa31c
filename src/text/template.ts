/** Message templates with named placeholders (`{agentId}`, `{seconds}`), as ESLint writes them. */
const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Templates split once at their placeholders: literal, name, literal, name, …, literal (a few per rule set). */
const compiled = new Map<string, string[]>();

/**
 * The template with each placeholder that has a value filled in; unknown or empty ones stay as written.
 * A value in `overrides` (own keys only) wins over one in `values`, as if spread after them.
 */
export function renderTemplate(
  template: string,
  values: Record<string, string | number | null | undefined>,
  overrides?: Record<string, string | number>,
): string {
  let parts = compiled.get(template);
  if (parts === undefined) {
    parts = template.split(PLACEHOLDER);
    if (compiled.size < 1000) compiled.set(template, parts);
  }
  let out = parts[0] ?? '';
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as string;
    const value = overrides !== undefined && Object.hasOwn(overrides, name) ? overrides[name] : values[name];
    out += (value === undefined || value === null ? `{${name}}` : String(value)) + (parts[i + 1] ?? '');
  }
  return out;
}

/** One line per placeholder of `template` that is not in `allowed`. */
export function placeholderProblems(template: string | undefined, allowed: readonly string[]): string[] {
  const known = new Set(allowed);
  const problems: string[] = [];
  for (const [, name] of (template ?? '').matchAll(PLACEHOLDER)) {
    if (name && !known.has(name)) problems.push(`unknown placeholder {${name}} (allowed: ${[...known].map((p) => `{${p}}`).join(' ')})`);
  }
  return problems;
}
