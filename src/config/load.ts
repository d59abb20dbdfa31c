import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { duplicateKeys } from '../input/limits.js';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { COMMON_PLACEHOLDERS, type Checker, type CommonRule, type RuleKind } from '../rules/common.js';
import { findKind, RULE_KINDS } from '../rules/registry.js';
import { withPatternsTrusted } from '../rules/regex-safety.js';
import { assertTimeZone, TimeZoneError } from '../input/timestamps.js';
import { inputSectionProblems, type InputSection } from '../input/mapping.js';
import { ConfigError, formatPath } from './errors.js';
import { inputSectionSchema, ruleFileSchema, type RuleFile } from './schema.js';
import { isJsonObject as isRecord } from '../input/json-shape.js';
import { keyedByInput } from '../model/records.js';

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
  /** Where the rules came from: a path. */
  origin: string;
  /** The pack this one extends, as written. */
  extends: string | undefined;
  hash: string;
  timezone: string | undefined;
  /** How to read the exports (columns, role values, time formats, agent signatures), when the file says. */
  input: InputSection | undefined;
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
    const [duplicate] = duplicateKeys(text);
    if (duplicate) {
      const line = text.slice(0, duplicate.at).split('\n').length;
      throw new ConfigError([`${label}:${line}: duplicate key ${JSON.stringify(duplicate.key)}`]);
    }
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

interface PackSource {
  label: string;
  file: ParsedFile;
}

/** A rule entry as written (after `extends` merging), with where it was written for error messages. */
interface RawEntry {
  value: Record<string, unknown>;
  source: PackSource;
  index: number;
}

interface RawPack {
  top: RuleFile;
  /** Top-level keys the files in the chain set explicitly (defaults do not override a base). */
  explicit: Set<string>;
  entries: RawEntry[];
  problems: string[];
}


/** The pack `extends` names: a built-in preset, or a path relative to the extending file. */
function basePath(name: string, from: string): string {
  if (!/[\\/]/.test(name) && !/\.(ya?ml|json)$/i.test(name) && listPresets().includes(name)) return presetPath(name);
  return resolve(dirname(from), name);
}

/**
 * Reads one file of an `extends` chain. Entries whose id names a rule of the base override it key by
 * key (so `{id: reply-within-60s, maxSeconds: 90}` changes one threshold), `append` adds to the base's
 * lists (phrases, patterns, exceptions), and entries with a new id and a kind add rules.
 */
