import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AST } from '@eslint-community/regexpp';
import type { analyse as Analyse } from 'scslre';
import { ambiguity, TooComplexToAnalyse } from './regex-ambiguity.js';
import { crypto } from '../model/node-modules.js';

type Node = AST.Node;
type Regexpp = typeof import('@eslint-community/regexpp');

/**
 * Rule files are input too: a user's regular expression runs on every message of every export, so one
 * that backtracks catastrophically turns a 2,000-character message into minutes of CPU. Patterns are
 * checked when the rule file loads and refused with a hint; nothing is run on a slower engine.
 *
 * The verdict is a pure function of the pattern and its flags: no clock, no randomness, no timing on
 * V8, so a rule file loads the same way on every machine and under any load. Three steps:
 * - scslre (the analysis behind eslint-plugin-regexp's no-super-linear-backtracking): static; finds
 *   repetitions that trade characters with each other or with themselves (`\s*x?\s*`, `(a+)+`), the
 *   cause of almost every real case, and names the character;
 * - lookbehinds holding an unbounded repetition (`(?<=[.!?]\s*)x`): V8 rescans the run behind every
 *   position, quadratic in the message length;
 * - the NFA ambiguity test (regex-ambiguity.ts): exponential (`(?:\w|\d)+x`, `(a|aa)+$`) and polynomial
 *   (`(?:b|c)+d` searched through a long "bcbc…") blow-ups, bounded by a number of product states.
 * Verdicts are cached by pattern, in memory and in a small file (CHATLINT_CACHE_DIR, else
 * $XDG_CACHE_HOME/chatlint, else ~/.cache/chatlint), and a cached verdict equals a fresh one.
 * A rule with `trustPatterns: true` skips the check (see withPatternsTrusted).
 */

export interface RegexHazard {
  complexity: 'exponential' | 'polynomial';
  /** Degree of a polynomial blow-up, when known (2 = quadratic). */
  degree?: number;
  /** A short picture of an input that triggers it: `input like "aaaa…"`, or `a long run of spaces`. */
  example: string;
  /** How to rewrite the pattern. */
  hint: string;
}

/** Bumped whenever the policy below changes, so cached verdicts of an older policy are not reused. */
const POLICY = 'chatlint-regex-safety-2';

/** Stand-ins for placeholders during analysis: agent ids are usually digits, names letters. */
export const PLACEHOLDER_SAMPLES: Record<string, string> = { agentId: '1024', agentName: 'Amy' };

const HINT_NESTED = 'rewrite it without nested quantifiers (a repetition inside a repetition, like (a+)+)';
const HINT_ALTERNATIVES = 'make the alternatives inside a repetition unable to match the same text (e.g. (?:\\w|\\d)+ → \\w+)';
const HINT_LOOKBEHIND = 'bound the repetition inside the lookbehind (e.g. \\s* → \\s{0,10})';
const HINT_TOO_BIG = 'split it into smaller patterns, or set trustPatterns: true on the rule if you know it is safe';
const HINT_POLYNOMIAL = 'rewrite it so that no two repetitions (or a repetition and a lookbehind) can match the same run of characters';
const tradeHint = (char: string) =>
  `two repetitions in a row can both match ${JSON.stringify(char)}; let only one of them take it (e.g. \\s*x?\\s* → \\s*(?:x\\s*)?)`;

function shortExample(text: string): string {
  const shown = JSON.stringify(text);
  return `input like ${shown.length <= 42 ? shown : `${shown.slice(0, 40)}…"`}`;
}

const RUN_NAMES: Record<string, string> = { ' ': 'spaces', '\t': 'tabs', '\n': 'line breaks', '\u3000': 'ideographic spaces' };

// Loaded on the first pattern that has no cached verdict: a run whose verdicts are all cached never pays for it.
let scslre: { analyse: typeof Analyse } | undefined;

