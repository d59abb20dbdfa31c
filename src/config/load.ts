import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { COMMON_PLACEHOLDERS, type Checker, type CommonRule, type RuleKind } from '../rules/common.js';
import { findKind, RULE_KINDS } from '../rules/registry.js';
import { assertTimeZone, TimeZoneError } from '../input/timestamps.js';
import { ConfigError, formatPath } from './errors.js';
import { ruleFileSchema } from './schema.js';

/** Built-in packs ship in `rules/` at the package root (two levels above both src/config and dist/config). */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));
export const DEFAULT_PRESET = 'zh-CN';
const LOCAL_RULE_FILES = ['chatlint.yaml', 'chatlint.yml', 'chatlint.json'];

export interface CompiledRule {
  rule: CommonRule;
  kind: RuleKind;
  check: Checker;
}

export interface Ruleset {
  name: string;
  description: string | undefined;
  /** Where the rules came from: a path, or `preset:<name>`. */
  origin: string;
  hash: string;
  timezone: string | undefined;
  scoring: { base: number; passMark: number };
  /** Every rule as written, after defaults, in file order, disabled ones included. */
  rules: CompiledRule[];
}

export function listPresets(): string[] {
  if (!existsSync(BUILTIN_RULES_DIR)) return [];
  return readdirSync(BUILTIN_RULES_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

export function presetPath(name: string): string {
  for (const ext of ['.yaml', '.yml']) {
    const candidate = resolve(BUILTIN_RULES_DIR, `${name}${ext}`);
    if (existsSync(candidate)) return candidate;
  }
  throw new ConfigError([`unknown preset "${name}" (built-in presets: ${listPresets().join(', ')})`]);
}

/** The rule file a run uses: --rules, else --preset, else ./chatlint.yaml, else the built-in zh-CN pack. */
export function resolveRuleFile(options: { rules?: string | undefined; preset?: string | undefined; cwd?: string }): string {
  if (options.rules) return resolve(options.cwd ?? process.cwd(), options.rules);
  if (options.preset) return presetPath(options.preset);
  for (const name of LOCAL_RULE_FILES) {
    const candidate = resolve(options.cwd ?? process.cwd(), name);
    if (existsSync(candidate)) return candidate;
  }
  return presetPath(DEFAULT_PRESET);
}

interface ParsedFile {
  data: unknown;
  /** The line a key path points at, for error messages; null when unknown. */
  lineOf(path: ReadonlyArray<PropertyKey>): number | null;
}

function parseRuleText(text: string, label: string, isJson: boolean): ParsedFile {
  if (isJson) {
    try {
      return { data: JSON.parse(text), lineOf: () => null };
    } catch (error) {
      throw new ConfigError([`${label}: not valid JSON: ${(error as Error).message}`]);
    }
  }
  const lineCounter = new LineCounter();
  // maxAliasCount bounds alias expansion, so a "billion laughs" file cannot exhaust memory.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => `${label}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError([`${label}: ${(error as Error).message}`]);
  }
  return {
    data,
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return null;
    },
  };
}

function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>, prefix: PropertyKey[], label: string, file: ParsedFile): string[] {
  return issues.map((issue) => {
    let path = [...prefix, ...issue.path];
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      path = [...path, issue.keys[0] ?? ''];
      message = `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''}`;
    } else if (issue.code === 'invalid_type') {
      message = issue.input === undefined ? `required (${issue.expected})` : `expected ${article(issue.expected)}`;
    }
    const line = file.lineOf(path);
    return `${label}${line ? `:${line}` : ''}: ${formatPath(path) || '(top level)'}: ${message}`;
  });
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Parses, validates and compiles a rule file's text. `label` names it in every error. */
export function compileRuleText(text: string, label: string, origin = label): Ruleset {
  const file = parseRuleText(text, label, extname(label).toLowerCase() === '.json');
  const top = ruleFileSchema.safeParse(file.data ?? {}, { reportInput: true });
  if (!top.success) throw new ConfigError(describeIssues(top.error.issues, [], label, file));

  const problems: string[] = [];
  if (top.data.timezone) {
    try {
      assertTimeZone(top.data.timezone);
    } catch (error) {
      if (!(error instanceof TimeZoneError)) throw error;
      problems.push(`${label}${lineSuffix(file, ['timezone'])}: timezone: ${error.message}`);
    }
  }

  const compiled: CompiledRule[] = [];
  const ids = new Set<string>();
  top.data.rules.forEach((entry, index) => {
    const at = ['rules', index];
    const kindName = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).kind : undefined;
    const kind = typeof kindName === 'string' ? findKind(kindName) : undefined;
    if (!kind) {
      const known = RULE_KINDS.map((k) => k.kind).join(', ');
      const what = kindName === undefined ? 'required' : `unknown kind ${JSON.stringify(kindName)}`;
      problems.push(`${label}${lineSuffix(file, [...at, 'kind'])}: ${formatPath([...at, 'kind'])}: ${what} (known kinds: ${known})`);
      return;
    }
    const parsed = kind.schema.safeParse(entry, { reportInput: true });
    if (!parsed.success) {
      problems.push(...describeIssues(parsed.error.issues, at, label, file));
      return;
    }
    const rule = parsed.data;
    if (ids.has(rule.id)) problems.push(`${label}${lineSuffix(file, [...at, 'id'])}: ${formatPath([...at, 'id'])}: duplicate rule id "${rule.id}"`);
    ids.add(rule.id);
    const allowed = new Set<string>([...COMMON_PLACEHOLDERS, ...kind.placeholders]);
    for (const [, name] of (rule.message ?? '').matchAll(PLACEHOLDER)) {
      if (name && !allowed.has(name)) {
        problems.push(
          `${label}${lineSuffix(file, [...at, 'message'])}: ${formatPath([...at, 'message'])}: unknown placeholder {${name}} (allowed: ${[...allowed].map((p) => `{${p}}`).join(' ')})`,
        );
      }
    }
    compiled.push({ rule, kind, check: kind.compile(rule) });
  });
  if (problems.length > 0) throw new ConfigError(problems);

  const effective = compiled.map((c) => c.rule);
  const hash = createHash('sha256').update(JSON.stringify({ timezone: top.data.timezone, scoring: top.data.scoring, rules: effective })).digest('hex').slice(0, 12);
  return {
    name: top.data.name ?? basename(label).replace(/\.(ya?ml|json)$/i, ''),
    description: top.data.description,
    origin,
    hash,
    timezone: top.data.timezone,
    scoring: top.data.scoring,
    rules: compiled,
  };
}

function lineSuffix(file: ParsedFile, path: PropertyKey[]): string {
  const line = file.lineOf(path);
  return line ? `:${line}` : '';
}

/** Loads the rule file a run uses (see resolveRuleFile). */
export function loadRuleset(options: { rules?: string | undefined; preset?: string | undefined; cwd?: string }): Ruleset {
  const path = resolveRuleFile(options);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${options.rules ?? path}: cannot read rule file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  const label = options.rules ?? (path.startsWith(BUILTIN_RULES_DIR) ? `rules/${basename(path)}` : basename(path));
  return compileRuleText(text.replace(/^\uFEFF/, ''), label, path);
}