function readPack(text: string, label: string, path: string, chain: string[], limits: RuleFileLimits = {}): RawPack {
  const bytes = Buffer.byteLength(text);
  if (!limits.allowLarge && bytes > MAX_RULE_FILE_BYTES) throw new ConfigError([tooLarge(label, bytes)]);
  const file = parseRuleText(text, label, extname(label).toLowerCase() === '.json');
  // `rules:` with every entry commented out (as in a fresh `chatlint init`) means no rules.
  if (isRecord(file.data) && file.data.rules === null) delete file.data.rules;
  const top = ruleFileSchema.safeParse(file.data ?? {}, { reportInput: true });
  if (!top.success) throw new ConfigError(describeIssues(top.error.issues, [], label, file));
  const source: PackSource = { label, file };
  const explicit = new Set(isRecord(file.data) ? Object.keys(file.data) : []);
  const problems: string[] = top.data.input ? describeInputProblems(top.data.input, ['input'], label, file) : [];

  let base: RawPack | undefined;
  if (top.data.extends) {
    const target = basePath(top.data.extends, path);
    if (chain.includes(target)) {
      throw new ConfigError([`${label}${lineSuffix(file, ['extends'])}: extends: circular: ${[...chain, target].map((p) => basename(p)).join(' → ')}`]);
    }
    let baseText: string;
    try {
      baseText = readFileSync(target, 'utf8');
    } catch (error) {
      throw new ConfigError([`${label}${lineSuffix(file, ['extends'])}: extends: cannot read "${top.data.extends}" (${(error as NodeJS.ErrnoException).code ?? 'error'}); give a built-in preset (${listPresets().join(', ')}) or a path relative to this file`]);
    }
    const baseLabel = target.startsWith(BUILTIN_RULES_DIR) ? `rules/${basename(target)}` : relative(process.cwd(), target) || target;
    base = readPack(baseText.replace(/^\uFEFF/, ''), baseLabel, target, [...chain, target], limits);
    problems.push(...base.problems);
  }

  const entries: RawEntry[] = base ? [...base.entries] : [];
  top.data.rules.forEach((value, index) => {
    const at = ['rules', index];
    const where = (key: PropertyKey[]) => `${label}${lineSuffix(file, [...at, ...key])}: ${formatPath([...at, ...key])}`;
    if (!isRecord(value)) {
      problems.push(`${where([])}: expected a rule (a mapping with id and kind)`);
      return;
    }
    const existing = base && typeof value.id === 'string' ? entries.findIndex((e) => e.value.id === value.id) : -1;
    const { append, ...fields } = value;
    if (existing < 0) {
      if (base && !('kind' in value)) {
        problems.push(`${where(['id'])}: no rule "${String(value.id)}" in the extended pack to override (give a kind to add a new rule)`);
        return;
      }
      if (append !== undefined) problems.push(`${where(['append'])}: append only adds to a rule of the extended pack`);
      entries.push({ value: fields, source, index });
      return;
    }
    const inherited = (entries[existing] as RawEntry).value;
    if ('kind' in fields && fields.kind !== inherited.kind) {
      problems.push(`${where(['kind'])}: cannot change the kind of "${String(value.id)}" (${String(inherited.kind)}); use a new id`);
      return;
    }
    const merged: Record<string, unknown> = { ...inherited, ...fields };
    if (append !== undefined) {
      if (!isRecord(append)) problems.push(`${where(['append'])}: expected a mapping of list fields to add to`);
      else {
        for (const [key, extra] of Object.entries(append)) {
          const current = merged[key] ?? [];
          if (!Array.isArray(current) || !Array.isArray(extra)) problems.push(`${where(['append', key])}: can only add a list to a list field`);
          else merged[key] = [...current, ...extra];
        }
      }
    }
    entries[existing] = { value: merged, source, index };
  });

  if (base) {
    // A key this file sets wins; a key it leaves out comes from the base, not from a default.
    const inheritedTop = Object.fromEntries([...base.explicit].filter((k) => !explicit.has(k)).map((k) => [k, base.top[k as keyof RuleFile]]));
    return { top: { ...top.data, ...inheritedTop, extends: top.data.extends }, explicit: new Set([...explicit, ...base.explicit]), entries, problems };
  }
  return { top: top.data, explicit, entries, problems };
}