/** The static check: quantifiers that can exchange characters. */
function staticHazard(source: string, flags: string): RegexHazard | null {
  scslre ??= createRequire(import.meta.url)('scslre') as { analyse: typeof Analyse };
  let reports;
  try {
    reports = scslre.analyse(new RegExp(source, flags), { reportTypes: { Move: false }, maxReports: 3 }).reports;
  } catch {
    return null;
  }
  const report = reports.find((r) => r.exponential) ?? reports[0];
  if (!report) return null;
  const pick = report.character.pick.toLowerCase() === report.character.pick.toUpperCase() ? report.character.pick : report.character.pick.toLowerCase();
  return {
    complexity: report.exponential ? 'exponential' : 'polynomial',
    example: RUN_NAMES[pick] ? `a long run of ${RUN_NAMES[pick]}` : shortExample(`${pick.repeat(4)}…`),
    hint: report.type === 'Self' ? HINT_NESTED : report.exponential ? HINT_NESTED : tradeHint(pick),
  };
}

let regexpp: Regexpp | undefined;

/**
 * Whether an element is reached before the pattern has read anything (only assertions before it, up
 * through the groups that hold it): a lookbehind there is run at every position of the text, while one
 * after a literal (`[Ww]hatever(?<=…)`) runs only where the literal matched.
 */
function triedAtEveryPosition(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return true;
  if (parent.type === 'Pattern') return true;
  if (parent.type === 'Alternative') {
    const before = parent.elements.slice(0, parent.elements.indexOf(node as (typeof parent.elements)[number]));
    return before.every((element) => element.type === 'Assertion') && triedAtEveryPosition(parent);
  }
  if (parent.type === 'Group' || parent.type === 'CapturingGroup' || parent.type === 'Quantifier') return triedAtEveryPosition(parent);
  return false;
}

/**
 * A positive lookbehind holding an unbounded repetition at the start: V8 runs it backwards from every
 * position (measured: `(?<=[.!?]\\s*)x` takes seconds on 20,000 spaces; a negative one at the start,
 * `(?<![,，]\\s*)x`, is screened by the character after it and stays fast).
 */
function lookbehindHazard(source: string, flags: string): RegexHazard | null {
  // Loaded like scslre, on the first pattern without a cached verdict.
  regexpp ??= createRequire(import.meta.url)('@eslint-community/regexpp') as Regexpp;
  const { RegExpParser, visitRegExpAST } = regexpp;
  let ast;
  try {
    ast = new RegExpParser().parsePattern(source, 0, source.length, { unicode: flags.includes('u'), unicodeSets: flags.includes('v') });
  } catch {
    return null;
  }
  let found: string | null = null;
  visitRegExpAST(ast, {
    onAssertionEnter(node) {
      if (found !== null || node.kind !== 'lookbehind' || node.negate || !triedAtEveryPosition(node)) return;
      visitRegExpAST(node, {
        onQuantifierEnter(quantifier) {
          if (found === null && quantifier.max === Infinity) found = quantifier.raw;
        },
      });
    },
  });
  if (found === null) return null;
  return {
    complexity: 'polynomial',
    degree: 2,
    example: `a long run matching ${found} before a position where the pattern fails`,
    hint: HINT_LOOKBEHIND,
  };
}

function automatonHazard(source: string, flags: string): RegexHazard | null {
  let found;
  try {
    found = ambiguity(source, flags);
  } catch (error) {
    if (error instanceof TooComplexToAnalyse) return { complexity: 'polynomial', example: 'any input (the pattern is too large to analyse)', hint: HINT_TOO_BIG };
    return null;
  }
  if (!found) return null;
  const example = shortExample(`${found.pump.repeat(Math.max(1, Math.ceil(4 / found.pump.length)))}…`);
  if (found.complexity === 'exponential') return { complexity: 'exponential', example, hint: HINT_ALTERNATIVES };
  return { complexity: 'polynomial', degree: found.degree, example, hint: HINT_POLYNOMIAL };
}

interface CacheFile {
  policy: string;
  verdicts: Record<string, RegexHazard | null>;
}

let memory: Map<string, RegexHazard | null> | undefined;
/** Analyses run in this process (the rest came from a cache); tests use it to prove the shipped verdicts cover the packs. */
export let freshAnalyses = 0;

/**
 * Verdicts for the built-in packs' patterns ship with chatlint (rules/regex-verdicts.json, written by
 * `npm run docs`), so checking a transcript with a built-in pack costs no analysis on a fresh machine.
 */
