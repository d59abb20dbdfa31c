/**
 * Pure functions of a text whose results are kept, each under its own name: the first call for a text works
 * the result out, later calls take it. `npm run build` keeps what loading the built-in packs worked out
 * (scripts/parse-packs.mjs, resultsTakenBy), and a run is given it before it compiles a pack (config/parse.ts,
 * knowResults): a pack as shipped is then compiled without reading its patterns again (their folded sources,
 * needles and required runs were ~3 ms, 5% of a one-transcript check).
 *
 * A result is shared by every caller, who must not change it. Results are JSON values or undefined (kept
 * as null in JSON).
 */

/** Results worked out before (knowResults), by function name and text, as JSON gave them. */
const given = new Map<string, Record<string, unknown>>();
/** While resultsTakenBy runs: every result given, by function name and text. */
let taken: Map<string, Map<string, unknown>> | undefined;

/** `workOut` with its results kept under `name` (see above); `isResult` checks a result given by knowResults. */
export function remembered<T>(name: string, workOut: (text: string) => T, isResult: (value: unknown) => value is T): (text: string) => T {
  const results = new Map<string, T>();
  return (text) => {
    let result: T;
    if (results.has(text)) result = results.get(text) as T;
    else {
      const stored = givenResult(name, text, isResult);
      result = stored ? stored.value : workOut(text);
      results.set(text, result);
    }
    if (taken) {
      let byText = taken.get(name);
      if (!byText) taken.set(name, (byText = new Map()));
      byText.set(text, result);
    }
    return result;
  };
}

/** A result knowResults gave for `text`, when `isResult` takes it. */
function givenResult<T>(name: string, text: string, isResult: (value: unknown) => value is T): { value: T } | undefined {
  const byText = given.get(name);
  if (!byText || !Object.hasOwn(byText, text)) return undefined;
  const value = byText[text] === null ? undefined : byText[text];
  return isResult(value) ? { value } : undefined;
}

/** The results `work` was given, by function name and text, as JSON data (undefined as null). */
export function resultsTakenBy(work: () => void): Record<string, Record<string, unknown>> {
  taken = new Map();
  try {
    work();
    const data: Record<string, Record<string, unknown>> = {};
    for (const [name, byText] of taken) data[name] = Object.fromEntries([...byText].map(([text, result]) => [text, result ?? null]));
    return data;
  } finally {
    taken = undefined;
  }
}

/**
 * Takes results worked out before (resultsTakenBy's data), for functions remembered now or later, in place of
 * those given earlier. A result is checked as it is first asked for: one the function could not give (another
 * build's, a damaged value) is worked out again.
 */
export function knowResults(data: unknown): void {
  if (typeof data !== 'object' || data === null) return;
  for (const [name, byText] of Object.entries(data)) {
    if (typeof byText === 'object' && byText !== null) given.set(name, byText as Record<string, unknown>);
  }
}