/** Parses, validates and compiles a rule file's text (following `extends`). `label` names it in every error. */
export function compileRuleText(text: string, label: string, origin = label, limits: RuleFileLimits = {}): Ruleset {
  const pack = readPack(text, label, resolve(origin), [resolve(origin)], limits);
  // Counted before any pattern is compiled or analysed: 10,000 phrases is already a very large pack.
  const phrases = countPhrases(pack.entries.map((e) => e.value));
  if (!limits.allowLarge && phrases > MAX_RULE_PHRASES) {
    throw new ConfigError([
      `${label}: ${phrases} phrases and patterns, over the limit of ${MAX_RULE_PHRASES} (pass --allow-large-rules if the pack is meant to be this big)`,
    ]);
  }
  const { top } = pack;
  const problems = [...pack.problems];
  if (top.timezone) {
    try {
      assertTimeZone(top.timezone);
    } catch (error) {
      if (!(error instanceof TimeZoneError)) throw error;
      problems.push(`${label}: timezone: ${error.message}`);
    }
  }

  const compiled: CompiledRule[] = [];
  const ids = new Set<string>();
  for (const { value: entry, source, index } of pack.entries) {
    const at = ['rules', index];
    const where = (key: PropertyKey[]) => `${source.label}${lineSuffix(source.file, [...at, ...key])}: ${formatPath([...at, ...key])}`;
    const kindName = entry.kind;
    const kind = typeof kindName === 'string' ? findKind(kindName) : undefined;
    if (!kind) {
      const known = RULE_KINDS.map((k) => k.kind).join(', ');
      const what = kindName === undefined ? 'required' : `unknown kind ${JSON.stringify(kindName)}`;
      problems.push(`${where(['kind'])}: ${what} (known kinds: ${known})`);
      continue;
    }
    const parsed = withPatternsTrusted(entry.trustPatterns === true, () => kind.schema.safeParse(entry, { reportInput: true }));
    if (!parsed.success) {
      problems.push(...describeIssues(parsed.error.issues, at, source.label, source.file));
      continue;
    }
    const rule = parsed.data;
    // zod builds records on a plain object, where a key "__proto__" is lost: the validated filter is copied
    // onto a null-prototype object, so metadata named like Object.prototype's properties is filtered like any other.
    if (rule.appliesTo && typeof entry.appliesTo === 'object' && entry.appliesTo !== null) {
      rule.appliesTo = Object.assign(keyedByInput<string | string[]>(), entry.appliesTo as Record<string, string | string[]>);
    }
    if (ids.has(rule.id)) problems.push(`${where(['id'])}: duplicate rule id "${rule.id}"`);
    ids.add(rule.id);
    const allowed = new Set<string>([...COMMON_PLACEHOLDERS, ...kind.placeholders]);
    for (const [, name] of (rule.message ?? '').matchAll(PLACEHOLDER)) {
      if (name && !allowed.has(name)) {
        problems.push(`${where(['message'])}: unknown placeholder {${name}} (allowed: ${[...allowed].map((p) => `{${p}}`).join(' ')})`);
      }
    }
    compiled.push({ rule, kind, check: kind.compile(rule) });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const effective = compiled.map((c) => c.rule);
  const hash = createHash('sha256').update(JSON.stringify({ timezone: top.timezone, scoring: top.scoring, rules: effective, input: top.input })).digest('hex').slice(0, 12);
  return {
    name: top.name ?? basename(label).replace(/\.(ya?ml|json)$/i, ''),
    description: top.description,
    origin,
    extends: top.extends,
    hash,
    timezone: top.timezone,
    input: top.input,
    scoring: top.scoring,
    rules: compiled,
  };
}

function lineSuffix(file: ParsedFile, path: PropertyKey[]): string {
  const line = file.lineOf(path);
  return line ? `:${line}` : '';
}

/** Problems the schema cannot see in an `input` section (patterns, time formats, dates, paths), with file and line. */
function describeInputProblems(section: InputSection, prefix: PropertyKey[], label: string, file: ParsedFile): string[] {
  return inputSectionProblems(section).map((p) => `${label}${lineSuffix(file, [...prefix, ...p.path])}: ${formatPath([...prefix, ...p.path]) || '(top level)'}: ${p.message}`);
}

/** Loads a `--map` file: YAML or JSON with the keys of a rule file's `input` section at its top level. */
export function loadInputMap(path: string): InputSection {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new ConfigError([`${path}: cannot read map file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  const file = parseRuleText(text, path, extname(path).toLowerCase() === '.json');
  const parsed = inputSectionSchema.safeParse(file.data ?? {}, { reportInput: true });
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues, [], path, file));
  const problems = describeInputProblems(parsed.data, [], path, file);
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}

/** Loads the rule file a run uses (see resolveRuleFile). */
export function loadRuleset(options: { rules?: string | undefined; preset?: string | undefined; cwd?: string; allowLarge?: boolean }): Ruleset {
  const path = resolveRuleFile(options);
  let text: string;
  let size = 0;
  try {
    size = statSync(path).size;
    if (options.allowLarge || size <= MAX_RULE_FILE_BYTES) text = readFileSync(path, 'utf8');
    else text = '';
  } catch (error) {
    throw new ConfigError([`${options.rules ?? path}: cannot read rule file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  if (!options.allowLarge && size > MAX_RULE_FILE_BYTES) throw new ConfigError([tooLarge(options.rules ?? path, size)]);
  const label = options.rules ?? (path.startsWith(BUILTIN_RULES_DIR) ? `rules/${basename(path)}` : basename(path));
  return compileRuleText(text.replace(/^\uFEFF/, ''), label, path, { allowLarge: options.allowLarge ?? false });
}

/** Rule files are input too: past these sizes a file is refused unless --allow-large-rules says it is meant. */
export const MAX_RULE_FILE_BYTES = 1024 * 1024;
export const MAX_RULE_PHRASES = 10_000;

export interface RuleFileLimits {
  /** --allow-large-rules: accept rule files over MAX_RULE_FILE_BYTES or MAX_RULE_PHRASES. */
  allowLarge?: boolean;
}

function tooLarge(label: string, bytes: number): string {
  return `${label}: rule file is ${bytes} bytes, over the limit of ${MAX_RULE_FILE_BYTES} (1 MiB); pass --allow-large-rules if it is meant to be this big`;
}

/** Strings in every list under a `phrases` or `patterns` key (questionPatterns, triggers[].patterns …), iteratively. */
function countPhrases(values: unknown[]): number {
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
