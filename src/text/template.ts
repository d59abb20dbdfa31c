/** Message templates with named placeholders (`{agentId}`, `{seconds}`), as ESLint writes them. */
const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** The template with each placeholder that has a value filled in; unknown or empty ones stay as written. */
export function renderTemplate(template: string, values: Record<string, string | number | null | undefined>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    return value === undefined || value === null ? whole : String(value);
  });
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