const SHIPPED_VERDICTS = new URL('../../rules/regex-verdicts.json', import.meta.url);

function readVerdicts(path: string | URL, into: Map<string, RegexHazard | null>): void {
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
    if (file.policy === POLICY) for (const [key, verdict] of Object.entries(file.verdicts)) into.set(key, verdict);
  } catch {
    // No cache yet, or an unreadable one: verdicts are recomputed.
  }
}

/** Every verdict known in this process, for writing rules/regex-verdicts.json. */
export function verdictFile(): string {
  return `${JSON.stringify({ policy: POLICY, verdicts: Object.fromEntries([...loadCache()].sort(([a], [b]) => (a < b ? -1 : 1))) }, null, 1)}\n`;
}

function cachePath(): string | null {
  const dir = process.env.CHATLINT_CACHE_DIR ?? (process.env.XDG_CACHE_HOME ? join(process.env.XDG_CACHE_HOME, 'chatlint') : join(homedir(), '.cache', 'chatlint'));
  return dir ? join(dir, 'regex-safety.json') : null;
}

/**
 * Forgets every verdict, shipped and cached, so the next ones are computed afresh (used to regenerate
 * rules/regex-verdicts.json and to prove it equals a fresh analysis).
 */
export function forgetVerdicts(): void {
  memory = new Map();
}

function loadCache(): Map<string, RegexHazard | null> {
  if (memory) return memory;
  memory = new Map();
  readVerdicts(SHIPPED_VERDICTS, memory);
  const path = cachePath();
  if (path) readVerdicts(path, memory);
  return memory;
}

function saveCache(cache: Map<string, RegexHazard | null>): void {
  const path = cachePath();
  if (!path || process.env.CHATLINT_CACHE_DIR === '') return;
  try {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    const file: CacheFile = { policy: POLICY, verdicts: Object.fromEntries(cache) };
    writeFileSync(temp, JSON.stringify(file), { mode: 0o600 });
    renameSync(temp, path);
  } catch {
    // A read-only home is no reason to fail a run: the verdicts stay in memory.
  }
}

/**
 * Whether a regular expression (the source as compiled: width-folded, placeholders substituted) can
 * backtrack catastrophically, and how to fix it; null when it is safe. `flags` should be the most
 * permissive the pattern may run with (`iu`: case-insensitive matching can only add ambiguity).
 */
export function regexHazard(source: string, flags = 'iu'): RegexHazard | null {
  if (patternsTrusted) return null;
  const cache = loadCache();
  const key = crypto().createHash('sha256').update(`${POLICY}\u0000${flags}\u0000${source}`).digest('base64url').slice(0, 22);
  if (cache.has(key)) return cache.get(key) ?? null;
  const hazard = freshRegexHazard(source, flags);
  freshAnalyses++;
  cache.set(key, hazard);
  saveCache(cache);
  return hazard;
}

let patternsTrusted = false;

/**
 * Runs `parse` (a rule's schema parse) with the pattern check switched off: the rule says
 * `trustPatterns: true`, its author vouches for its patterns, and the report records that it did.
 */
export function withPatternsTrusted<T>(trusted: boolean, parse: () => T): T {
  const before = patternsTrusted;
  patternsTrusted = trusted;
  try {
    return parse();
  } finally {
    patternsTrusted = before;
  }
}

/** A fresh verdict, never cached: for tests proving that cached and shipped verdicts equal fresh ones. */
export function freshRegexHazard(source: string, flags = 'iu'): RegexHazard | null {
  return staticHazard(source, flags) ?? lookbehindHazard(source, flags) ?? automatonHazard(source, flags);
}

/** The rule-file message for a hazardous pattern (after `pattern "…" `). */
export function describeHazard(hazard: RegexHazard): string {
  const growth = hazard.complexity === 'exponential' ? 'exponential' : hazard.degree ? `polynomial, degree ${hazard.degree},` : 'polynomial';
  return `can backtrack catastrophically (${growth} on ${hazard.example}); ${hazard.hint}`;
}
