import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostics } from 'recheck';
import type { analyse as Analyse } from 'scslre';

/**
 * Rule files are input too: a user's regular expression runs on every message of every export, so one
 * that backtracks catastrophically turns a 2,000-character message into minutes of CPU. Patterns are
 * checked when the rule file loads and refused with a hint; nothing is run on a slower engine.
 *
 * Two analysers, both maintained and used widely:
 * - scslre (the analysis behind eslint-plugin-regexp's no-super-linear-backtracking): static, a few
 *   milliseconds; finds repetitions that trade characters with each other or with themselves
 *   (`\s*x?\s*`, `(a+)+`), the cause of almost every real case, and names the character.
 * - recheck: automaton-based with fuzzing as a fallback (lookarounds, large bounded repeats); finds what
 *   scslre cannot see, such as ambiguous alternatives in a repetition (`(?:\w|\d)+`, `(a|aa)+`) and
 *   lookbehinds that rescan (`(?<=[.!?]\s*)x`). It costs 2–2,000 ms a pattern, so verdicts are cached
 *   by pattern, in memory and in a small file (CHATLINT_CACHE_DIR, else $XDG_CACHE_HOME/chatlint, else
 *   ~/.cache/chatlint). A quadratic verdict that recheck reached only by fuzzing is confirmed by timing
 *   its attack string, grown to CONFIRM_LENGTH characters, on V8 itself: bounded repeats such as
 *   `[^\n]{0,80}?` fuzz as quadratic but are linear, and are let through.
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
const POLICY = 'chatlint-regex-safety-1';
const RECHECK_TIMEOUT_MS = 5_000;
/** Length of the attack string used to confirm a fuzzed quadratic verdict, and the time it may take. */
const CONFIRM_LENGTH = 40_000;
const CONFIRM_BUDGET_MS = 100;

/** Stand-ins for placeholders during analysis: agent ids are usually digits, names letters. */
export const PLACEHOLDER_SAMPLES: Record<string, string> = { agentId: '1024', agentName: 'Amy' };

const HINT_NESTED = 'rewrite it without nested quantifiers (a repetition inside a repetition, like (a+)+)';
const HINT_ALTERNATIVES = 'make the alternatives inside a repetition unable to match the same text (e.g. (?:\\w|\\d)+ → \\w+)';
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

type Recheck = { checkSync(source: string, flags: string, params?: Record<string, unknown>): Diagnostics };
let recheck: Recheck | null | undefined;
function loadRecheck(): Recheck | null {
  if (recheck === undefined) {
    try {
      recheck = createRequire(import.meta.url)('recheck') as Recheck;
    } catch {
      recheck = null;
    }
  }
  return recheck;
}

type Attack = Extract<Diagnostics, { status: 'vulnerable' }>['attack'];

function attackString(attack: Attack, length: number): string {
  const fixed = attack.pumps.reduce((n, p) => n + p.prefix.length, attack.suffix.length);
  const pumped = attack.pumps.reduce((n, p) => n + p.pump.length, 0) || 1;
  const times = Math.max(1, Math.ceil((length - fixed) / pumped));
  return attack.pumps.map((p) => p.prefix + p.pump.repeat(times)).join('') + attack.suffix;
}

/** True when V8 takes longer than the budget on the attack grown to CONFIRM_LENGTH characters. */
function slowOnV8(source: string, flags: string, attack: Attack): boolean {
  const expression = new RegExp(source, flags.replace(/[gy]/g, ''));
  const input = attackString(attack, CONFIRM_LENGTH);
  const started = performance.now();
  expression.test(input);
  return performance.now() - started > CONFIRM_BUDGET_MS;
}

function dynamicHazard(source: string, flags: string): RegexHazard | null {
  const checker = loadRecheck();
  if (!checker) return null;
  let result: Diagnostics;
  try {
    result = checker.checkSync(source, flags, { timeout: RECHECK_TIMEOUT_MS, randomSeed: 0 });
  } catch {
    return null;
  }
  if (result.status !== 'vulnerable') return null;
  const pumps = result.attack.pumps;
  const example = shortExample(`${pumps.map((p) => p.prefix + p.pump.repeat(Math.max(1, Math.ceil(4 / Math.max(1, p.pump.length))))).join('')}…${result.attack.suffix}`);
  const { complexity } = result;
  if (complexity.type === 'exponential') return { complexity: 'exponential', example, hint: HINT_ALTERNATIVES };
  if (complexity.isFuzz && complexity.degree <= 2 && !slowOnV8(source, flags, result.attack)) return null;
  return { complexity: 'polynomial', degree: complexity.degree, example, hint: HINT_POLYNOMIAL };
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
  const cache = loadCache();
  const key = createHash('sha256').update(`${POLICY}\u0000${flags}\u0000${source}`).digest('base64url').slice(0, 22);
  if (cache.has(key)) return cache.get(key) ?? null;
  const hazard = staticHazard(source, flags) ?? dynamicHazard(source, flags);
  freshAnalyses++;
  cache.set(key, hazard);
  saveCache(cache);
  return hazard;
}

/** The rule-file message for a hazardous pattern (after `pattern "…" `). */
export function describeHazard(hazard: RegexHazard): string {
  const growth = hazard.complexity === 'exponential' ? 'exponential' : hazard.degree ? `polynomial, degree ${hazard.degree},` : 'polynomial';
  return `can backtrack catastrophically (${growth} on ${hazard.example}); ${hazard.hint}`;
}
